package dev.paymentrouter.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.testsupport.MutableClock;
import dev.paymentrouter.testsupport.TestEnvironment;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * The shared buckets on an embedded PostgreSQL, two {@link ClusterBuckets} standing for two replicas, on a clock
 * that only moves when told (no refill unless a step says so).
 */
class ClusterBucketsTest {

  private static final int MAX_UNSYNCHRONIZED = 3;

  // A day ahead of the real time. The buckets' clock stands still here, and Bucket4j then treated a shared row as new
  // (full again) at each synchronization whenever that clock was behind the real time: this test, written with a
  // fixed date a few hours ahead, began to fail once that date had passed, and fails with the clock frozen at the
  // test's start too. Moving clocks do not do this, even a minute apart (the test below); what exactly Bucket4j
  // compares with a frozen one is not established yet.
  private final MutableClock clock = new MutableClock(Instant.now().plus(Duration.ofDays(1)));

  @Test
  void twoReplicasShareOneBurstWithinTheUnsynchronizedAllowance() {
    String url = migratedDatabase();
    try (ClusterBuckets first = buckets(url); ClusterBuckets second = buckets(url)) {
      Permits a = first.permits("provider:alpha:charges", 10, 10);
      Permits b = second.permits("provider:alpha:charges", 10, 10);

      // Both replicas ask, in turns, far more than the burst; the clock stands still, so nothing refills.
      List<Take> takes = IntStream.range(0, 40)
          .mapToObj(i -> (i % 2 == 0 ? a : b).take().block(Duration.ofSeconds(5)))
          .toList();
      long taken = takes.stream().filter(Take::taken).count();

      // No replica fell back to its own share (that would add it to the shared burst), then: one bucket of 10 for
      // both, plus at most what the other replica took locally before it synchronized.
      assertThat(first.counts().fallbacks() + second.counts().fallbacks()).as("fallbacks").isZero();
      assertThat(first.inFallback()).isEmpty();
      assertThat(taken).as(() -> "takes, a and b in turns: " + takes).isBetween(10L, 10L + MAX_UNSYNCHRONIZED);
    }
  }

  @Test
  void replicasWhoseClocksDisagreeByAMinuteStillShareOneBucket() {
    String url = migratedDatabase();
    Clock real = Clock.systemUTC();
    long started = System.nanoTime();
    try (ClusterBuckets first = buckets(url, real);
         ClusterBuckets late = buckets(url, Clock.offset(real, Duration.ofMinutes(-1)))) {
      Permits a = first.permits("provider:alpha:charges", 1, 10);
      Permits b = late.permits("provider:alpha:charges", 1, 10);

      long taken = IntStream.range(0, 60)
          .mapToObj(i -> (i % 2 == 0 ? a : b).take().block(Duration.ofSeconds(5)))
          .filter(Take::taken)
          .count();
      long refilled = Duration.ofNanos(System.nanoTime() - started).toSeconds() + 1;

      // A bucket taken as new by the late replica would give it a burst of its own: 20 and more.
      assertThat(first.counts().fallbacks() + late.counts().fallbacks()).as("fallbacks").isZero();
      assertThat(taken).isBetween(10L, 10L + MAX_UNSYNCHRONIZED + refilled);
    }
  }

  @Test
  void answersFromThisReplicasShareWhileTheDatabaseIsUnreachable() throws IOException {
    try (ClusterBuckets buckets = buckets("jdbc:postgresql://127.0.0.1:" + closedPort() + "/nothing")) {
      buckets.replicasSeen(2);
      Permits permits = buckets.permits("provider:alpha:charges", 10, 10);

      List<Take> takes = IntStream.range(0, 20).mapToObj(i -> permits.take().block(Duration.ofSeconds(5))).toList();

      // Neither unlimited nor stopped: half the burst (this replica's share of two), then refusals with a refill time.
      assertThat(takes.stream().filter(Take::taken)).hasSize(5);
      assertThat(takes).allSatisfy(take -> assertThat(take.shared()).isFalse());
      assertThat(takes.getLast().nanosToRefill()).isPositive();
      assertThat(buckets.inFallback()).containsExactly("provider:alpha:charges:10/10");
      assertThat(buckets.counts().fallbacks()).isEqualTo(20);
    }
  }

  @Test
  void triesTheDatabaseAgainOnceTheRetryWaitIsOver() throws IOException {
    try (ClusterBuckets buckets = buckets("jdbc:postgresql://127.0.0.1:" + closedPort() + "/nothing")) {
      Permits permits = buckets.permits("provider:alpha:charges", 10, 10);
      permits.take().block(Duration.ofSeconds(5));
      long afterFirst = buckets.counts().fallbacks();

      // Within the retry wait the fallback answers without a try; after it, the database is tried again (and
      // still fails, so the fallback answers again; both count as fallbacks, the try shows in the log only).
      permits.take().block(Duration.ofSeconds(5));
      clock.advance(Duration.ofSeconds(2));
      permits.take().block(Duration.ofSeconds(5));

      assertThat(buckets.counts().fallbacks()).isEqualTo(afterFirst + 2);
      assertThat(buckets.inFallback()).hasSize(1);
    }
  }

  private ClusterBuckets buckets(String jdbcUrl) {
    return buckets(jdbcUrl, clock);
  }

  private ClusterBuckets buckets(String jdbcUrl, Clock replicaClock) {
    ClusterLimitsProperties properties = new ClusterLimitsProperties(true,
        ClusterLimitsProperties.Lock.SELECT_FOR_UPDATE, ClusterLimitsProperties.Optimization.PREDICTING,
        MAX_UNSYNCHRONIZED, Duration.ofMillis(100),
        Duration.ofSeconds(2), 2, 100, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(10));
    return new ClusterBuckets(properties, jdbcUrl, "postgres", "", replicaClock);
  }

  private static String migratedDatabase() {
    String url = TestEnvironment.jdbcUrl(TestEnvironment.isolatedDatabase());
    Flyway.configure().dataSource(url, "postgres", "").locations("filesystem:db/migration").load().migrate();
    return url;
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
