package dev.paymentrouter.process;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntConsumer;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;

/**
 * A bounded mailbox that runs one handler at a time. A handler returns a {@link Mono} that completes when the
 * message is fully handled (e.g. after its database write), and only then does the next message start, so a
 * process's state is touched by one message at a time without locks. Senders never wait: {@link #offer} fails
 * fast when the mailbox is full.
 *
 * @param <M> message type
 */
public final class Mailbox<M> {

  private static final int RUNNING = 0;
  private static final int COMPLETED_IN_LOOP = 1;
  private static final int LEFT_LOOP = 2;

  private final Queue<M> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicInteger pending = new AtomicInteger();
  private final int capacity;
  private final Function<M, Mono<Void>> handler;
  private final Consumer<Throwable> onHandlerError;
  private final IntConsumer depths;

  /**
   * @param capacity       most messages waiting at once
   * @param handler        handles one message; the next one waits for its completion
   * @param onHandlerError told when a handler fails; the mailbox goes on with the next message
   */
  public Mailbox(int capacity, Function<M, Mono<Void>> handler, Consumer<Throwable> onHandlerError) {
    this(capacity, handler, onHandlerError, depth -> { });
  }

  /**
   * As above, telling {@code depths} of every message taken how many messages the mailbox held with it (itself
   * included): the mailbox's depth as its senders see it, for metrics.
   */
  public Mailbox(int capacity, Function<M, Mono<Void>> handler, Consumer<Throwable> onHandlerError,
      IntConsumer depths) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1");
    }
    this.capacity = capacity;
    this.handler = handler;
    this.onHandlerError = onHandlerError;
    this.depths = depths;
  }

  /** Enqueues a message; false when the mailbox is full (the message is not taken). */
  public boolean offer(M message) {
    int depth = size.incrementAndGet();
    if (depth > capacity) {
      size.decrementAndGet();
      return false;
    }
    depths.accept(depth);
    queue.offer(message);
    if (pending.getAndIncrement() == 0) {
      runNext();
    }
    return true;
  }

  /** Messages waiting or being handled. */
  public int size() {
    return size.get();
  }

  /**
   * Runs messages until none is pending or one completes asynchronously; its completion then carries on. A
   * handler that completes at once does not recurse, so the stack stays flat whatever the capacity.
   */
  private void runNext() {
    for (;;) {
      M message = queue.poll();
      AtomicInteger handoff = new AtomicInteger(RUNNING);
      Runnable completed = () -> {
        size.decrementAndGet();
        if (!handoff.compareAndSet(RUNNING, COMPLETED_IN_LOOP) && pending.decrementAndGet() > 0) {
          runNext();
        }
      };
      Mono<Void> work;
      try {
        work = handler.apply(message);
      } catch (Throwable e) {
        // As Reactor does: only errors that leave the JVM unusable escape; the mailbox must not wedge.
        Exceptions.throwIfJvmFatal(e);
        work = Mono.error(e);
      }
      work.subscribe(ignored -> { }, error -> {
        onHandlerError.accept(error);
        completed.run();
      }, completed);
      if (handoff.compareAndSet(RUNNING, LEFT_LOOP) || pending.decrementAndGet() == 0) {
        return;
      }
    }
  }
}
