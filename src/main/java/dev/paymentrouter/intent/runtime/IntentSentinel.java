package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.process.Rounds;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Watches PostgreSQL for open intents that no process owns: those whose owner died (its lease ran out, on this
 * node or another) and those whose unknown outcome is due for another status query. It claims them and hands them
 * to the registry, which rebuilds their processes. It holds no state of its own but a count for health, does no
 * provider work itself, and survives its own failures: a failed scan is logged and the next one runs.
 */
public final class IntentSentinel {

  private final IntentStore store;
  private final IntentRegistry registry;
  private final int batchSize;
  private final AtomicLong unresolved = new AtomicLong();
  private final AtomicLong recovered = new AtomicLong();
  private final Rounds rounds;

  public IntentSentinel(
      IntentStore store, IntentRegistry registry, Duration interval, int batchSize, Scheduler scheduler) {
    this.store = store;
    this.registry = registry;
    this.batchSize = batchSize;
    this.rounds = new Rounds("Sentinel scan", interval, this::scan, scheduler);
  }

  /** Starts scanning at once (recovery at start-up), then every interval; scans never overlap. */
  public void start() {
    rounds.start();
  }

  /** Stops scanning; intents it already handed over carry on. */
  public void stop() {
    rounds.stop();
  }

  /**
   * One pass: claim what is due, as far as the registry has room, in one statement, and refresh the unresolved count.
   * A claim that took all it asked for leaves more due: the next pass follows at once, not after the interval.
   */
  public Mono<Void> scan() {
    int room = Math.min(batchSize, registry.free());
    Mono<IntentRegistry.Recovered> claimed = room == 0 ? Mono.just(new IntentRegistry.Recovered(0, 0))
        : uncancelled(registry.recoverDue(room));
    return claimed
        .doOnNext(recovery -> {
          recovered.addAndGet(recovery.started());
          if (room > 0 && recovery.claimed() == room) {
            rounds.wake();
          }
        })
        .then(Mono.defer(() -> uncancelled(store.countUnresolved())))
        .doOnNext(unresolved::set)
        .then();
  }

  /**
   * A read that runs to its end even when the scan is cancelled (the sentinel stopping at shutdown): the PostgreSQL
   * driver does not release the rows of a query cancelled while they arrive, which Netty reports as a leak.
   */
  private static <T> Mono<T> uncancelled(Mono<T> read) {
    return Mono.fromFuture(read.toFuture(), true);
  }

  /** Intents waiting for an operator, as of the last scan. */
  public long unresolved() {
    return unresolved.get();
  }

  /** Intents this node took up since it started. */
  public long recovered() {
    return recovered.get();
  }
}
