package dev.paymentrouter.limits;

import io.github.bucket4j.ConsumptionProbe;

/**
 * One attempt to take a permit.
 *
 * @param taken         whether the permit was taken
 * @param remaining     permits left after it, as far as this node knows
 * @param nanosToRefill when none was taken, how long until one refills (0 when taken)
 * @param shared        false when the answer came from this node's fallback bucket (the shared one unreachable)
 */
public record Take(boolean taken, long remaining, long nanosToRefill, boolean shared) {

  static Take of(ConsumptionProbe probe, boolean shared) {
    return new Take(probe.isConsumed(), Math.max(0, probe.getRemainingTokens()),
        probe.isConsumed() ? 0 : probe.getNanosToWaitForRefill(), shared);
  }
}
