package dev.paymentrouter.intent.runtime;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Limits of the intent runtime, under {@code payment-router.intents}.
 *
 * @param maxActive       live intent processes per node; more new intents are refused with 503
 * @param mailboxCapacity messages a process may have waiting
 * @param deadline        how long after creation an intent may still start a new attempt; after that it fails
 *                        with {@code deadline_exceeded} unless a charge may already exist
 * @param drainTimeout    at shutdown, how long live intents may take to finish before the node hands them over
 * @param merchantShare   the share of {@code maxActive} one merchant's new intents may hold (0 to 1): beyond it the
 *                        merchant gets 429, so one merchant's burst cannot take every slot of the node
 * @param maxPark         how long an accepted intent may wait, in all, for a provider that only the router itself
 *                        refuses (circuit open, bucket empty, pool full, supervisor restarting) before it fails with
 *                        {@code no_provider_available}; zero: it never waits
 * @param maxParked       parked intents per node; beyond them an intent fails at once instead of waiting
 */
@ConfigurationProperties("payment-router.intents")
public record IntentProperties(
    @DefaultValue("10000") int maxActive,
    @DefaultValue("16") int mailboxCapacity,
    @DefaultValue("15m") Duration deadline,
    @DefaultValue("15s") Duration drainTimeout,
    @DefaultValue("0.5") double merchantShare,
    @DefaultValue("5s") Duration maxPark,
    @DefaultValue("1000") int maxParked) {

  public IntentProperties {
    if (!(merchantShare > 0 && merchantShare <= 1)) {
      throw new IllegalArgumentException(
          "payment-router.intents.merchant-share must be above 0 and at most 1, was " + merchantShare);
    }
    if (maxPark.isNegative()) {
      throw new IllegalArgumentException("payment-router.intents.max-park must not be negative, was " + maxPark);
    }
    if (maxParked < 0) {
      throw new IllegalArgumentException("payment-router.intents.max-parked must be >= 0, was " + maxParked);
    }
  }

  /** Live intents one merchant's new intents may hold: its share of {@code maxActive}, at least one. */
  public int maxActivePerMerchant() {
    return Math.max(1, (int) Math.ceil(maxActive * merchantShare));
  }
}
