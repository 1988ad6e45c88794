package dev.paymentrouter.limits;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Cluster-wide limits, under {@code payment-router.cluster-limits}. The defaults are the measured choice (see the
 * README's "Distributed limits"): row locks, the predicting optimization, a sync at most every 10 permits or 100 ms.
 *
 * @param enabled                 false: every replica keeps its own buckets (the limits then hold per replica)
 * @param lock                    how Bucket4j serializes replicas on a bucket's row
 * @param optimization            how often a replica synchronizes with the shared bucket
 * @param maxUnsynchronized       permits a replica may take locally between two synchronizations; with R replicas
 *                                a provider can see up to R times this above its rate plus burst in a short
 *                                window (the excess is repaid as debt over longer ones)
 * @param maxUnsynchronizedTime   the longest a replica goes without synchronizing while it takes permits
 * @param requestTimeout          the longest one synchronization may take before the fallback answers
 * @param poolSize                JDBC connections of the buckets' own pool (and threads of their scheduler)
 * @param queueCapacity           synchronizations that may wait for a thread; beyond, the fallback answers
 * @param retryAfterFailure       after a failed synchronization, how long the fallback answers before the next try
 * @param publishInterval         how often a replica publishes its provider success windows
 * @param windowMaxAge            a replica's published window older than this no longer counts (a dead replica)
 */
@ConfigurationProperties("payment-router.cluster-limits")
public record ClusterLimitsProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("select-for-update") Lock lock,
    @DefaultValue("predicting") Optimization optimization,
    @DefaultValue("10") int maxUnsynchronized,
    @DefaultValue("100ms") Duration maxUnsynchronizedTime,
    @DefaultValue("500ms") Duration requestTimeout,
    @DefaultValue("4") int poolSize,
    @DefaultValue("1000") int queueCapacity,
    @DefaultValue("1s") Duration retryAfterFailure,
    @DefaultValue("2s") Duration publishInterval,
    @DefaultValue("10s") Duration windowMaxAge) {

  /** Bucket4j's two PostgreSQL lock variants. */
  public enum Lock {
    /** {@code SELECT ... FOR UPDATE} on the bucket's row. */
    SELECT_FOR_UPDATE,
    /** {@code pg_advisory_xact_lock} on a number derived from the bucket's key. */
    ADVISORY_LOCK
  }

  /** Bucket4j's optimizations of a shared bucket (see {@code io.github.bucket4j...Optimizations}). */
  public enum Optimization {
    /** Every permit is one database round trip. */
    NONE,
    /** Concurrent permits of one bucket share a round trip. */
    BATCHING,
    /** Permits are taken locally and synchronized after {@code maxUnsynchronized} or {@code maxUnsynchronizedTime}. */
    DELAYING,
    /** As delaying, and the local view also subtracts the other replicas' predicted consumption. */
    PREDICTING
  }

  public ClusterLimitsProperties {
    if (maxUnsynchronized < 1 || poolSize < 1 || queueCapacity < 1) {
      throw new IllegalArgumentException("payment-router.cluster-limits: max-unsynchronized, pool-size and "
          + "queue-capacity must be >= 1");
    }
    if (!requestTimeout.isPositive() || !publishInterval.isPositive() || windowMaxAge.compareTo(publishInterval) <= 0) {
      throw new IllegalArgumentException("payment-router.cluster-limits: request-timeout and publish-interval must be "
          + "positive and window-max-age longer than publish-interval");
    }
  }
}
