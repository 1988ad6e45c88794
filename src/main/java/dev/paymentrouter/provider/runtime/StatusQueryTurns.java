package dev.paymentrouter.provider.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns for the status queries a provider's status rate turned away: each waiter gets a moment of its own, one
 * rate interval after the previous waiter's, so that a backlog of unknown outcomes comes back at the pace the rate
 * admits instead of all of it every second or two. A sick provider leaves hundreds of unknown outcomes; had each of
 * them come back every 1-2 s to find the rate used up again, every retry would cost a write, a claim and a load of
 * the intent, for as long as the backlog lasted (its cost growing with it). With turns, a waiter comes back about
 * once per query the rate allows. Only the timing changes: every unknown outcome is still asked of the provider that
 * may have charged, and nothing else happens to the intent until it is.
 *
 * <p>Lock-free (one compare-and-set per turn); the turns are this replica's, a shared bucket's other replicas may
 * take some of the tokens, and a waiter that finds none then simply gets a later turn.
 */
final class StatusQueryTurns {

  private final long intervalNanos;
  /** The last turn handed out, in nanoseconds since the epoch; in the past once the backlog has cleared. */
  private final AtomicLong lastTurn = new AtomicLong(Long.MIN_VALUE);

  /** Turns {@code 1 s / permitsPerSecond} apart. */
  StatusQueryTurns(int permitsPerSecond) {
    if (permitsPerSecond < 1) {
      throw new IllegalArgumentException("permitsPerSecond must be >= 1");
    }
    this.intervalNanos = Duration.ofSeconds(1).toNanos() / permitsPerSecond;
  }

  /** The moment a status query turned away at {@code now} may be asked again: a turn no other waiter has. */
  Instant next(Instant now) {
    long nowNanos = toNanos(now);
    long turn;
    long last;
    do {
      last = lastTurn.get();
      turn = Math.max(nowNanos, last) + intervalNanos;
    } while (!lastTurn.compareAndSet(last, turn));
    return Instant.ofEpochSecond(0, turn);
  }

  private static long toNanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }
}
