package dev.paymentrouter.api;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.FixedLimit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limit.VegasLimit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import reactor.util.context.ContextView;

/**
 * The gatekeeper at the door: an adaptive limit (Netflix concurrency-limits) on the merchant API's writes in the
 * router's hands at once, taken before any database, body or provider work, so that work beyond what the node can
 * finish quickly is refused at once instead of queueing behind the work already taken on.
 *
 * <p><b>What a sample measures.</b> A create that asks {@code Prefer: wait=N} spends most of its time after its
 * intent is stored: the provider's latency, but also the router's own work on it (the provider call's processing,
 * the second commit), and under overload that work is what queues. Measured on this 2-core bench at three times the
 * sustainable rate, the node held 8,400 creates at once, nearly all of them stored and waiting, with p50 14 s: a
 * limit that lets a create go once stored bounds only the cheap part. Holding the permit until the answer
 * ({@code hold-until: answer}) bounds it all, but then a sick provider's slow creates hold the permits: in the
 * isolation run (a healthy lane at 200/s beside a lane whose provider times out after 5 s) the healthy lane had 583
 * of 1,000 creates refused, a failure that did not stay with its provider. So by default ({@code hold-until:
 * stored}) a create's permit ends, as a success, once its intent is stored ({@link #routerPartDone}); what waits
 * after that is bounded by the node's live intents ({@code intents.max-active}, per merchant shares) and by each
 * provider's own pool and queue. Every other write (capture, cancel, refunds, a create refused before it was stored)
 * holds its permit until its answer.
 *
 * <p><b>Why Gradient2 by default.</b> The samples are noisy: the durable commit has a few-millisecond median and
 * flush stalls of hundreds of milliseconds on a real disk, and a write's answer may add its provider's latency.
 * Vegas compares every sample with the smallest RTT ever seen, so each stall reads as a long queue and cuts the
 * limit; Gradient2 compares a short average with a long one and tolerates a ratio ({@code rttTolerance}), so it backs
 * off when latency stays up, not at every spike. {@code vegas} and {@code fixed} remain settings for deployments
 * whose commits are steadier.
 *
 * <p>A permit ends exactly once ({@link Permit}): success with the measured time, dropped (the limit shrinks) on a
 * 5xx answer, ignored (no sample) on a 4xx or when the client goes away, and ignored as well when it has been held
 * for {@code hold-max} without an answer: what a write still waits for then is its provider or the work queued
 * behind the ones let in before it, and either way a permit it keeps longer bounds nothing the limit should learn
 * from. That is how {@code hold-until: answer} keeps a sick provider from taking the permits: its writes hold at
 * most its rate times {@code hold-max} of them. Permits past their time are given back by the next acquire, in the
 * order they were taken (no timer per request); the queue of held permits holds those taken within the last
 * {@code hold-max}.
 */
final class Admission {

  /** Where a request's permit travels in the Reactor context, for {@link #routerPartDone}. */
  static final String CONTEXT_KEY = Admission.class.getName() + ".permit";

  private final SimpleLimiter<Void> limiter;
  private final Counter refused;
  private final Counter heldTooLong;
  private final boolean releasedWhenStored;
  private final long holdMaxNanos;
  private final LongSupplier nanoTime;
  private final Queue<Permit> held = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean sweeping = new AtomicBoolean();

  Admission(AdmissionProperties properties, MeterRegistry meters) {
    this(properties, meters, System::nanoTime);
  }

  Admission(AdmissionProperties properties, MeterRegistry meters, LongSupplier nanoTime) {
    this.releasedWhenStored = properties.holdUntil() == AdmissionProperties.HoldUntil.STORED;
    this.holdMaxNanos = properties.holdMax().toNanos();
    this.nanoTime = nanoTime;
    this.limiter = SimpleLimiter.newBuilder().named("api-admission").limit(limit(properties)).build();
    Gauge.builder("payment_router.admission.limit", limiter, SimpleLimiter::getLimit)
        .description("merchant API writes the adaptive admission limit lets in at once now")
        .register(meters);
    Gauge.builder("payment_router.admission.in_flight", limiter, SimpleLimiter::getInflight)
        .description("merchant API writes holding an admission permit now")
        .register(meters);
    this.refused = Counter.builder("payment_router.admission.refused")
        .description("merchant API writes refused 503 overloaded at the door")
        .register(meters);
    this.heldTooLong = Counter.builder("payment_router.admission.held_too_long")
        .description("admission permits given back unanswered after hold-max (writes waiting on a provider or queue)")
        .register(meters);
  }

  private static Limit limit(AdmissionProperties properties) {
    return switch (properties.algorithm()) {
      case GRADIENT2 -> Gradient2Limit.newBuilder()
          .initialLimit(properties.initialLimit())
          .minLimit(properties.minLimit())
          .maxConcurrency(properties.maxLimit())
          .build();
      case VEGAS -> VegasLimit.newBuilder()
          .initialLimit(properties.initialLimit())
          .maxConcurrency(properties.maxLimit())
          .build();
      case FIXED -> FixedLimit.of(properties.initialLimit());
    };
  }

  /** A permit, or empty (and counted as refused) when the limit is reached. Never waits. */
  Optional<Permit> tryAcquire() {
    long now = nanoTime.getAsLong();
    giveBackExpired(now);
    Optional<Limiter.Listener> listener = limiter.acquire(null);
    if (listener.isEmpty()) {
      refused.increment();
      return Optional.empty();
    }
    Permit permit = new Permit(listener.get(), releasedWhenStored, now);
    held.offer(permit);
    return Optional.of(permit);
  }

  /**
   * Ends the permits held for {@code hold-max} without an answer, oldest first, and forgets the ended ones ahead of
   * them. One caller sweeps at a time (the others go on at once); only the sweeper takes from the queue's head.
   */
  private void giveBackExpired(long now) {
    if (!sweeping.compareAndSet(false, true)) {
      return;
    }
    try {
      Permit oldest;
      while ((oldest = held.peek()) != null) {
        if (!oldest.ended()) {
          if (now - oldest.takenAt < holdMaxNanos) {
            return;
          }
          if (oldest.ignored()) {
            heldTooLong.increment();
          }
        }
        held.poll();
      }
    } finally {
      sweeping.set(false);
    }
  }

  int limit() {
    return limiter.getLimit();
  }

  int inFlight() {
    return limiter.getInflight();
  }

  /** For tests: permits in the queue of held ones, ended but not yet forgotten included. */
  int heldQueued() {
    return held.size();
  }

  /**
   * A create's intent is stored: with {@code hold-until: stored} its permit ends now, as a success; otherwise it is
   * held until the answer.
   */
  static void routerPartDone(ContextView context) {
    context.<Permit>getOrEmpty(CONTEXT_KEY).filter(permit -> permit.releasedWhenStored).ifPresent(Permit::succeeded);
  }

  /** One request's admission; whichever end comes first counts, the others do nothing. */
  static final class Permit {

    private final Limiter.Listener listener;
    private final boolean releasedWhenStored;
    private final long takenAt;
    private final AtomicBoolean ended = new AtomicBoolean();

    private Permit(Limiter.Listener listener, boolean releasedWhenStored, long takenAt) {
      this.listener = listener;
      this.releasedWhenStored = releasedWhenStored;
      this.takenAt = takenAt;
    }

    boolean ended() {
      return ended.get();
    }

    /** The work finished in time: a sample of the time since admission. */
    void succeeded() {
      if (ended.compareAndSet(false, true)) {
        listener.onSuccess();
      }
    }

    /** Overload or a timeout: the limit shrinks. */
    void dropped() {
      if (ended.compareAndSet(false, true)) {
        listener.onDropped();
      }
    }

    /**
     * Nothing to learn (the client's mistake, the client left, or held too long): the permit is given back without a
     * sample. True when this call ended it.
     */
    boolean ignored() {
      if (ended.compareAndSet(false, true)) {
        listener.onIgnore();
        return true;
      }
      return false;
    }

    /** Ends the permit by the status the answer is committed with. */
    void answered(int status) {
      if (status >= 500) {
        dropped();
      } else if (status >= 400) {
        ignored();
      } else {
        succeeded();
      }
    }
  }
}
