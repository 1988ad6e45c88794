package dev.paymentrouter.intent.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paymentrouter.intent.domain.IntentCommand.ReconcileAuthorization;
import dev.paymentrouter.intent.domain.IntentEvent.AttemptApproved;
import dev.paymentrouter.intent.domain.IntentEvent.IntentAuthorized;
import dev.paymentrouter.intent.domain.IntentEvent.ModificationStarted;
import dev.paymentrouter.intent.domain.IntentEvent.ModificationUnknown;
import dev.paymentrouter.provider.domain.ModificationRequest.Kind;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The provider's unasked word on how an authorization ended (Stripe's {@code payment_intent.succeeded} and
 * {@code .canceled}), decided against the intent's open capture or cancel: only what proves that one's outcome
 * ends it. The (state, command) table in {@link IntentTransitionsTest} has the rest.
 */
class AuthorizationEndTest {

  static final Instant T0 = IntentTransitionsTest.T0;
  static final Instant T1 = IntentTransitionsTest.T1;
  static final Instant T2 = T1.plusSeconds(1);

  /** 12.99 EUR authorized at alpha; {@code kind} of {@code amount} sent and its answer lost. */
  private static PaymentIntent unknown(Kind kind, long amount) {
    return IntentTransitions.replay(List.of(IntentTransitionsTest.createdManual(T0),
        IntentTransitionsTest.started(1, "alpha"), new AttemptApproved(1, "pi_1", T1), new IntentAuthorized(T1),
        new ModificationStarted("m1", kind, amount, "alpha", "m1", null, Map.of(), T1),
        new ModificationUnknown("m1", "timeout", T1)));
  }

  private static ReconcileAuthorization captured(long amount, String key) {
    return new ReconcileAuthorization(Kind.CAPTURE, amount, key, "ch_1", T2);
  }

  private static ReconcileAuthorization released(long amountTakenBefore) {
    return new ReconcileAuthorization(Kind.CANCEL, amountTakenBefore, null, "pi_1", T2);
  }

  @Test
  void aPartialCaptureWhoseAnswerWasLostSucceedsWithTheAmountItAskedFor() {
    PaymentIntent intent = unknown(Kind.CAPTURE, 500);

    PaymentIntent after = apply(intent, captured(500, "m1"));

    assertThat(after.status()).isEqualTo(IntentStatus.SUCCEEDED);
    assertThat(after.modification("m1").orElseThrow().status()).isEqualTo(Modification.Status.SUCCEEDED);
    assertThat(after.modification("m1").orElseThrow().providerReference()).isEqualTo("ch_1");
    assertThat(after.amountReceived()).isEqualTo(500);
  }

  @Test
  void aCaptureTheProviderToldWithoutOurKeyCountsByItsAmount() {
    assertThat(apply(unknown(Kind.CAPTURE, 1299), captured(1299, null)).status())
        .isEqualTo(IntentStatus.SUCCEEDED);
  }

  @Test
  void anotherAmountCapturedLeavesTheCaptureOpenForItsStatusQuery() {
    // Someone captured 800 outside the router: money moved, but not as this capture asked.
    Decision decision = IntentTransitions.decide(unknown(Kind.CAPTURE, 500), captured(800, "m1"));

    assertThat(decision).isInstanceOfSatisfying(Decision.Rejected.class,
        rejected -> assertThat(rejected.reason()).isEqualTo(Decision.Rejection.STATUS_UNAVAILABLE));
  }

  @Test
  void anEndThatNamesAnotherModificationChangesNothing() {
    Decision decision = IntentTransitions.decide(unknown(Kind.CAPTURE, 500), captured(500, "m9"));

    assertThat(decision).isInstanceOfSatisfying(Decision.Rejected.class,
        rejected -> assertThat(rejected.reason()).isEqualTo(Decision.Rejection.MODIFICATION_NOT_OPEN));
  }

  @Test
  void aReleaseProvesAnOpenCaptureTookNothing() {
    PaymentIntent after = apply(unknown(Kind.CAPTURE, 500), released(0));

    assertThat(after.modification("m1").orElseThrow().status()).isEqualTo(Modification.Status.FAILED);
    assertThat(after.status()).isEqualTo(IntentStatus.REQUIRES_CAPTURE);
  }

  @Test
  void anOpenCancelSucceedsWhenTheAuthorizationWasReleased() {
    PaymentIntent after = apply(unknown(Kind.CANCEL, 1299), released(0));

    assertThat(after.status()).isEqualTo(IntentStatus.CANCELED);
    assertThat(after.modification("m1").orElseThrow().status()).isEqualTo(Modification.Status.SUCCEEDED);
  }

  @Test
  void anOpenCancelFailsWhenTheAuthorizationWasCapturedInstead() {
    PaymentIntent after = apply(unknown(Kind.CANCEL, 1299), captured(1299, null));

    assertThat(after.modification("m1").orElseThrow().status()).isEqualTo(Modification.Status.FAILED);
    assertThat(after.status()).isEqualTo(IntentStatus.REQUIRES_CAPTURE);
  }

  @Test
  void aReleaseAfterMoneyWasTakenProvesNothing() {
    Decision decision = IntentTransitions.decide(unknown(Kind.CANCEL, 1299), released(100));

    assertThat(decision).isInstanceOf(Decision.Rejected.class);
  }

  @Test
  void anEndIsACaptureOrARelease() {
    assertThatThrownBy(() -> new ReconcileAuthorization(Kind.REFUND, 0, null, "re_1", T2))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static PaymentIntent apply(PaymentIntent intent, IntentCommand command) {
    Decision decision = IntentTransitions.decide(intent, command);
    assertThat(decision).isInstanceOf(Decision.Accepted.class);
    return IntentTransitions.evolveAll(intent, ((Decision.Accepted) decision).events());
  }
}
