package dev.paymentrouter.limits;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Mono;

/**
 * A Bucket4j bucket in this node's memory: lock-free, so taking a permit is safe on an event loop and costs no
 * thread hop. Also the fallback of a shared bucket whose database cannot be reached.
 */
public final class LocalPermits implements Permits {

  private final Bucket bucket;

  /** {@code burst} permits at once, refilled greedily at {@code perSecond}, on the given clock. */
  public LocalPermits(int perSecond, int burst, Clock clock) {
    this.bucket = Bucket.builder()
        .addLimit(limit -> limit.capacity(burst).refillGreedy(perSecond, Duration.ofSeconds(1)))
        .withCustomTimePrecision(new ClockTimeMeter(clock))
        .build();
  }

  @Override
  public Mono<Take> take() {
    return Mono.just(takeNow());
  }

  /** Takes a permit on the calling thread: the bucket is in memory. */
  public Take takeNow() {
    return Take.of(bucket.tryConsumeAndReturnRemaining(1), false);
  }

  @Override
  public long availableTokens() {
    return bucket.getAvailableTokens();
  }

  @Override
  public Duration waitForOne(Instant now) {
    return bucket.getAvailableTokens() >= 1
        ? Duration.ZERO
        : Duration.ofNanos(bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill());
  }

  /** Bucket4j's time source backed by the injected clock, so tests can advance time. */
  record ClockTimeMeter(Clock clock) implements TimeMeter {
    @Override
    public long currentTimeNanos() {
      Instant now = clock.instant();
      return TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
    }

    @Override
    public boolean isWallClockBased() {
      return true;
    }
  }
}
