package dev.paymentrouter.bench.limits;

import dev.paymentrouter.limits.ClusterBuckets;
import dev.paymentrouter.limits.ClusterLimitsProperties;
import dev.paymentrouter.limits.ClusterLimitsProperties.Lock;
import dev.paymentrouter.limits.ClusterLimitsProperties.Optimization;
import dev.paymentrouter.limits.Permits;
import dev.paymentrouter.limits.Take;
import dev.paymentrouter.testsupport.EmbeddedDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.flywaydb.core.Flyway;

/**
 * Two "replicas" (two {@link ClusterBuckets}, each with its own JDBC pool and scheduler) on one embedded PostgreSQL
 * take permits of one shared limit, per lock variant and optimization. Two loads: <em>over</em> the limit (each
 * replica's callers take permits as fast as they are answered: how far above the limit the provider would see
 * calls) and <em>under</em> it (each replica asks at 40 % of the limit: database round trips per call, and permits
 * refused although the limit had room). Prints one table row per variant.
 *
 * <p>{@code java -cp <test classpath> dev.paymentrouter.bench.limits.ClusterBucketMeasurement [seconds] [limit]}
 */
public final class ClusterBucketMeasurement {

  private static final int CALLERS_PER_REPLICA = 4;

  private ClusterBucketMeasurement() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    int limit = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    int burst = 10;
    Path data = Files.createTempDirectory("cluster-bucket-measurement");
    try (EmbeddedDatabase database = EmbeddedDatabase.start(data.resolve("pg"), false, false)) {
      Flyway.configure().dataSource(database.jdbcUrl(), "postgres", "")
          .locations("filesystem:db/migration").load().migrate();
      System.out.printf("limit %d/s, burst %d, 2 replicas x %d callers, %d s per run%n", limit, burst,
          CALLERS_PER_REPLICA, seconds);
      System.out.println("| lock | optimization | over: admitted/s | over: max in 1 s | over: round trips/call "
          + "| over: mean take us | over: fallback % | under: round trips/call | under: refused % |");
      System.out.println("|---|---|---|---|---|---|---|---|---|");
      int run = 0;
      for (Lock lock : Lock.values()) {
        for (Optimization optimization : Optimization.values()) {
          run++;
          Result over = run(database, lock, optimization, "over-" + run, limit, burst, seconds, 0);
          Result under = run(database, lock, optimization, "under-" + run, limit, burst, seconds,
              (long) (1e9 / (limit * 0.4 / CALLERS_PER_REPLICA)));
          System.out.printf("| %s | %s | %.1f | %d | %.3f | %.0f | %.1f | %.3f | %.1f |%n", lock, optimization,
              over.admittedPerSecond(), over.maxInOneSecond(), over.roundTripsPerCall(), over.meanTakeMicros(),
              over.fallbackPercent(),
              under.roundTripsPerCall(), 100.0 * under.refused() / Math.max(1, under.calls()));
        }
      }
    }
  }

  /** One load on one variant; {@code pauseNanos} 0 asks as fast as answered. */
  private static Result run(EmbeddedDatabase database, Lock lock, Optimization optimization, String key, int limit,
      int burst, int seconds, long pauseNanos) throws InterruptedException {
    ClusterLimitsProperties properties = new ClusterLimitsProperties(true, lock, optimization, 10,
        Duration.ofMillis(100), Duration.ofMillis(250), 4, 1000, Duration.ofSeconds(1), Duration.ofSeconds(2),
        Duration.ofSeconds(10));
    List<ClusterBuckets> replicas = List.of(
        new ClusterBuckets(properties, database.jdbcUrl(), "postgres", "", Clock.systemUTC()),
        new ClusterBuckets(properties, database.jdbcUrl(), "postgres", "", Clock.systemUTC()));
    ConcurrentLinkedQueue<Long> admittedAt = new ConcurrentLinkedQueue<>();
    AtomicLong calls = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    AtomicLong takeNanos = new AtomicLong();
    // As the shared success windows would tell them: two replicas, so a fallback takes half the limit each.
    replicas.forEach(replica -> replica.replicasSeen(2));
    try {
      // Warm the pools and create the row before the clock starts.
      for (ClusterBuckets replica : replicas) {
        replica.permits("warm-" + key, 1000, 1000).take().block();
      }
      long start = System.nanoTime();
      long end = start + Duration.ofSeconds(seconds).toNanos();
      CountDownLatch done = new CountDownLatch(replicas.size() * CALLERS_PER_REPLICA);
      List<Thread> threads = new ArrayList<>();
      for (ClusterBuckets replica : replicas) {
        Permits permits = replica.permits(key, limit, burst);
        for (int i = 0; i < CALLERS_PER_REPLICA; i++) {
          threads.add(Thread.ofPlatform().start(() -> {
            try {
              while (System.nanoTime() < end) {
                long before = System.nanoTime();
                Take take = permits.take().block();
                long after = System.nanoTime();
                calls.incrementAndGet();
                takeNanos.addAndGet(after - before);
                if (take.taken()) {
                  admittedAt.add(after - start);
                } else {
                  refused.incrementAndGet();
                }
                if (pauseNanos > 0) {
                  Thread.sleep(Duration.ofNanos(pauseNanos));
                }
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            } finally {
              done.countDown();
            }
          }));
        }
      }
      done.await();
      long elapsed = System.nanoTime() - start;
      long trips = 0;
      long asked = 0;
      long fellBack = 0;
      for (ClusterBuckets replica : replicas) {
        ClusterBuckets.Counts counts = replica.counts();
        trips += counts.calls() - counts.local() - counts.fallbacks();
        asked += counts.calls();
        fellBack += counts.fallbacks();
      }
      // subtract the warm-up call of each replica
      trips -= replicas.size();
      asked -= replicas.size();
      List<Long> times = admittedAt.stream().sorted().toList();
      int maxInOneSecond = 0;
      int from = 0;
      for (int to = 0; to < times.size(); to++) {
        while (times.get(to) - times.get(from) >= 1_000_000_000L) {
          from++;
        }
        maxInOneSecond = Math.max(maxInOneSecond, to - from + 1);
      }
      return new Result(times.size() / (elapsed / 1e9), maxInOneSecond,
          asked == 0 ? 0 : (double) trips / asked, calls.get() == 0 ? 0 : takeNanos.get() / 1e3 / calls.get(),
          calls.get(), refused.get(), asked == 0 ? 0 : 100.0 * fellBack / asked);
    } finally {
      replicas.forEach(ClusterBuckets::close);
    }
  }

  private record Result(double admittedPerSecond, int maxInOneSecond, double roundTripsPerCall,
      double meanTakeMicros, long calls, long refused, double fallbackPercent) {}
}
