package dev.paymentrouter.provider.runtime;

import java.time.Duration;

/**
 * Limits one provider's gatekeeper enforces.
 *
 * @param permitsPerSecond         sustained calls per second admitted
 * @param burst                    calls admitted at once after a quiet period (bucket capacity)
 * @param failureRateThreshold     percentage of failed calls that opens the circuit
 * @param slowCallRateThreshold    percentage of slow calls that opens the circuit
 * @param slowCallDuration         a call slower than this is slow
 * @param waitInOpenState          how long the circuit stays open before probing
 * @param slidingWindowSize        calls the failure rate is computed over
 * @param minimumCalls             calls needed before the rate counts
 * @param permittedCallsInHalfOpen probe calls while half-open
 * @param statusPermitsPerSecond   sustained status queries per second admitted, from a bucket of their own: a
 *                                 merchant polling an intent must never spend the tokens charges need
 * @param statusBurst              status queries admitted at once after a quiet period
 */
public record GatekeeperSettings(
    int permitsPerSecond,
    int burst,
    float failureRateThreshold,
    float slowCallRateThreshold,
    Duration slowCallDuration,
    Duration waitInOpenState,
    int slidingWindowSize,
    int minimumCalls,
    int permittedCallsInHalfOpen,
    int statusPermitsPerSecond,
    int statusBurst) {

  /** Default budget of status queries: 10 per second, 10 at once. */
  public static final int DEFAULT_STATUS_PERMITS = 10;

  public GatekeeperSettings {
    if (permitsPerSecond < 1 || burst < 1) {
      throw new IllegalArgumentException("rate limit needs permitsPerSecond >= 1 and burst >= 1");
    }
    if (statusPermitsPerSecond < 1 || statusBurst < 1) {
      throw new IllegalArgumentException("status query limit needs permitsPerSecond >= 1 and burst >= 1");
    }
  }

  /** Settings with the default budget of status queries. */
  public GatekeeperSettings(
      int permitsPerSecond,
      int burst,
      float failureRateThreshold,
      float slowCallRateThreshold,
      Duration slowCallDuration,
      Duration waitInOpenState,
      int slidingWindowSize,
      int minimumCalls,
      int permittedCallsInHalfOpen) {
    this(permitsPerSecond, burst, failureRateThreshold, slowCallRateThreshold, slowCallDuration, waitInOpenState,
        slidingWindowSize, minimumCalls, permittedCallsInHalfOpen, DEFAULT_STATUS_PERMITS, DEFAULT_STATUS_PERMITS);
  }
}
