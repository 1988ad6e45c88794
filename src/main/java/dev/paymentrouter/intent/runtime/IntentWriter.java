package dev.paymentrouter.intent.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Group commit for intent writes. Every process hands its write here and waits for it; up to {@code writers}
 * statements run at once, and each takes everything that queued up meanwhile (at most {@code maxBatch} writes) into
 * one statement, hence one round trip and one commit for the lot. Under light load a write goes out alone at once;
 * under heavy load the batches grow by themselves, so the database does fewer, larger commits instead of queueing
 * connections. Each write keeps its own guard (idempotency key, version and owner), so one write's conflict never
 * fails another's: the statement says which of its writes took effect.
 *
 * <p>Queues are bounded: writes of new intents by {@code maxPendingCreates} (past it, {@link #acceptsNewIntents()}
 * says no and new intents are refused before anything is stored); transitions of live intents by the registry's
 * bound on live processes, each of which has at most one write outstanding. Transitions go first, so that accepted
 * work finishes before more is taken in.
 *
 * <p>When a batch fails as a whole (a deadlock, a constraint one write broke), each of its writes is retried alone,
 * so that the failure stays with the write that caused it.
 *
 * @param <C> a write of a new intent
 * @param <T> a transition of a stored intent
 */
final class IntentWriter<C extends IntentWriter.Keyed, T extends IntentWriter.Keyed> {

  /** A write that names the intent it writes. */
  interface Keyed {
    String intentId();

    /**
     * Called once, when the write is taken into a statement: false when its creator withdrew it before (it then
     * never reaches the database, and its answer is empty). After true, the write may commit at any moment.
     */
    default boolean send() {
      return true;
    }
  }

  /** How the writes reach the database. */
  interface Statements<C, T> {
    /** Writes the new intents in one statement; the ids of those that were stored. */
    Mono<Set<String>> insertAll(List<C> writes);

    /** Writes the transitions in one statement; the ids of those whose guard held. */
    Mono<Set<String>> appendAll(List<T> writes);
  }

  private record Pending<W>(W write, MonoSink<Boolean> done) {}

  private static final Logger log = LoggerFactory.getLogger(IntentWriter.class);

  private final Statements<C, T> statements;
  private final int writers;
  private final int maxBatch;
  private final int maxPendingCreates;
  private final Queue<Pending<C>> creates = new ConcurrentLinkedQueue<>();
  private final Queue<Pending<T>> transitions = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pendingCreates = new AtomicInteger();
  private final AtomicInteger running = new AtomicInteger();

  IntentWriter(Statements<C, T> statements, int writers, int maxBatch, int maxPendingCreates) {
    if (writers < 1 || maxBatch < 1 || maxPendingCreates < 1) {
      throw new IllegalArgumentException("writers, maxBatch and maxPendingCreates must be >= 1");
    }
    this.statements = statements;
    this.writers = writers;
    this.maxBatch = maxBatch;
    this.maxPendingCreates = maxPendingCreates;
  }

  /** Whether a new intent may be taken in now: false while {@code maxPendingCreates} wait for the database. */
  boolean acceptsNewIntents() {
    return pendingCreates.get() < maxPendingCreates;
  }

  /** New intents waiting for their statement. */
  int pendingCreates() {
    return pendingCreates.get();
  }

  /**
   * Emits true when the intent was stored, false when its idempotency key was taken; completes empty when the
   * write was withdrawn (see {@link Keyed#send()}) before it was sent.
   */
  Mono<Boolean> insert(C write) {
    return Mono.create(sink -> {
      pendingCreates.incrementAndGet();
      creates.add(new Pending<>(write, sink));
      drain();
    });
  }

  /** Emits true when the transition was written, false when its guard (version, owner) did not hold. */
  Mono<Boolean> append(T write) {
    return Mono.create(sink -> {
      transitions.add(new Pending<>(write, sink));
      drain();
    });
  }

  /** Starts statements while there is work and a free writer. */
  private void drain() {
    while (!transitions.isEmpty() || !creates.isEmpty()) {
      int now = running.get();
      if (now >= writers) {
        return;
      }
      if (running.compareAndSet(now, now + 1)) {
        if (!flushTransitions() && !flushCreates()) {
          running.decrementAndGet();
        }
      }
    }
  }

  private boolean flushTransitions() {
    List<Pending<T>> batch = take(transitions);
    if (batch.isEmpty()) {
      return false;
    }
    run(batch, statements::appendAll);
    return true;
  }

  private boolean flushCreates() {
    List<Pending<C>> batch = new ArrayList<>();
    while (batch.isEmpty() && !creates.isEmpty()) {
      for (Pending<C> pending : take(creates)) {
        pendingCreates.decrementAndGet();
        if (pending.write().send()) {
          batch.add(pending);
        } else {
          pending.done().success();
        }
      }
    }
    if (batch.isEmpty()) {
      return false;
    }
    run(batch, statements::insertAll);
    return true;
  }

  private <W> List<Pending<W>> take(Queue<Pending<W>> queue) {
    List<Pending<W>> batch = new ArrayList<>(Math.min(maxBatch, 16));
    Pending<W> next;
    while (batch.size() < maxBatch && (next = queue.poll()) != null) {
      batch.add(next);
    }
    return batch;
  }

  /** Tells a write whether the statement that carried it wrote it. */
  private static <W extends Keyed> void answer(Pending<W> pending, Set<String> written) {
    pending.done().success(written.contains(pending.write().intentId()));
  }

  private <W extends Keyed> void run(List<Pending<W>> batch, Function<List<W>, Mono<Set<String>>> statement) {
    List<W> writes = new ArrayList<>(batch.size());
    for (Pending<W> pending : batch) {
      writes.add(pending.write());
    }
    // Deferred: a statement that fails while it is built (encoding a write) fails like one the database refused,
    // so that its writes are answered and the writer's slot is given back. Thrown from here, it would have reached
    // only the append that happened to start this statement, leaving the batch's other writes unanswered for good
    // and the slot taken.
    Mono.defer(() -> statement.apply(writes))
        .onErrorResume(error -> batch.size() > 1, error -> {
          log.warn("A batch of {} intent writes failed ({}); writing each alone", batch.size(), error.toString());
          return Flux.fromIterable(batch)
              .concatMap(pending -> Mono.defer(() -> statement.apply(List.of(pending.write())))
                  .doOnNext(written -> answer(pending, written))
                  .doOnError(pending.done()::error)
                  .onErrorResume(alone -> Mono.empty()))
              .then(Mono.empty());
        })
        .doOnNext(written -> {
          batch.forEach(pending -> answer(pending, written));
        })
        .doOnError(error -> {
          for (Pending<W> pending : batch) {
            pending.done().error(error);
          }
        })
        .doFinally(signal -> {
          running.decrementAndGet();
          drain();
        })
        .subscribe(written -> {}, error -> {});
  }
}
