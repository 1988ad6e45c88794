package dev.paymentrouter.limits;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.proxy.RemoteBucketBuilder;
import io.github.bucket4j.distributed.proxy.optimization.DelayParameters;
import io.github.bucket4j.distributed.proxy.optimization.OptimizationListener;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;
import io.github.bucket4j.postgresql.PostgreSQLadvisoryLockBasedProxyManager;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The replicas' shared buckets: Bucket4j proxies over rows of {@code cluster_buckets}, reached through a small
 * JDBC pool of their own and a bounded scheduler of their own, so that neither an event loop nor the R2DBC pool ever
 * waits for a bucket. Each bucket answers from its local copy between synchronizations (the chosen optimization);
 * when the database cannot answer, from a fallback bucket holding this replica's share of the limit.
 */
public final class ClusterBuckets implements Permits.Source, AutoCloseable {

  /** Rows of buckets unused this long (beyond a full refill) are deleted: a changed limit gets a key of its own. */
  private static final Duration KEEP_AFTER_REFILL = Duration.ofMinutes(10);

  private final ClusterLimitsProperties properties;
  private final Clock clock;
  private final HikariDataSource dataSource;
  private final ProxyManager<String> buckets;
  private final Scheduler scheduler;
  private final Map<String, SharedPermits> byKey = new ConcurrentHashMap<>();
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong local = new AtomicLong();
  private final AtomicLong fallbacks = new AtomicLong();
  private volatile int replicas = 1;

  /** Buckets over the database at {@code jdbcUrl}; its pool connects in the background from the start. */
  public ClusterBuckets(ClusterLimitsProperties properties, String jdbcUrl, String user, String password, Clock clock) {
    this.properties = properties;
    this.clock = clock;
    HikariConfig pool = new HikariConfig();
    pool.setPoolName("cluster-limits");
    pool.setJdbcUrl(jdbcUrl);
    pool.setUsername(user);
    pool.setPassword(password);
    pool.setMaximumPoolSize(properties.poolSize());
    // Connections ready before the first permit: opening one on demand can take longer than a request may wait.
    pool.setMinimumIdle(properties.poolSize());
    // A bucket waits at most its request timeout; a pool that cannot hand out a connection sooner is as down.
    pool.setConnectionTimeout(Math.max(250, properties.requestTimeout().toMillis()));
    pool.setInitializationFailTimeout(-1);
    this.dataSource = new HikariDataSource(pool);
    ExpirationAfterWriteStrategy expiry =
        ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(KEEP_AFTER_REFILL);
    this.buckets = switch (properties.lock()) {
      case SELECT_FOR_UPDATE -> Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
          .primaryKeyMapper(PrimaryKeyMapper.STRING)
          .table("cluster_buckets")
          .expirationAfterWrite(expiry)
          .requestTimeout(properties.requestTimeout())
          .clientClock(new LocalPermits.ClockTimeMeter(clock))
          .build();
      case ADVISORY_LOCK -> Bucket4jPostgreSQL.advisoryLockBasedBuilder(dataSource)
          .primaryKeyMapper(PrimaryKeyMapper.STRING)
          .lockIdSupplier(ClusterBuckets::lockId)
          .table("cluster_buckets")
          .expirationAfterWrite(expiry)
          .requestTimeout(properties.requestTimeout())
          .clientClock(new LocalPermits.ClockTimeMeter(clock))
          .build();
    };
    this.scheduler = Schedulers.newBoundedElastic(
        properties.poolSize(), properties.queueCapacity(), "cluster-limits", 60, true);
  }

  @Override
  public Permits permits(String key, int perSecond, int burst) {
    // The limit is part of the key: a replica started with another limit uses a bucket of its own rather than
    // silently inheriting (or overwriting) the configuration stored with the old one.
    String fullKey = key + ":" + perSecond + "/" + burst;
    return byKey.computeIfAbsent(fullKey, name -> {
      BucketConfiguration configuration = BucketConfiguration.builder()
          .addLimit(limit -> limit.capacity(burst).refillGreedy(perSecond, Duration.ofSeconds(1)))
          .build();
      RemoteBucketBuilder<String> builder = buckets.builder();
      OptimizationListener listener = new Counting();
      DelayParameters delay = new DelayParameters(properties.maxUnsynchronized(), properties.maxUnsynchronizedTime());
      switch (properties.optimization()) {
        case NONE -> { }
        case BATCHING -> builder = builder.withOptimization(Optimizations.batching().withListener(listener));
        case DELAYING -> builder = builder.withOptimization(Optimizations.delaying(delay).withListener(listener));
        case PREDICTING -> builder = builder.withOptimization(Optimizations.predicting(delay).withListener(listener));
      }
      return new SharedPermits(name, builder.build(name, () -> configuration), perSecond, burst, this);
    });
  }

  /** Replicas last seen alive (from the shared success windows): the fallback takes 1/replicas of a limit. */
  public void replicasSeen(int count) {
    replicas = Math.max(1, count);
  }

  int replicas() {
    return replicas;
  }

  /** Deletes rows of buckets nobody used for a while; blocking, call it on {@link #scheduler()}. */
  public int removeExpired() {
    return switch (buckets) {
      case PostgreSQLSelectForUpdateBasedProxyManager<String> rows -> rows.removeExpired(100);
      case PostgreSQLadvisoryLockBasedProxyManager<String> rows -> rows.removeExpired(100);
      default -> 0;
    };
  }

  /** The bounded scheduler every synchronization runs on. */
  public Scheduler scheduler() {
    return scheduler;
  }

  ClusterLimitsProperties properties() {
    return properties;
  }

  Clock clock() {
    return clock;
  }

  void counted(boolean fellBack) {
    calls.incrementAndGet();
    if (fellBack) {
      fallbacks.incrementAndGet();
    }
  }

  /** Permits asked for, answered from a local copy (no round trip), and answered by a fallback, so far. */
  public Counts counts() {
    return new Counts(calls.get(), local.get(), fallbacks.get());
  }

  /** Keys of buckets answering from their fallback now (the database unreachable), for health. */
  public List<String> inFallback() {
    return byKey.values().stream().filter(SharedPermits::inFallback).map(SharedPermits::key).sorted().toList();
  }

  /**
   * Counters of the shared buckets.
   *
   * @param calls     permits asked for
   * @param local     answered by an optimization without a database round trip
   * @param fallbacks answered by a fallback bucket
   */
  public record Counts(long calls, long local, long fallbacks) {

    /** Database round trips per permit asked for. */
    public double roundTripsPerCall() {
      return calls == 0 ? 0 : (double) (calls - local - fallbacks) / calls;
    }
  }

  @Override
  public void close() {
    scheduler.dispose();
    dataSource.close();
  }

  /** A stable number per key for {@code pg_advisory_xact_lock} (a string's hashCode is fixed by the JLS). */
  private static long lockId(String key) {
    long hash = 1125899906842597L;
    for (int i = 0; i < key.length(); i++) {
      hash = 31 * hash + key.charAt(i);
    }
    return hash;
  }

  /** Counts permits an optimization answered without a round trip (skipped) or merged into another's. */
  private final class Counting implements OptimizationListener {
    @Override
    public void incrementMergeCount(int count) {
      local.addAndGet(count);
    }

    @Override
    public void incrementSkipCount(int count) {
      local.addAndGet(count);
    }
  }
}
