package dev.paymentrouter.provider.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * How long a provider's supervisor has not been running its children (restarting or marked down) since it first
 * started: the provider's down time as the router saw it, for {@code payment_router.provider.down_time}. Its own
 * lock keeps the total from ever going back (a Prometheus counter that shrinks reads as a restart).
 */
final class Outages {

  private final Clock clock;
  private Duration ended = Duration.ZERO;
  private Instant open;

  Outages(Clock clock) {
    this.clock = clock;
  }

  /** The supervisor stopped running its children (a crash): an outage starts, unless one already runs. */
  synchronized void began() {
    if (open == null) {
      open = clock.instant();
    }
  }

  /** The children run again: the outage ends. */
  synchronized void ended() {
    if (open != null) {
      ended = ended.plus(Duration.between(open, clock.instant()));
      open = null;
    }
  }

  /** All down time so far, the outage in progress included. */
  synchronized Duration total() {
    return open == null ? ended : ended.plus(Duration.between(open, clock.instant()));
  }
}
