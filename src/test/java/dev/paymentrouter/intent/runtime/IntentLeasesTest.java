package dev.paymentrouter.intent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.intent.domain.Attempt;
import dev.paymentrouter.intent.domain.CaptureMethod;
import dev.paymentrouter.intent.domain.Decision;
import dev.paymentrouter.intent.domain.IntentCommand;
import dev.paymentrouter.intent.domain.IntentEvent;
import dev.paymentrouter.intent.domain.IntentState;
import dev.paymentrouter.intent.domain.IntentTransitions;
import dev.paymentrouter.intent.domain.Money;
import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.intent.domain.PaymentMethod;
import dev.paymentrouter.intent.domain.ReconciliationSchedule;
import dev.paymentrouter.intent.domain.RouteOptions;
import dev.paymentrouter.intent.runtime.IntentStore.Ownership;
import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every state after a charge is left with a live owner or a time to be found again: a capture, cancel or refund in
 * flight keeps its owner's lease and is due when that runs out, one the provider has yet to confirm is due on the
 * reconciliation schedule, an authorization held for capture is due when it expires, and a finished payment needs
 * nobody. A recovered manual intent's charge is replayed as the authorization it was.
 */
class IntentLeasesTest {

  static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
  static final Duration LEASE = Duration.ofSeconds(30);
  static final Duration VALIDITY = Duration.ofDays(7);
  static final IntentRuntime RUNTIME = new IntentRuntime(null, null, null, null, null,
      null, 16, "node-a", LEASE, Duration.ofSeconds(60),
      new ReconciliationSchedule(List.of(Duration.ofSeconds(5), Duration.ofSeconds(30))), Duration.ofMinutes(15),
      Duration.ZERO, null, provider -> VALIDITY, Duration.ofMinutes(10));

  @Test
  void aRefundInFlightKeepsItsOwnersLeaseAndIsDueWhenTheLeaseRunsOut() {
    PaymentIntent refunding = apply(paid(CaptureMethod.AUTOMATIC), new IntentCommand.Refund("re_1", 300, null, T0));
    Instant now = T0.plusSeconds(2);

    assertThat(IntentLeases.after(RUNTIME, List.of(), refunding, 0, false, now))
        .isEqualTo(new Ownership("node-a", now.plus(LEASE), now.plus(LEASE), 0));
  }

  @Test
  void aRefundATakeOverMarkedUnknownIsDueWhenTheNewOwnersLeaseRunsOut() {
    PaymentIntent refunding = apply(paid(CaptureMethod.AUTOMATIC), new IntentCommand.Refund("re_1", 300, null, T0));
    PaymentIntent lost = apply(refunding, new IntentCommand.RecordModification("re_1",
        new ModificationOutcome.Unknown("owner_lost"), T0.plusSeconds(40)));
    Instant now = T0.plusSeconds(40);

    // The new owner goes on at once (it asks the provider); should it die too, the intent is found again.
    assertThat(IntentLeases.after(RUNTIME, List.of(), lost, 0, true, now))
        .isEqualTo(new Ownership("node-a", now.plus(LEASE), now.plus(LEASE), 0));
  }

  @Test
  void aRefundTheProviderHasYetToConfirmIsDueOnTheSchedule() {
    PaymentIntent refunding = apply(paid(CaptureMethod.AUTOMATIC), new IntentCommand.Refund("re_1", 300, null, T0));
    PaymentIntent unknown = apply(refunding, new IntentCommand.RecordModification("re_1",
        new ModificationOutcome.Unknown("timeout"), T0.plusSeconds(1)));
    Instant now = T0.plusSeconds(2);

    assertThat(IntentLeases.after(RUNTIME, List.of(), unknown, 1, false, now))
        .isEqualTo(new Ownership("node-a", now, now.plusSeconds(30), 1));
  }

  @Test
  void aRefundTheProviderAcceptedToConfirmLaterIsDueAtThePendingPace() {
    PaymentIntent refunding = apply(paid(CaptureMethod.AUTOMATIC), new IntentCommand.Refund("re_1", 300, null, T0));
    PaymentIntent pending = apply(refunding, new IntentCommand.RecordModification("re_1",
        new ModificationOutcome.Pending("psp_1"), T0.plusSeconds(1)));
    Instant now = T0.plusSeconds(2);

    assertThat(IntentLeases.after(RUNTIME, List.of(), pending, 0, false, now))
        .isEqualTo(new Ownership("node-a", now, now.plus(Duration.ofMinutes(10)), 0));
  }

  @Test
  void anAuthorizationHeldForCaptureIsDueWhenItExpires() {
    PaymentIntent authorized = paid(CaptureMethod.MANUAL);
    Instant approvedAt = authorized.approvedAttempt().orElseThrow().updatedAt();

    assertThat(IntentLeases.after(RUNTIME, List.of(), authorized, 0, false, T0.plusSeconds(2)).nextCheckAt())
        .isEqualTo(approvedAt.plus(VALIDITY));
    // Once a capture is under way, expiry is no longer the intent's next step.
    PaymentIntent capturing = apply(authorized, new IntentCommand.Capture("cap_1", 0, T0.plusSeconds(3)));
    PaymentIntent captured = apply(capturing, new IntentCommand.RecordModification("cap_1",
        new ModificationOutcome.Succeeded("ch_1"), T0.plusSeconds(4)));
    assertThat(IntentLeases.after(RUNTIME, List.of(), captured, 0, false, T0.plusSeconds(5)))
        .isEqualTo(new Ownership("node-a", T0.plusSeconds(5), null, 0));
  }

  @Test
  void aManualIntentsChargeIsSentAndReplayedAsAnAuthorizationOnly() {
    PaymentIntent manual = created(CaptureMethod.MANUAL);
    Attempt attempt = manual.inFlightAttempt().orElseThrow();

    assertThat(ChargeReconciliation.charge(manual, attempt, "tok_visa").manualCapture()).isTrue();
    assertThat(ChargeReconciliation.charge(created(CaptureMethod.AUTOMATIC), attempt, "tok_visa").manualCapture())
        .isFalse();
  }

  private static PaymentIntent created(CaptureMethod captureMethod) {
    return IntentTransitions.replay(events(IntentState.NONE, new IntentCommand.Create("pi_1", "m_1",
        new Money(1_000, "EUR"), new PaymentMethod("card", "tok_visa", "DE"), null, Map.of(),
        T0.plus(Duration.ofMinutes(15)), new RouteOptions(List.of("alpha"), 1), captureMethod, T0)));
  }

  private static PaymentIntent paid(CaptureMethod captureMethod) {
    return apply(created(captureMethod), new IntentCommand.RecordOutcome(1, new ProviderOutcome.Approved("ch_1"),
        new RouteOptions(List.of(), 1), T0.plusMillis(500)));
  }

  private static PaymentIntent apply(PaymentIntent intent, IntentCommand command) {
    return IntentTransitions.evolveAll(intent, events(intent, command));
  }

  private static List<IntentEvent> events(IntentState state, IntentCommand command) {
    return ((Decision.Accepted) IntentTransitions.decide(state, command)).events();
  }
}
