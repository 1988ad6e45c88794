package dev.paymentrouter.provider.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.provider.domain.RouterRefusal;
import dev.paymentrouter.provider.runtime.ProviderGatekeeper.Admission;
import dev.paymentrouter.routing.domain.ProviderAvailability;
import dev.paymentrouter.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProviderGatekeeperTest {

  static final Duration FAST = Duration.ofMillis(20);
  final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  static GatekeeperSettings settings(int perSecond, int burst) {
    // Breaker: over a window of 4 calls, at least 4 calls, 50% failures opens it for 10 s; 2 probes.
    return new GatekeeperSettings(perSecond, burst, 50, 100, Duration.ofSeconds(2), Duration.ofSeconds(10), 4, 4, 2);
  }

  @Test
  void admitsUpToTheBurstThenRefusesUntilTokensRefill() {
    ProviderGatekeeper gatekeeper = new ProviderGatekeeper("alpha", settings(2, 3), clock);

    // A full bucket lets the burst through at once.
    for (int i = 0; i < 3; i++) {
      assertThat(admit(gatekeeper)).isInstanceOf(Admission.Admitted.class);
    }
    // The fourth call in the same instant is refused, and refusal does not count against the provider.
    assertThat(admit(gatekeeper)).isEqualTo(new Admission.Refused(RouterRefusal.RATE_LIMITED));
    assertThat(gatekeeper.availability()).isEqualTo(ProviderAvailability.AVAILABLE);

    // Half a second later one token (2 per second) has come back.
    clock.advance(Duration.ofMillis(500));
    assertThat(admit(gatekeeper)).isInstanceOf(Admission.Admitted.class);
    assertThat(admit(gatekeeper)).isEqualTo(new Admission.Refused(RouterRefusal.RATE_LIMITED));
  }

  @Test
  void aConfigurationErrorOpensTheCircuitAtOnceAndStaysVisible() {
    ProviderGatekeeper gatekeeper = new ProviderGatekeeper("alpha", settings(100, 100), clock);

    // 1. One call: far below the breaker's minimum of four, a failure rate could not open it yet.
    assertThat(admit(gatekeeper)).isInstanceOf(Admission.Admitted.class);
    gatekeeper.record(new ProviderOutcome.NotSent("provider_unauthorized", true), FAST);

    // 2. A refused credential is refused for every payment: the circuit is open after this one answer.
    assertThat(gatekeeper.circuitState()).isEqualTo("OPEN");
    assertThat(admit(gatekeeper)).isEqualTo(new Admission.Refused(RouterRefusal.CIRCUIT_OPEN));
    assertThat(gatekeeper.lastConfigurationError()).startsWith("provider_unauthorized at ");
  }

  @Test
  void aForcedOpenBreakerRefusesWhateverTheCallsSayUntilReleasedClosed() {
    ProviderGatekeeper gatekeeper = new ProviderGatekeeper("alpha", settings(100, 100), clock);

    // 1. An operator forces it open: refused at once, unavailable to routing, and no moment of return is known.
    gatekeeper.forceOpen();
    assertThat(gatekeeper.forcedOpen()).isTrue();
    assertThat(admit(gatekeeper)).isEqualTo(new Admission.Refused(RouterRefusal.CIRCUIT_OPEN));
    assertThat(gatekeeper.availability()).isEqualTo(ProviderAvailability.UNAVAILABLE);
    assertThat(gatekeeper.readyAt(clock.instant(), Duration.ZERO)).isEmpty();

    // 2. Past the open wait it still refuses: nothing probes a forced breaker.
    clock.advance(Duration.ofMinutes(5));
    assertThat(admit(gatekeeper)).isEqualTo(new Admission.Refused(RouterRefusal.CIRCUIT_OPEN));

    // 3. Released: closed, judging calls again.
    gatekeeper.releaseForcedOpen();
    assertThat(gatekeeper.circuitState()).isEqualTo("CLOSED");
    assertThat(admit(gatekeeper)).isInstanceOf(Admission.Admitted.class);
  }

  @Test
  void releasingLeavesABreakerThatOpenedByItselfOpen() {
    ProviderGatekeeper gatekeeper = new ProviderGatekeeper("alpha", settings(100, 100), clock);
    assertThat(admit(gatekeeper)).isInstanceOf(Admission.Admitted.class);
    gatekeeper.record(new ProviderOutcome.NotSent("provider_unauthorized", true), FAST);

    // "auto" gives the breaker back to the provider's failures; it does not close one they opened.
    gatekeeper.releaseForcedOpen();
    assertThat(gatekeeper.circuitState()).isEqualTo("OPEN");
  }

  @Test
  void aProvidersRefusalOfOnePaymentDoesNotOpenTheCircuit() {
    ProviderGatekeeper gatekeeper = new ProviderGatekeeper("alpha", settings(100, 100), clock);

    assertThat(admit(gatekeeper)).isInstanceOf(Admission.Admitted.class);
    gatekeeper.record(new ProviderOutcome.NotSent("payment_method_rejected"), FAST);

    assertThat(gatekeeper.circuitState()).isEqualTo("CLOSED");
    assertThat(gatekeeper.lastConfigurationError()).isNull();
  }

  @Test
  void saysWhenItWillAdmitAgain() {
    ProviderGatekeeper gatekeeper = new ProviderGatekeeper("alpha", settings(1, 1), clock);
    Instant start = clock.instant();

    // 1. A token in the bucket: ready now.
    assertThat(gatekeeper.readyAt(clock.instant(), Duration.ZERO)).contains(start);
    // 2. The only token taken: ready when the next one has refilled, a second later (one per second), with a
    //    millisecond to spare.
    Instant refilled = start.plusSeconds(1).plusMillis(1);
    assertThat(admit(gatekeeper)).isInstanceOf(Admission.Admitted.class);
    assertThat(gatekeeper.readyAt(clock.instant(), Duration.ZERO)).contains(refilled);
    // 3. Asking does not take a token: the same moment, and the bucket admits once it has come.
    assertThat(gatekeeper.readyAt(clock.instant(), Duration.ZERO)).contains(refilled);
    clock.advance(Duration.ofMillis(1_001));
    assertThat(gatekeeper.readyAt(clock.instant(), Duration.ZERO)).contains(clock.instant());
    assertThat(admit(gatekeeper)).isInstanceOf(Admission.Admitted.class);
  }

  @Test
  void saysWhenAnOpenCircuitWillLetAProbeThrough() {
    ProviderGatekeeper gatekeeper = new ProviderGatekeeper("alpha", settings(100, 100), clock);
    for (int i = 0; i < 4; i++) {
      fail(gatekeeper, new ProviderOutcome.NotSent("connection_refused"));
    }
    Instant opened = clock.instant();

    // Open for 10 s: the first probe goes just after.
    assertThat(gatekeeper.readyAt(clock.instant(), Duration.ZERO)).contains(opened.plusSeconds(10).plusMillis(1));
    clock.advance(Duration.ofSeconds(11));
    assertThat(gatekeeper.readyAt(clock.instant(), Duration.ZERO)).contains(clock.instant());
  }

  @Test
  void aHalfOpenCircuitWhoseProbesAreOutIsReadyWhenTheyMustHaveAnsweredNotAtOnce() {
    Duration callTimeout = Duration.ofSeconds(5);
    ProviderGatekeeper gatekeeper = new ProviderGatekeeper("alpha", settings(100, 100), clock);
    for (int i = 0; i < 4; i++) {
      fail(gatekeeper, new ProviderOutcome.NotSent("connection_refused"));
    }

    // 1. The open wait is over: the next two calls are the half-open circuit's probes (settings: 2 probes).
    clock.advance(Duration.ofSeconds(11));
    Instant halfOpened = clock.instant();
    assertThat(admit(gatekeeper)).isInstanceOf(Admission.Admitted.class);
    assertThat(gatekeeper.circuitState()).isEqualTo("HALF_OPEN");
    // While a probe may still be free, the circuit counts as ready: a caller may be that probe.
    assertThat(gatekeeper.readyAt(clock.instant(), callTimeout)).contains(clock.instant());
    assertThat(admit(gatekeeper)).isInstanceOf(Admission.Admitted.class);

    // 2. A third call is turned away: the probes are out, and they answer within the call timeout of the half-open.
    //    Until then the circuit is ready a second from each question (a recovered provider's probes answer fast).
    clock.advance(Duration.ofMillis(300));
    assertThat(admit(gatekeeper)).isEqualTo(new Admission.Refused(RouterRefusal.CIRCUIT_OPEN));
    assertThat(gatekeeper.readyAt(clock.instant(), callTimeout)).contains(clock.instant().plusSeconds(1));
    clock.advance(Duration.ofMillis(4_200));
    assertThat(gatekeeper.readyAt(clock.instant(), callTimeout)).contains(halfOpened.plus(callTimeout));
    // Without a call timeout to go by, as before: ready at once.
    assertThat(gatekeeper.readyAt(clock.instant(), Duration.ZERO)).contains(clock.instant());

    // 3. The probes answer: closed again, ready now.
    gatekeeper.record(new ProviderOutcome.Approved("ch_1"), FAST);
    gatekeeper.record(new ProviderOutcome.Approved("ch_2"), FAST);
    assertThat(gatekeeper.circuitState()).isEqualTo("CLOSED");
    assertThat(gatekeeper.readyAt(clock.instant(), callTimeout)).contains(clock.instant());
  }

  @Test
  void statusQueriesItsRateTurnedAwayComeBackOnePerStatusIntervalNotAllTogether() {
    GatekeeperSettings base = settings(100, 100);
    // Status queries: 4 per second, 1 at once.
    ProviderGatekeeper gatekeeper = new ProviderGatekeeper("alpha", new GatekeeperSettings(
        base.permitsPerSecond(), base.burst(), base.failureRateThreshold(), base.slowCallRateThreshold(),
        base.slowCallDuration(), base.waitInOpenState(), base.slidingWindowSize(), base.minimumCalls(),
        base.permittedCallsInHalfOpen(), 4, 1), clock);
    Instant now = clock.instant();

    // The one token goes; the next three queries are turned away and each gets a turn of its own, 250 ms apart.
    assertThat(gatekeeper.tryAdmitStatusQuery()).isTrue();
    assertThat(gatekeeper.tryAdmitStatusQuery()).isFalse();
    assertThat(gatekeeper.statusQueryTurn(now)).isEqualTo(now.plusMillis(250));
    assertThat(gatekeeper.statusQueryTurn(now)).isEqualTo(now.plusMillis(500));
    assertThat(gatekeeper.statusQueryTurn(now)).isEqualTo(now.plusMillis(750));

    // At the first turn the bucket has a token for it: the rate and the turns agree.
    clock.advance(Duration.ofMillis(250));
    assertThat(gatekeeper.tryAdmitStatusQuery()).isTrue();
  }

  @Test
  void statusQueriesHaveABudgetOfTheirOwnAndNeverTakeChargeTokens() {
    GatekeeperSettings base = settings(2, 2);
    // Charges: 2 per second, 2 at once. Status queries: 1 per second, 3 at once.
    ProviderGatekeeper gatekeeper = new ProviderGatekeeper("alpha", new GatekeeperSettings(
        base.permitsPerSecond(), base.burst(), base.failureRateThreshold(), base.slowCallRateThreshold(),
        base.slowCallDuration(), base.waitInOpenState(), base.slidingWindowSize(), base.minimumCalls(),
        base.permittedCallsInHalfOpen(), 1, 3), clock);

    // A merchant polling hard uses up the status queries' budget...
    for (int i = 0; i < 3; i++) {
      assertThat(gatekeeper.tryAdmitStatusQuery()).isTrue();
    }
    assertThat(gatekeeper.tryAdmitStatusQuery()).isFalse();
    // ...and every charge token is still there.
    assertThat(gatekeeper.availableTokens()).isEqualTo(2);
    assertThat(admit(gatekeeper)).isInstanceOf(Admission.Admitted.class);
    assertThat(admit(gatekeeper)).isInstanceOf(Admission.Admitted.class);
    assertThat(admit(gatekeeper)).isEqualTo(new Admission.Refused(RouterRefusal.RATE_LIMITED));

    // Charges used up their bucket; the status queries' bucket refills on its own schedule (1 per second).
    clock.advance(Duration.ofSeconds(1));
    assertThat(gatekeeper.tryAdmitStatusQuery()).isTrue();
    assertThat(gatekeeper.tryAdmitStatusQuery()).isFalse();
    assertThat(gatekeeper.availableStatusTokens()).isZero();
  }

  @Test
  void opensTheCircuitAfterFailuresAndRefusesWithoutSpendingTokens() {
    ProviderGatekeeper gatekeeper = new ProviderGatekeeper("alpha", settings(100, 100), clock);

    // Four calls, two of them failing: 50% of the window opens the breaker.
    succeed(gatekeeper);
    fail(gatekeeper, new ProviderOutcome.NotSent("connection_refused"));
    succeed(gatekeeper);
    fail(gatekeeper, new ProviderOutcome.Unknown("timeout"));

    assertThat(gatekeeper.circuitState()).isEqualTo("OPEN");
    assertThat(gatekeeper.availability()).isEqualTo(ProviderAvailability.UNAVAILABLE);
    long tokens = gatekeeper.availableTokens();
    assertThat(gatekeeper.tryAdmit()).isEqualTo(new Admission.Refused(RouterRefusal.CIRCUIT_OPEN));
    assertThat(gatekeeper.availableTokens()).isEqualTo(tokens);
  }

  @Test
  void probesAfterTheOpenWaitAndClosesWhenProbesSucceed() {
    ProviderGatekeeper gatekeeper = openGatekeeper();

    // Still inside the open period (10 s): unavailable to routing.
    clock.advance(Duration.ofSeconds(10));
    assertThat(gatekeeper.availability()).isEqualTo(ProviderAvailability.UNAVAILABLE);

    // The wait is over: routing may send a probe, which moves the breaker to half-open.
    clock.advance(Duration.ofMillis(1));
    assertThat(gatekeeper.availability()).isEqualTo(ProviderAvailability.PROBING);
    assertThat(admit(gatekeeper)).isInstanceOf(Admission.Admitted.class);
    assertThat(gatekeeper.circuitState()).isEqualTo("HALF_OPEN");

    // Two probes are permitted; a third concurrent one is refused.
    assertThat(admit(gatekeeper)).isInstanceOf(Admission.Admitted.class);
    assertThat(gatekeeper.tryAdmit()).isEqualTo(new Admission.Refused(RouterRefusal.CIRCUIT_OPEN));

    // Both probes succeed: the breaker closes.
    gatekeeper.record(new ProviderOutcome.Approved("ch_1"), FAST);
    gatekeeper.record(new ProviderOutcome.Declined("card_declined", false), FAST);
    assertThat(gatekeeper.circuitState()).isEqualTo("CLOSED");
    assertThat(gatekeeper.availability()).isEqualTo(ProviderAvailability.AVAILABLE);
  }

  @Test
  void reopensWhenProbesFail() {
    ProviderGatekeeper gatekeeper = openGatekeeper();
    clock.advance(Duration.ofMillis(10_001));
    admit(gatekeeper);
    admit(gatekeeper);
    gatekeeper.record(new ProviderOutcome.NotSent("connection_refused"), FAST);
    gatekeeper.record(new ProviderOutcome.NotSent("connection_refused"), FAST);
    assertThat(gatekeeper.circuitState()).isEqualTo("OPEN");
    assertThat(gatekeeper.availability()).isEqualTo(ProviderAvailability.UNAVAILABLE);
  }

  @Test
  void opensOnSlowCallsEvenWhenTheyApprove() {
    GatekeeperSettings slowOpens = new GatekeeperSettings(
        100, 100, 50, 50, Duration.ofSeconds(2), Duration.ofSeconds(10), 4, 4, 2);
    ProviderGatekeeper gatekeeper = new ProviderGatekeeper("alpha", slowOpens, clock);
    for (int i = 0; i < 4; i++) {
      admit(gatekeeper);
      gatekeeper.record(new ProviderOutcome.Approved("ch"), Duration.ofSeconds(3));
    }
    assertThat(gatekeeper.circuitState()).isEqualTo("OPEN");
  }

  @Test
  void aReleasedAdmissionDoesNotCountAsACall() {
    ProviderGatekeeper gatekeeper = openGatekeeper();
    clock.advance(Duration.ofMillis(10_001));
    // Two probe permissions taken, then released because the pool refused the calls.
    admit(gatekeeper);
    admit(gatekeeper);
    gatekeeper.release();
    gatekeeper.release();
    // The permissions are free again for real probes.
    assertThat(admit(gatekeeper)).isInstanceOf(Admission.Admitted.class);
  }

  @Test
  void aModificationsConfigurationErrorOpensTheCircuitAtOnceForChargesToo() {
    ProviderGatekeeper gatekeeper = new ProviderGatekeeper("alpha", settings(100, 100), clock);

    // 1. One capture, far below the breaker's minimum of four calls.
    assertThat(admit(gatekeeper)).isInstanceOf(Admission.Admitted.class);
    gatekeeper.record(new ModificationOutcome.NotSent("provider_unauthorized", true), FAST);

    // 2. The key that cannot capture cannot charge either: open at once, and health shows why.
    assertThat(gatekeeper.circuitState()).isEqualTo("OPEN");
    assertThat(admit(gatekeeper)).isEqualTo(new Admission.Refused(RouterRefusal.CIRCUIT_OPEN));
    assertThat(gatekeeper.lastConfigurationError()).startsWith("provider_unauthorized at ");
  }

  @Test
  void modificationsTheProviderAnsweredCountAsSuccessesAndLostOnesAsFailures() {
    ProviderGatekeeper gatekeeper = new ProviderGatekeeper("alpha", settings(100, 100), clock);

    // 1. Done, accepted for later, refused (an expired authorization): the provider works. One lost answer is 25%
    //    of the four-call window, below the 50% that opens the breaker.
    modify(gatekeeper, new ModificationOutcome.Succeeded("cap_1"));
    modify(gatekeeper, new ModificationOutcome.Pending("cap_2"));
    modify(gatekeeper, new ModificationOutcome.Refused("authorization_expired"));
    modify(gatekeeper, new ModificationOutcome.Unknown("timeout"));
    assertThat(gatekeeper.circuitState()).isEqualTo("CLOSED");

    // 2. A refused connection pushes the success out of the window: two of the last four failed, and 50% opens it.
    modify(gatekeeper, new ModificationOutcome.NotSent("connection_refused"));
    assertThat(gatekeeper.circuitState()).isEqualTo("OPEN");
    assertThat(gatekeeper.lastConfigurationError()).isNull();
  }

  @Test
  void theRoutersOwnRefusalOfAModificationTeachesTheBreakerNothing() {
    ProviderGatekeeper gatekeeper = new ProviderGatekeeper("alpha", settings(100, 100), clock);

    gatekeeper.record(new ModificationOutcome.RouterRefused(RouterRefusal.POOL_FULL), FAST);

    assertThat(gatekeeper.circuitBreaker().getMetrics().getNumberOfBufferedCalls()).isZero();
  }

  private ProviderGatekeeper openGatekeeper() {
    ProviderGatekeeper gatekeeper = new ProviderGatekeeper("alpha", settings(100, 100), clock);
    for (int i = 0; i < 4; i++) {
      fail(gatekeeper, new ProviderOutcome.NotSent("connection_refused"));
    }
    assertThat(gatekeeper.circuitState()).isEqualTo("OPEN");
    return gatekeeper;
  }

  private static Admission admit(ProviderGatekeeper gatekeeper) {
    return gatekeeper.tryAdmit();
  }

  private static void succeed(ProviderGatekeeper gatekeeper) {
    assertThat(gatekeeper.tryAdmit()).isInstanceOf(Admission.Admitted.class);
    gatekeeper.record(new ProviderOutcome.Approved("ch"), FAST);
  }

  private static void modify(ProviderGatekeeper gatekeeper, ModificationOutcome outcome) {
    assertThat(gatekeeper.tryAdmit()).isInstanceOf(Admission.Admitted.class);
    gatekeeper.record(outcome, FAST);
  }

  private static void fail(ProviderGatekeeper gatekeeper, ProviderOutcome outcome) {
    assertThat(gatekeeper.tryAdmit()).isInstanceOf(Admission.Admitted.class);
    gatekeeper.record(outcome, FAST);
  }
}
