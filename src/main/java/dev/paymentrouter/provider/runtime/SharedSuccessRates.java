package dev.paymentrouter.provider.runtime;

import dev.paymentrouter.limits.ClusterBuckets;
import dev.paymentrouter.provider.runtime.ProviderScoreboard.Tally;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Every {@code interval}, publishes this replica's success window per provider to {@code provider_success_windows}
 * and hands the scoreboard the sum over every replica's window younger than {@code maxAge} (by the database's
 * clock, so replicas' clocks do not matter), so that all replicas rank providers alike within an interval or two.
 * A dead replica's rows stop being refreshed and leave the sum after {@code maxAge}; the replicas seen alive also
 * size the buckets' fallback share. A failed round is logged and skipped: routing keeps the last sum.
 */
public final class SharedSuccessRates {

  private static final Logger log = LoggerFactory.getLogger(SharedSuccessRates.class);

  private final DatabaseClient db;
  private final ProviderScoreboard scoreboard;
  private final ClusterBuckets buckets;
  private final String nodeId;
  private final Duration interval;
  private final Duration maxAge;
  private Disposable running = () -> { };

  /** Shares {@code scoreboard} as {@code nodeId}; {@code buckets} (nullable) learns how many replicas are alive. */
  public SharedSuccessRates(DatabaseClient db, ProviderScoreboard scoreboard, ClusterBuckets buckets, String nodeId,
      Duration interval, Duration maxAge) {
    this.db = db;
    this.scoreboard = scoreboard;
    this.buckets = buckets;
    this.nodeId = nodeId;
    this.interval = interval;
    this.maxAge = maxAge;
  }

  /** Starts publishing and reading, first round at once. */
  public synchronized void start() {
    running = Flux.interval(Duration.ZERO, interval, Schedulers.parallel())
        .onBackpressureDrop()
        .concatMap(tick -> round().onErrorResume(error -> {
          log.warn("Shared success rates: round failed, routing keeps the last sum: {}", error.toString());
          return Mono.empty();
        }), 1)
        .subscribe();
  }

  /** Stops; this node's rows age out of the others' sums. */
  public synchronized void stop() {
    running.dispose();
  }

  /** One round: publish this node's windows, then read the cluster's sums. */
  public Mono<Void> round() {
    return publish().then(read());
  }

  private Mono<Void> publish() {
    return Flux.fromIterable(scoreboard.tallies().entrySet())
        .concatMap(entry -> db.sql("""
                insert into provider_success_windows (node_id, provider, successes, failures, at)
                values (:node, :provider, :successes, :failures, now())
                on conflict (node_id, provider) do update
                   set successes = excluded.successes, failures = excluded.failures, at = excluded.at""")
            .bind("node", nodeId)
            .bind("provider", entry.getKey())
            .bind("successes", entry.getValue().successes())
            .bind("failures", entry.getValue().failures())
            .then())
        // A node with no calls yet still says it is alive (the fallback share counts it).
        .then(db.sql("""
                insert into provider_success_windows (node_id, provider, successes, failures, at)
                values (:node, '', 0, 0, now())
                on conflict (node_id, provider) do update set at = excluded.at""")
            .bind("node", nodeId).then())
        .then(db.sql("delete from provider_success_windows where at < now() - make_interval(secs => :age)")
            .bind("age", (double) maxAge.multipliedBy(10).toMillis() / 1000)
            .then());
  }

  private Mono<Void> read() {
    return db.sql("""
            select provider, sum(successes) as successes, sum(failures) as failures,
                   (select count(distinct node_id) from provider_success_windows
                     where at > now() - make_interval(secs => :age)) as nodes
              from provider_success_windows
             where at > now() - make_interval(secs => :age)
             group by provider""")
        .bind("age", (double) maxAge.toMillis() / 1000)
        .map(row -> new Row(row.get("provider", String.class), row.get("successes", Number.class).intValue(),
            row.get("failures", Number.class).intValue(), row.get("nodes", Number.class).intValue()))
        .all()
        .collectList()
        .doOnNext(rows -> {
          Map<String, Tally> sums = new LinkedHashMap<>();
          int nodes = 1;
          for (Row row : rows) {
            nodes = Math.max(nodes, row.nodes());
            if (!row.provider().isEmpty()) {
              sums.put(row.provider(), new Tally(row.successes(), row.failures()));
            }
          }
          scoreboard.useCluster(sums);
          if (buckets != null) {
            buckets.replicasSeen(nodes);
          }
        })
        .then();
  }

  private record Row(String provider, int successes, int failures, int nodes) {}
}
