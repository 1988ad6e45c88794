package dev.paymentrouter.provider.runtime;

import dev.paymentrouter.limits.LocalPermits;
import dev.paymentrouter.limits.Permits;
import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.provider.domain.RouterRefusal;
import dev.paymentrouter.routing.domain.ProviderAvailability;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Decides whether a call may go to its provider now: the circuit breaker first (an open circuit costs no token),
 * then the token bucket. Told the result of every admitted call, so the breaker sees the provider's failure rate
 * and slow-call rate. The breaker is this replica's own and lock-free; the buckets are this replica's own or the
 * cluster's ({@link Permits}), and {@link #admit} never blocks its caller either way.
 */
public final class ProviderGatekeeper {

  private static final Logger log = LoggerFactory.getLogger(ProviderGatekeeper.class);

  /** Whether a call was admitted, and if not, why. */
  public sealed interface Admission {
    /** The call may go now. */
    record Admitted() implements Admission {}

    /** The call must not go; {@code reason} becomes the attempt's not-sent reason. */
    record Refused(RouterRefusal reason) implements Admission {}
  }

  /** How long a half-open circuit whose probes are out counts as not ready, at most, from each question. */
  static final Duration PROBES_RECHECK = Duration.ofSeconds(1);
  private static final Admission ADMITTED = new Admission.Admitted();
  private static final Admission CIRCUIT_OPEN = new Admission.Refused(RouterRefusal.CIRCUIT_OPEN);
  private static final Admission RATE_LIMITED = new Admission.Refused(RouterRefusal.RATE_LIMITED);

  private final CircuitBreaker breaker;
  private final Permits bucket;
  private final Permits statusBucket;
  private final StatusQueryTurns statusTurns;
  private final Clock clock;
  private final Duration waitInOpenState;
  private volatile Instant openedAt = Instant.MIN;
  private volatile Instant halfOpenedAt = Instant.MIN;
  /** A call was turned away in the current half-open period: its probes are all out. */
  private volatile boolean probesTaken;
  private volatile String lastConfigurationError;

  /** A gatekeeper for {@code provider} on the given clock (a fake one in tests). */
  public ProviderGatekeeper(String provider, GatekeeperSettings settings, Clock clock) {
    this(provider, settings, clock, CircuitBreakerRegistry.ofDefaults());
  }

  /** A gatekeeper whose breaker is registered in {@code breakers} (where metrics find it). */
  public ProviderGatekeeper(
      String provider, GatekeeperSettings settings, Clock clock, CircuitBreakerRegistry breakers) {
    this(provider, settings, clock, breakers, Permits.Source.local(clock));
  }

  /**
   * A gatekeeper whose buckets come from {@code permits}: the cluster's when the replicas share the provider's
   * limits. Charges and status queries have a bucket each ({@code provider:<name>:charges}, {@code :status}).
   */
  public ProviderGatekeeper(String provider, GatekeeperSettings settings, Clock clock,
      CircuitBreakerRegistry breakers, Permits.Source permits) {
    this.clock = clock;
    this.waitInOpenState = settings.waitInOpenState();
    this.breaker = breakers.circuitBreaker(provider, CircuitBreakerConfig.custom()
        .slidingWindowType(SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(settings.slidingWindowSize())
        .minimumNumberOfCalls(settings.minimumCalls())
        .failureRateThreshold(settings.failureRateThreshold())
        .slowCallRateThreshold(settings.slowCallRateThreshold())
        .slowCallDurationThreshold(settings.slowCallDuration())
        .waitDurationInOpenState(settings.waitInOpenState())
        .permittedNumberOfCallsInHalfOpenState(settings.permittedCallsInHalfOpen())
        .recordException(failure -> true)
        .clock(clock)
        .build());
    this.breaker.getEventPublisher().onStateTransition(event -> {
      CircuitBreaker.StateTransition transition = event.getStateTransition();
      if (transition.getToState() == CircuitBreaker.State.OPEN) {
        openedAt = clock.instant();
      }
      if (transition.getToState() == CircuitBreaker.State.HALF_OPEN) {
        probesTaken = false;
        halfOpenedAt = clock.instant();
      }
      // Nothing happens silently: an opening turns payments away from this provider on this replica.
      if (transition.getToState() == CircuitBreaker.State.OPEN) {
        log.warn("Provider {}: circuit breaker {} -> {} (failure rate {}%, slow calls {}%)", provider,
            transition.getFromState(), transition.getToState(), breaker.getMetrics().getFailureRate(),
            breaker.getMetrics().getSlowCallRate());
      } else {
        log.info("Provider {}: circuit breaker {} -> {}", provider, transition.getFromState(),
            transition.getToState());
      }
    });
    this.bucket = permits.permits("provider:" + provider + ":charges", settings.permitsPerSecond(),
        settings.burst());
    this.statusBucket = permits.permits("provider:" + provider + ":status", settings.statusPermitsPerSecond(),
        settings.statusBurst());
    this.statusTurns = new StatusQueryTurns(settings.statusPermitsPerSecond());
  }

  /**
   * Admits or refuses one call: a charge, or a capture, cancel or refund, which the provider rate-limits alike. An
   * admitted call must be followed by {@link #record} or {@link #release}.
   */
  public Mono<Admission> admit() {
    if (!breaker.tryAcquirePermission()) {
      if (!probesTaken && breaker.getState() == CircuitBreaker.State.HALF_OPEN) {
        probesTaken = true;
      }
      return Mono.just(CIRCUIT_OPEN);
    }
    return bucket.take()
        .map(take -> {
          if (take.taken()) {
            return ADMITTED;
          }
          breaker.releasePermission();
          return RATE_LIMITED;
        })
        // A caller that gave up before the bucket answered never makes the call: its half-open probe is free again.
        .doOnCancel(breaker::releasePermission);
  }

  /** {@link #admit} on the calling thread, for buckets in this replica's memory only (tests, benchmarks). */
  public Admission tryAdmit() {
    if (!(bucket instanceof LocalPermits)) {
      throw new IllegalStateException("a shared bucket is asked with admit(), off the caller's thread");
    }
    return admit().block();
  }

  /**
   * Takes one token for a status query, from the status queries' own bucket: however often intents are polled,
   * charges keep every token of theirs. The breaker does not judge status queries. False when their rate is used
   * up.
   */
  public Mono<Boolean> admitStatusQuery() {
    return statusBucket.take().map(take -> take.taken());
  }

  /**
   * When a status query its rate turned away at {@code now} may be asked again: a turn of its own, so that the
   * waiters come back at the pace the rate admits (see {@link StatusQueryTurns}).
   */
  public Instant statusQueryTurn(Instant now) {
    return statusTurns.next(now);
  }

  /** {@link #admitStatusQuery} on the calling thread, for buckets in this replica's memory only (tests). */
  public boolean tryAdmitStatusQuery() {
    if (!(statusBucket instanceof LocalPermits local)) {
      throw new IllegalStateException("a shared bucket is asked with admitStatusQuery(), off the caller's thread");
    }
    return local.takeNow().taken();
  }

  /**
   * The last answer of the provider that said the router's configuration is wrong (its reason and when), or null if
   * none came; for health, where operators look first.
   */
  public String lastConfigurationError() {
    return lastConfigurationError;
  }

  /** An admitted call was never made (e.g. its worker pool was full). */
  public void release() {
    breaker.releasePermission();
  }

  /**
   * Records an admitted call's outcome. Approvals and declines prove the provider works; a call that failed to
   * reach it or whose answer was lost counts against it.
   */
  public void record(ProviderOutcome outcome, Duration elapsed) {
    long nanos = elapsed.toNanos();
    switch (outcome) {
      case ProviderOutcome.Approved approved -> breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
      case ProviderOutcome.Declined declined -> breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
      case ProviderOutcome.ActionRequired actionRequired -> breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
      case ProviderOutcome.NotSent notSent -> recordNotSent(notSent.reason(), notSent.configurationError(), nanos);
      case ProviderOutcome.Unknown unknown ->
          breaker.onError(nanos, TimeUnit.NANOSECONDS, new ProviderFailure(unknown.reason()));
      // Never admitted, so never recorded; and it would say nothing about the provider.
      case ProviderOutcome.RouterRefused refused -> { }
    }
  }

  /**
   * Records an admitted capture's, cancel's or refund's outcome: the same provider API as charges, so the same
   * breaker. Any answer about the payment (done, accepted, refused) proves the provider works; a call that failed
   * to reach it or whose answer was lost counts against it.
   */
  public void record(ModificationOutcome outcome, Duration elapsed) {
    long nanos = elapsed.toNanos();
    switch (outcome) {
      case ModificationOutcome.Succeeded succeeded -> breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
      case ModificationOutcome.Pending pending -> breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
      // An expired authorization or a refund above what is left: the payment's business, not the provider's health.
      case ModificationOutcome.Refused refused -> breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
      case ModificationOutcome.NotSent notSent ->
          recordNotSent(notSent.reason(), notSent.configurationError(), nanos);
      case ModificationOutcome.Unknown unknown ->
          breaker.onError(nanos, TimeUnit.NANOSECONDS, new ProviderFailure(unknown.reason()));
      // Never admitted, so never recorded; and it would say nothing about the provider.
      case ModificationOutcome.RouterRefused refused -> { }
    }
  }

  private void recordNotSent(String reason, boolean configurationError, long nanos) {
    breaker.onError(nanos, TimeUnit.NANOSECONDS, new ProviderFailure(reason));
    if (configurationError) {
      // Every call would get the same answer until an operator fixes the configuration (a revoked key, a
      // merchant account the key may not use): waiting for the failure rate would burn a window of payments.
      lastConfigurationError = reason + " at " + clock.instant();
      if (breaker.getState() != CircuitBreaker.State.OPEN) {
        breaker.transitionToOpenState();
      }
    }
  }

  /**
   * The earliest moment from {@code now} this gatekeeper will admit a call, as far as it can tell, for calls that
   * answer within {@code probesAnswerWithin} (the call timeout): {@code now} when it would admit one now; with its
   * circuit open, once the open wait is over (the next call then probes); with its bucket empty, when the next token
   * has refilled. Empty when no moment is known (the circuit is forced open). Once a half-open circuit has turned a
   * call away, its probes are all out and it decides when they answer, at the latest {@code probesAnswerWithin}
   * after it half-opened; until then it is ready {@link #PROBES_RECHECK} from now at the soonest. Counted as ready
   * at once instead, every intent parked for the provider would wake every {@code MIN_PARK} (100 ms) for as long as
   * the probes of a slow provider take (seconds), to be turned away each time: a start, a refusal and a park written
   * per intent each time, for nothing.
   */
  public Optional<Instant> readyAt(Instant now, Duration probesAnswerWithin) {
    Instant ready = now;
    switch (breaker.getState()) {
      case OPEN -> {
        // Resilience4j lets the first call through once the wait is strictly over.
        Instant probe = openedAt.plus(waitInOpenState).plusMillis(1);
        if (probe.isAfter(ready)) {
          ready = probe;
        }
      }
      case FORCED_OPEN -> {
        return Optional.empty();
      }
      case HALF_OPEN -> {
        // Not later than a second from now: probes of a provider that has recovered answer in milliseconds, and
        // the intents waiting for it should not wait for the slowest case; a second apart, they cost nothing.
        Instant decided = halfOpenedAt.plus(probesAnswerWithin);
        Instant recheck = now.plus(PROBES_RECHECK);
        if (probesTaken && decided.isAfter(ready)) {
          ready = decided.isAfter(recheck) ? recheck : decided;
        }
      }
      case CLOSED, METRICS_ONLY, DISABLED -> { }
    }
    Duration refillIn = bucket.waitForOne(now);
    if (!refillIn.isZero()) {
      // The bucket measures from its own reading of the clock, a little after now: a millisecond covers that.
      Instant refill = now.plus(refillIn).plusMillis(1);
      if (refill.isAfter(ready)) {
        ready = refill;
      }
    }
    return Optional.of(ready);
  }

  /**
   * How routing should see this provider: an open circuit whose wait is over counts as probing, so that the next
   * call can move it to half-open (the breaker only changes state when asked for a permission).
   */
  public ProviderAvailability availability() {
    return switch (breaker.getState()) {
      case CLOSED, METRICS_ONLY, DISABLED -> ProviderAvailability.AVAILABLE;
      case HALF_OPEN -> ProviderAvailability.PROBING;
      // Resilience4j lets the first call through once the wait is strictly over.
      case OPEN -> clock.instant().isAfter(openedAt.plus(waitInOpenState))
          ? ProviderAvailability.PROBING
          : ProviderAvailability.UNAVAILABLE;
      case FORCED_OPEN -> ProviderAvailability.UNAVAILABLE;
    };
  }

  /**
   * Forces the breaker open (an operator's order): every call is refused at once, whatever the failure rate, until
   * {@link #releaseForcedOpen}. Status queries are not judged by the breaker and go on.
   */
  public void forceOpen() {
    if (breaker.getState() != CircuitBreaker.State.FORCED_OPEN) {
      breaker.transitionToForcedOpenState();
    }
  }

  /**
   * Ends a forced opening: the breaker starts again closed, with an empty window, and judges the provider by its
   * calls from now on. A breaker that is not forced open is left as it is.
   */
  public void releaseForcedOpen() {
    if (breaker.getState() == CircuitBreaker.State.FORCED_OPEN) {
      breaker.transitionToClosedState();
    }
  }

  /** Whether an operator forced the breaker open. */
  public boolean forcedOpen() {
    return breaker.getState() == CircuitBreaker.State.FORCED_OPEN;
  }

  /** The breaker's state name, for health and metrics. */
  public String circuitState() {
    return breaker.getState().name();
  }

  /** The breaker, for metrics binding. */
  public CircuitBreaker circuitBreaker() {
    return breaker;
  }

  /** Tokens left in the bucket now. */
  public long availableTokens() {
    return bucket.availableTokens();
  }

  /** Status-query tokens left now. */
  public long availableStatusTokens() {
    return statusBucket.availableTokens();
  }

  /** A provider failure as the breaker sees it; carries no stack trace because it is a value, not a bug. */
  static final class ProviderFailure extends RuntimeException {
    ProviderFailure(String reason) {
      super(reason, null, false, false);
    }
  }
}
