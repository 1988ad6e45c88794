package dev.paymentrouter.webhook.domain;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * When a delivery that failed is tried again: after each failed try the next delay of the list, spread by up to
 * {@code jitter} either way so that deliveries that failed together (an endpoint that was down) do not come back
 * together; after the last, the delivery has failed for good.
 *
 * @param delays the wait before each retry, in order (the first try is at once)
 * @param jitter the share of a delay it may move by, 0 to 1
 */
public record RetrySchedule(List<Duration> delays, double jitter) {

  public RetrySchedule {
    delays = List.copyOf(delays);
    if (delays.isEmpty() || delays.stream().anyMatch(delay -> delay.isNegative())) {
      throw new IllegalArgumentException("a retry schedule needs at least one non-negative delay");
    }
    if (jitter < 0 || jitter > 1) {
      throw new IllegalArgumentException("jitter must be within 0 and 1");
    }
  }

  /**
   * The wait after {@code triesMade} failed tries, with {@code random} (0 to 1) choosing where in the jitter;
   * empty when no try is left.
   */
  public Optional<Duration> after(int triesMade, double random) {
    if (triesMade < 1 || triesMade > delays.size()) {
      return Optional.empty();
    }
    Duration delay = delays.get(triesMade - 1);
    double factor = 1 + jitter * (2 * random - 1);
    return Optional.of(Duration.ofMillis(Math.round(delay.toMillis() * factor)));
  }

  /** The whole span over which a delivery is tried, without jitter. */
  public Duration span() {
    return delays.stream().reduce(Duration.ZERO, Duration::plus);
  }
}
