package dev.paymentrouter.limits;

import java.time.Duration;
import java.time.Instant;
import reactor.core.publisher.Mono;

/**
 * A token bucket a caller takes permits from: this node's own ({@link LocalPermits}) or one the replicas share
 * ({@link SharedPermits}). Taking never errors and never blocks its caller's thread.
 */
public sealed interface Permits permits LocalPermits, SharedPermits {

  /** Takes one permit, or says how long until one refills. Never errors. */
  Mono<Take> take();

  /** Permits left as far as this node knows now, for health and metrics; never asks the database. */
  long availableTokens();

  /** How long from {@code now} until a permit is expected, as far as this node knows; zero when one is left. */
  Duration waitForOne(Instant now);

  /** Makes the permits of one named limit. */
  @FunctionalInterface
  interface Source {
    /** This node's own buckets, for tests and single-replica runs. */
    static Source local(java.time.Clock clock) {
      return (key, perSecond, burst) -> new LocalPermits(perSecond, burst, clock);
    }

    /** Permits for {@code key}: {@code burst} at once, refilled at {@code perSecond}. */
    Permits permits(String key, int perSecond, int burst);
  }
}
