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
    int permittedCallsInHalfOpen) {

  public GatekeeperSettings {
    if (permitsPerSecond < 1 || burst < 1) {
      throw new IllegalArgumentException("rate limit needs permitsPerSecond >= 1 and burst >= 1");
    }
  }
}
