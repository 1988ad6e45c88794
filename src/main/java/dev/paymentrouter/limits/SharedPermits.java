package dev.paymentrouter.limits;

import io.github.bucket4j.distributed.BucketProxy;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * One bucket the replicas share. A permit is taken on the buckets' bounded scheduler (the proxy may synchronize
 * over JDBC, and while one thread synchronizes the others wait for its batch), within the request timeout.
 *
 * <p>When the database does not answer in time, or the scheduler's queue is full, this replica neither lets calls
 * through unlimited nor stops them: for {@code retry-after-failure} it takes permits from a local fallback bucket
 * holding its share of the limit (the limit divided by the replicas last seen alive), then tries the database
 * again. Every switch is logged and the fallback shows in health and metrics.
 */
final class SharedPermits implements Permits {

  private static final Logger log = LoggerFactory.getLogger(SharedPermits.class);

  private final String key;
  private final BucketProxy proxy;
  private final int perSecond;
  private final int burst;
  private final ClusterBuckets owner;
  private volatile Take last;
  private volatile Instant lastAt = Instant.MIN;
  private volatile Instant fallbackUntil = Instant.MIN;
  private final AtomicReference<LocalPermits> fallback = new AtomicReference<>();
  private final AtomicLong owedByFallback = new AtomicLong();

  SharedPermits(String key, BucketProxy proxy, int perSecond, int burst, ClusterBuckets owner) {
    this.key = key;
    this.proxy = proxy;
    this.perSecond = perSecond;
    this.burst = burst;
    this.owner = owner;
    // Until the first permit, health shows the full burst the bucket starts with.
    this.last = new Take(true, burst, 0, true);
  }

  @Override
  public Mono<Take> take() {
    Instant now = owner.clock().instant();
    if (now.isBefore(fallbackUntil)) {
      return Mono.just(fromFallback(now));
    }
    return Mono.fromCallable(this::takeShared)
        .subscribeOn(owner.scheduler())
        .timeout(owner.properties().requestTimeout())
        // The caller's work goes on elsewhere: the buckets' few threads are for synchronizations only.
        .publishOn(Schedulers.parallel())
        .map(take -> {
          remember(take, owner.clock().instant());
          if (fallback.get() != null && fallback.getAndSet(null) != null) {
            log.info("Cluster limit {}: the shared bucket answers again", key);
          }
          owner.counted(false);
          return take;
        })
        .onErrorResume(error -> Mono.fromSupplier(() -> {
          Instant failedAt = owner.clock().instant();
          if (fallback.get() == null) {
            // Logged once per outage, not per call; health lists the bucket for as long as it lasts.
            log.warn("Cluster limit {}: the shared bucket did not answer ({}); this replica takes 1/{} of the limit "
                + "locally until it does", key, error.toString(), owner.replicas());
          }
          fallbackUntil = failedAt.plus(owner.properties().retryAfterFailure());
          return fromFallback(failedAt);
        }));
  }

  private Take takeShared() {
    long owed = owedByFallback.getAndSet(0);
    if (owed > 0) {
      try {
        // What this replica let through on its own during the outage is charged to the shared bucket, as debt the
        // replicas then repay together: over a long run the limit holds across the outage too.
        proxy.consumeIgnoringRateLimits(owed);
      } catch (RuntimeException e) {
        owedByFallback.addAndGet(owed);
        throw e;
      }
    }
    return Take.of(proxy.tryConsumeAndReturnRemaining(1), true);
  }

  private Take fromFallback(Instant now) {
    LocalPermits local = fallback.get();
    if (local == null) {
      int share = owner.replicas();
      LocalPermits created =
          new LocalPermits(Math.max(1, perSecond / share), Math.max(1, burst / share), owner.clock());
      LocalPermits raced = fallback.compareAndExchange(null, created);
      local = raced == null ? created : raced;
    }
    Take take = local.takeNow();
    if (take.taken()) {
      owedByFallback.incrementAndGet();
    }
    Take marked = new Take(take.taken(), take.remaining(), take.nanosToRefill(), false);
    remember(marked, now);
    owner.counted(true);
    return marked;
  }

  private void remember(Take take, Instant at) {
    last = take;
    lastAt = at;
  }

  String key() {
    return key;
  }

  boolean inFallback() {
    return fallback.get() != null;
  }

  @Override
  public long availableTokens() {
    return last.remaining();
  }

  @Override
  public Duration waitForOne(Instant now) {
    Take known = last;
    if (known.taken() || known.remaining() > 0) {
      return Duration.ZERO;
    }
    Duration left = Duration.between(now, lastAt.plusNanos(known.nanosToRefill()));
    return left.isNegative() ? Duration.ZERO : left;
  }
}
