package dev.paymentrouter.provider.runtime;

import dev.paymentrouter.provider.domain.RouterRefusal;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.Disposable;
import reactor.core.publisher.MonoSink;
import reactor.util.context.ContextView;

/**
 * One call submitted to a {@link ProviderWorkerPool}, with its caller. Its state moves QUEUED -> RUNNING -> DONE, or
 * straight to DONE; the moves are atomic, so a call that started is never also answered "not made".
 *
 * @param <O> the call's outcome type
 */
final class PoolTask<O> {

  private static final int QUEUED = 0;
  private static final int RUNNING = 1;
  private static final int DONE = 2;

  final ProviderCall<O> call;
  /** The call is not made after this moment (null: no such limit). */
  final Instant sendBy;
  private final MonoSink<O> sink;
  private final Runnable notMade;
  private final AtomicInteger state = new AtomicInteger(QUEUED);
  volatile Disposable expiry = () -> {};
  volatile Disposable inFlight;

  /** A queued call; {@code notMade} tells the pool's observer that it will not reach the connector. */
  PoolTask(ProviderCall<O> call, Instant sendBy, MonoSink<O> sink, Runnable notMade) {
    this.call = call;
    this.sendBy = sendBy;
    this.sink = sink;
    this.notMade = notMade;
  }

  /** The caller's Reactor context, for the call (it carries the request behind it to the provider's HTTP request). */
  ContextView context() {
    return sink.contextView();
  }

  /** Takes the call out of the queue to run it; false if it was answered or cancelled meanwhile. */
  boolean start() {
    return state.compareAndSet(QUEUED, RUNNING);
  }

  /** Answers a call that never started; false if it had started or was answered already. */
  boolean finishNotSent(RouterRefusal reason) {
    // Only a call that never started may be answered "not sent".
    if (state.compareAndSet(QUEUED, DONE)) {
      sink.success(call.refused(reason));
      notMade.run();
      return true;
    }
    return false;
  }

  /** Answers a call that a worker took up but did not make (its time to send had passed). */
  void finishStartedNotSent(RouterRefusal reason) {
    state.set(DONE);
    sink.success(call.refused(reason));
    notMade.run();
  }

  /** Answers a call that ran. */
  void finish(O outcome) {
    state.set(DONE);
    sink.success(outcome);
  }

  /** The caller went away. */
  void cancel() {
    expiry.dispose();
    // A queued call that is cancelled is dropped when a worker polls it; a running one is disposed.
    if (state.compareAndSet(QUEUED, DONE)) {
      notMade.run();
    } else {
      Disposable running = inFlight;
      if (running != null) {
        running.dispose();
      }
    }
  }
}
