package dev.paymentrouter.provider.runtime;

import dev.paymentrouter.provider.connector.ProviderConnector;
import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.ModificationRequest;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.provider.domain.ProviderRequest;
import dev.paymentrouter.provider.domain.RouterRefusal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * A fixed number of worker slots making calls to one provider, charges and modifications alike, with a bounded queue
 * in front. A call that finds the queue full, or waits in it too long, is answered {@code RouterRefused} at once; a
 * call that runs longer than the call timeout is answered {@code Unknown}, because it may have reached the provider.
 * An error from the connector is a crash: the caller gets {@code Unknown} and the supervisor is told.
 */
public final class ProviderWorkerPool {

  private static final Logger log = LoggerFactory.getLogger(ProviderWorkerPool.class);

  private final int concurrency;
  private final int queueCapacity;
  private final Duration callTimeout;
  private final Duration queueTimeout;
  private final ProviderConnector connector;
  private final CallObserver observer;
  private final Scheduler timer;
  private final Clock clock;
  private final Queue<PoolTask<?>> queue = new ConcurrentLinkedQueue<>();
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
    this(concurrency, queueCapacity, callTimeout, queueTimeout, connector, observer, timer, Clock.systemUTC());
  }

  /** As above; {@code clock} tells whether a call's time to send has passed. */
  public ProviderWorkerPool(
      int concurrency,
      int queueCapacity,
      Duration callTimeout,
      Duration queueTimeout,
      ProviderConnector connector,
      CallObserver observer,
      Scheduler timer,
      Clock clock) {
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
    this.clock = clock;
  }

  /** Learns what became of each call: the gatekeeper's breaker and the supervisor listen here. */
  public interface CallObserver {
    /** A charge reached the connector and ended with this outcome after {@code elapsed}. */
    void completed(ProviderOutcome outcome, Duration elapsed);

    /** A capture, cancel or refund reached the connector and ended with this outcome after {@code elapsed}. */
    void modificationCompleted(ModificationOutcome outcome, Duration elapsed);

    /** The call was answered without reaching the connector (pool full, queue timeout, pool closed). */
    void notMade();

    /** The connector failed with an error instead of an outcome. */
    void crashed(Throwable error);
  }

  /** Runs the charge when a worker is free; never errors, never waits unboundedly. */
  public Mono<ProviderOutcome> submit(ProviderRequest request) {
    return submit(new ProviderCall.Charge(request), null);
  }

  /**
   * As {@link #submit(ProviderRequest)}, but a charge a worker takes up after {@code sendBy} is not made: answered
   * {@link RouterRefusal#LEASE_EXPIRED}, so that an owner that lost its intent meanwhile sends nothing.
   */
  public Mono<ProviderOutcome> submit(ProviderRequest request, Instant sendBy) {
    return submit(new ProviderCall.Charge(request), sendBy);
  }

  /** Runs the capture, cancel or refund when a worker is free, in the charges' queue; never errors. */
  public Mono<ModificationOutcome> submit(ModificationRequest request) {
    return submit(new ProviderCall.Modification(request), null);
  }

  /** Runs any call when a worker is free, answering for it in its own outcome type when the pool cannot. */
  <O> Mono<O> submit(ProviderCall<O> providerCall, Instant sendBy) {
    return Mono.create(sink -> {
      PoolTask<O> task = new PoolTask<>(providerCall, sendBy, sink, () -> tell(observer::notMade));
      sink.onCancel(task::cancel);
      RouterRefusal closed = closedReason;
      if (closed != null) {
        task.finishNotSent(closed);
      } else if (tryTakeWorker()) {
        if (startInTime(task)) {
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
    PoolTask<?> task;
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

  private boolean enqueue(PoolTask<?> task) {
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

  private void expire(PoolTask<?> task) {
    if (task.finishNotSent(RouterRefusal.QUEUE_TIMEOUT) && queue.remove(task)) {
      queued.decrementAndGet();
    }
  }

  private void drain() {
    while (!queue.isEmpty() && tryTakeWorker()) {
      PoolTask<?> task = queue.poll();
      if (task == null) {
        running.decrementAndGet();
        return;
      }
      queued.decrementAndGet();
      if (startInTime(task)) {
        task.expiry.dispose();
        run(task);
      } else {
        running.decrementAndGet();
      }
    }
  }

  /**
   * Takes a call up to run it; false when it was answered or cancelled meanwhile, or when its time to send has passed
   * (then it is answered not sent). Checked when a worker is about to make the call: from here to the request leaving
   * there is only the connector's own work.
   */
  private boolean startInTime(PoolTask<?> task) {
    if (!task.start()) {
      return false;
    }
    if (task.sendBy != null && !clock.instant().isBefore(task.sendBy)) {
      task.expiry.dispose();
      task.finishStartedNotSent(RouterRefusal.LEASE_EXPIRED);
      return false;
    }
    return true;
  }

  private <O> void run(PoolTask<O> task) {
    long started = System.nanoTime();
    ProviderCall<O> providerCall = task.call;
    Mono<O> call;
    try {
      call = providerCall.call(connector);
    } catch (RuntimeException crash) {
      call = Mono.error(crash);
    }
    task.inFlight = call
        .contextWrite(task.context())
        .timeout(callTimeout)
        // One resume for both kinds of error: every operator here is held by each call in flight.
        .onErrorResume(error -> {
          if (error instanceof TimeoutException) {
            return Mono.just(providerCall.unknown("timeout"));
          }
          tell(() -> observer.crashed(error));
          return Mono.just(providerCall.unknown("connector_crashed"));
        })
        .defaultIfEmpty(providerCall.unknown("no_response"))
        .doOnCancel(() -> tell(observer::notMade))
        .doFinally(signal -> {
          running.decrementAndGet();
          drain();
        })
        .subscribe(outcome -> {
          // The caller gets its outcome first: nothing an observer does may lose it.
          task.finish(outcome);
          tell(() -> providerCall.completed(observer, outcome, Duration.ofNanos(System.nanoTime() - started)));
        });
  }
}
