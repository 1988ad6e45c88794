package dev.paymentrouter.provider.runtime;

import dev.paymentrouter.provider.connector.ProviderConnector;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.provider.domain.ProviderRequest;
import dev.paymentrouter.provider.domain.RouterRefusal;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;

/**
 * A fixed number of worker slots making calls to one provider, with a bounded queue in front. A call that finds
 * the queue full, or waits in it too long, is answered {@link ProviderOutcome.RouterRefused} at once; a call that runs
 * longer than the call timeout is answered {@link ProviderOutcome.Unknown}, because it may have reached the
 * provider. An error from the connector is a crash: the caller gets {@code Unknown} and the supervisor is told.
 */
public final class ProviderWorkerPool {

  private static final Logger log = LoggerFactory.getLogger(ProviderWorkerPool.class);

  private static final int QUEUED = 0;
  private static final int RUNNING = 1;
  private static final int DONE = 2;

  private final int concurrency;
  private final int queueCapacity;
  private final Duration callTimeout;
  private final Duration queueTimeout;
  private final ProviderConnector connector;
  private final CallObserver observer;
  private final Scheduler timer;
  private final Queue<Task> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicInteger running = new AtomicInteger();
  private volatile RouterRefusal closedReason;

  /**
   * @param concurrency   calls in flight at most
   * @param queueCapacity calls waiting at most
   * @param callTimeout   longest a call may run before its outcome is unknown
   * @param queueTimeout  longest a call may wait for a worker before it is not sent
   * @param connector     makes the calls
   * @param observer      told what became of every submitted call
   * @param timer         schedules queue timeouts
   */
  public ProviderWorkerPool(
      int concurrency,
      int queueCapacity,
      Duration callTimeout,
      Duration queueTimeout,
      ProviderConnector connector,
      CallObserver observer,
      Scheduler timer) {
    if (concurrency < 1 || queueCapacity < 0) {
      throw new IllegalArgumentException("concurrency must be >= 1 and queueCapacity >= 0");
    }
    this.concurrency = concurrency;
    this.queueCapacity = queueCapacity;
    this.callTimeout = callTimeout;
    this.queueTimeout = queueTimeout;
    this.connector = connector;
    this.observer = observer;
    this.timer = timer;
  }

  /** Learns what became of each call: the gatekeeper's breaker and the supervisor listen here. */
  public interface CallObserver {
    /** The call reached the connector and ended with this outcome after {@code elapsed}. */
    void completed(ProviderOutcome outcome, Duration elapsed);

    /** The call was answered without reaching the connector (pool full, queue timeout, pool closed). */
    void notMade();

    /** The connector failed with an error instead of an outcome. */
    void crashed(Throwable error);
  }

  /** Runs the call when a worker is free; never errors, never waits unboundedly. */
  public Mono<ProviderOutcome> submit(ProviderRequest request) {
    return Mono.create(sink -> {
      Task task = new Task(request, sink);
      sink.onCancel(task::cancel);
      RouterRefusal closed = closedReason;
      if (closed != null) {
        task.finishNotSent(closed);
      } else if (tryTakeWorker()) {
        if (task.state.compareAndSet(QUEUED, RUNNING)) {
          run(task);
        } else {
          running.decrementAndGet();
        }
      } else if (enqueue(task)) {
        // A worker may have freed up between the failed take and the enqueue.
        drain();
      } else {
        task.finishNotSent(RouterRefusal.POOL_FULL);
      }
    });
  }

  /** Calls running now. */
  public int inFlight() {
    return running.get();
  }

  /** Whether a call submitted now would be refused for want of a worker and a queue slot. */
  public boolean isFull() {
    return running.get() >= concurrency && queued.get() >= queueCapacity;
  }

  /** Calls waiting for a worker now. */
  public int queueDepth() {
    return queued.get();
  }

  /** Stops taking calls; waiting ones are answered not sent, running ones finish on their own. */
  public void close(RouterRefusal reason) {
    closedReason = reason;
    Task task;
    while ((task = queue.poll()) != null) {
      queued.decrementAndGet();
      task.finishNotSent(reason);
    }
  }

  private boolean tryTakeWorker() {
    for (;;) {
      int current = running.get();
      if (current >= concurrency) {
        return false;
      }
      if (running.compareAndSet(current, current + 1)) {
        return true;
      }
    }
  }

  private boolean enqueue(Task task) {
    if (queued.incrementAndGet() > queueCapacity) {
      queued.decrementAndGet();
      return false;
    }
    task.expiry = timer.schedule(() -> expire(task), queueTimeout.toMillis(), TimeUnit.MILLISECONDS);
    queue.offer(task);
    return true;
  }

  private static void tell(Runnable notification) {
    try {
      notification.run();
    } catch (Throwable failure) {
      Exceptions.throwIfJvmFatal(failure);
      log.error("A provider call observer failed; the call's outcome was delivered anyway", failure);
    }
  }

  private void expire(Task task) {
    if (task.finishNotSent(RouterRefusal.QUEUE_TIMEOUT) && queue.remove(task)) {
      queued.decrementAndGet();
    }
  }

  private void drain() {
    while (!queue.isEmpty() && tryTakeWorker()) {
      Task task = queue.poll();
      if (task == null) {
        running.decrementAndGet();
        return;
      }
      queued.decrementAndGet();
      if (task.state.compareAndSet(QUEUED, RUNNING)) {
        task.expiry.dispose();
        run(task);
      } else {
        running.decrementAndGet();
      }
    }
  }

  private void run(Task task) {
    long started = System.nanoTime();
    Mono<ProviderOutcome> call;
    try {
      call = connector.authorize(task.request);
    } catch (RuntimeException crash) {
      call = Mono.error(crash);
    }
    task.inFlight = call
        .timeout(callTimeout)
        .onErrorResume(TimeoutException.class, timeout -> Mono.just(new ProviderOutcome.Unknown("timeout")))
        .onErrorResume(crash -> {
          tell(() -> observer.crashed(crash));
          return Mono.just(new ProviderOutcome.Unknown("connector_crashed"));
        })
        .defaultIfEmpty(new ProviderOutcome.Unknown("no_response"))
        .doOnCancel(() -> tell(observer::notMade))
        .doFinally(signal -> {
          running.decrementAndGet();
          drain();
        })
        .subscribe(outcome -> {
          // The caller gets its outcome first: nothing an observer does may lose it.
          task.finish(outcome);
          tell(() -> observer.completed(outcome, Duration.ofNanos(System.nanoTime() - started)));
        });
  }

  /** One submitted call; its state moves QUEUED -> RUNNING -> DONE, or straight to DONE. */
  private final class Task {
    final ProviderRequest request;
    final MonoSink<ProviderOutcome> sink;
    final AtomicInteger state = new AtomicInteger(QUEUED);
    volatile Disposable expiry = () -> {};
    volatile Disposable inFlight;

    Task(ProviderRequest request, MonoSink<ProviderOutcome> sink) {
      this.request = request;
      this.sink = sink;
    }

    boolean finishNotSent(RouterRefusal reason) {
      // Only a call that never started may be answered "not sent".
      if (state.compareAndSet(QUEUED, DONE)) {
        sink.success(new ProviderOutcome.RouterRefused(reason));
        tell(observer::notMade);
        return true;
      }
      return false;
    }

    void finish(ProviderOutcome outcome) {
      state.set(DONE);
      sink.success(outcome);
    }

    void cancel() {
      expiry.dispose();
      // A queued call that is cancelled is dropped when a worker polls it; a running one is disposed.
      if (state.compareAndSet(QUEUED, DONE)) {
        tell(observer::notMade);
      } else {
        Disposable call = inFlight;
        if (call != null) {
          call.dispose();
        }
      }
    }
  }
}
