package dev.paymentrouter.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paymentrouter.PaymentRouterApplication;
import dev.paymentrouter.merchant.domain.ApiKeys;
import dev.paymentrouter.merchant.domain.Merchant;
import dev.paymentrouter.merchant.runtime.MerchantStore;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.provider.runtime.ProviderDirectory;
import dev.paymentrouter.provider.runtime.ProviderScoreboard;
import dev.paymentrouter.simulator.SimulatorCharge;
import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.PrivateReactorResources;
import dev.paymentrouter.testsupport.TestEnvironment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * Two routers (two application contexts on their own ports) on one database share alpha's limit and their
 * providers' success rates.
 */
class ClusterLimitTest {

  private static final int LIMIT = 10;
  private static final int BURST = 5;
  private static final int MAX_UNSYNCHRONIZED = 10;
  private static final int REPLICAS = 2;

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final List<ConfigurableApplicationContext> NODES = new ArrayList<>();

  @BeforeAll
  static void twoNodes() {
    TestEnvironment.publish();
    Map<String, Object> database = TestEnvironment.isolatedDatabase();
    for (int i = 0; i < REPLICAS; i++) {
      Map<String, Object> properties = new HashMap<>(database);
      properties.put("server.port", "0");
      properties.put("management.server.port", "0");
      properties.put("management.server.address", "127.0.0.1");
      properties.put("payment-router.providers.alpha.rate-limit.permits-per-second", LIMIT);
      properties.put("payment-router.providers.alpha.rate-limit.burst", BURST);
      properties.put("payment-router.cluster-limits.max-unsynchronized", MAX_UNSYNCHRONIZED);
      // Two routers and the test share a small machine: this test is about alpha's limit, not load shedding.
      properties.put("payment-router.api.max-event-loop-lag", "5s");
      properties.put("payment-router.cluster-limits.publish-interval", "200ms");
      properties.put("payment-router.cluster-limits.window-max-age", "2s");
      // As arguments, so that they win over the shared test environment's system properties.
      String[] arguments = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
          .toArray(String[]::new);
      NODES.add(new SpringApplicationBuilder(PaymentRouterApplication.class)
          .initializers(new PrivateReactorResources())
          .run(arguments));
    }
  }

  @AfterAll
  static void stopNodes() {
    NODES.forEach(ConfigurableApplicationContext::close);
    TestEnvironment.resetSimulators();
  }

  @Test
  void twoRoutersTogetherSendAlphaNoMoreThanItsLimitPlusBurst() throws Exception {
    String key = merchant(NODES.getFirst());
    Set<String> ids = ConcurrentHashMap.newKeySet();
    Duration run = Duration.ofSeconds(6);
    Instant start = Instant.now();
    List<CompletableFuture<Void>> sent = new ArrayList<>();
    // 40 creates a second, half on each router: four times what alpha may take; the rest fails over to beta.
    for (int i = 0; Instant.now().isBefore(start.plus(run)); i++) {
      sent.add(create(NODES.get(i % REPLICAS), key, i).thenAccept(id -> id.ifPresent(ids::add)));
      Thread.sleep(25);
    }
    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get();
    assertThat(ids).hasSizeGreaterThan(sent.size() / 2);

    List<Instant> onAlpha = TestEnvironment.simulator("alpha").ledger().charges().stream()
        .filter(charge -> ids.contains(intentOf(charge)))
        .map(SimulatorCharge::createdAt)
        .sorted()
        .toList();
    double seconds = Duration.between(onAlpha.getFirst(), onAlpha.getLast()).toMillis() / 1000.0;
    // The documented bound: the rate over the span, the burst, and what each replica may take unseen by the others
    // before it synchronizes. A bucket per replica would let through about twice the rate (some 100 calls here).
    long tolerance = (long) REPLICAS * MAX_UNSYNCHRONIZED;
    long bound = (long) Math.ceil(LIMIT * seconds) + BURST + tolerance;
    String seen = String.format("alpha received %d calls in %.1f s (from %s to %s after the start), %d intents",
        onAlpha.size(), seconds, Duration.between(start, onAlpha.getFirst()),
        Duration.between(start, onAlpha.getLast()), ids.size());
    System.out.println("ClusterLimitTest: " + seen + ", bound " + bound + ", max in 1 s "
        + maxInOneSecond(onAlpha));
    assertThat(seconds).as(seen).isGreaterThan(2);
    assertThat((long) onAlpha.size()).as(seen).isLessThanOrEqualTo(bound);
    assertThat((long) maxInOneSecond(onAlpha)).as(seen).isLessThanOrEqualTo(LIMIT + BURST + tolerance);
    // Nobody was starved either: alpha got most of its limit.
    assertThat((double) onAlpha.size()).as(seen).isGreaterThan(LIMIT * seconds * 0.6);
  }

  @Test
  void aSuccessRateOneRouterSeesChangesTheOtherRoutersView() {
    ProviderScoreboard first = NODES.getFirst().getBean(ProviderScoreboard.class);
    ProviderDirectory second = NODES.getLast().getBean(ProviderDirectory.class);
    // Only the first router sees gamma fail (it never had a call on the second).
    for (int i = 0; i < 40; i++) {
      first.record("gamma", new ProviderOutcome.Unknown("timeout"));
    }

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(second.snapshot().successRates()).containsEntry("gamma", 0.0));
  }

  @Test
  void aReplicaThatStoppedPublishingLeavesTheSum() {
    DatabaseClient db = NODES.getFirst().getBean(DatabaseClient.class);
    ProviderDirectory second = NODES.getLast().getBean(ProviderDirectory.class);
    // A third replica, seen only through its row, failed beta ten thousand times.
    db.sql("insert into provider_success_windows (node_id, provider, successes, failures, at) "
            + "values ('ghost', 'beta', 0, 10000, now())").then().block(Duration.ofSeconds(10));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(second.snapshot().successRates().get("beta")).isNotNull().isLessThan(0.5));

    // It stops publishing: its window is older than window-max-age (2 s) and counts no more.
    db.sql("update provider_success_windows set at = now() - interval '1 minute' where node_id = 'ghost'")
        .then().block(Duration.ofSeconds(10));

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(second.snapshot().successRates().getOrDefault("beta", 1.0)).isGreaterThan(0.5));
  }

  private static String intentOf(SimulatorCharge charge) {
    int underscore = charge.reference().lastIndexOf('_');
    return underscore < 0 ? charge.reference() : charge.reference().substring(0, underscore);
  }

  private static int maxInOneSecond(List<Instant> times) {
    int max = 0;
    int from = 0;
    for (int to = 0; to < times.size(); to++) {
      while (Duration.between(times.get(from), times.get(to)).toMillis() >= 1000) {
        from++;
      }
      max = Math.max(max, to - from + 1);
    }
    return max;
  }

  /** The intent's id, or empty when the router shed the create (503: nothing stored, no provider call). */
  private static CompletableFuture<Optional<String>> create(ConfigurableApplicationContext node, String key,
      int i) {
    String port = node.getEnvironment().getProperty("local.server.port");
    return HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/payment-intents"))
            .header("Authorization", "Bearer " + key)
            .header("Idempotency-Key", "cluster-limit-" + UUID.randomUUID())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(IntentClient.body(1_000 + i, "tok_visa")))
            .build(), HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(response -> {
          assertThat(response.statusCode()).isIn(201, 503);
          return response.statusCode() == 201
              ? Optional.of(IntentClient.read(response.body()).get("id").stringValue())
              : Optional.empty();
        });
  }

  private static String merchant(ConfigurableApplicationContext node) {
    String id = "m_cluster_" + UUID.randomUUID();
    String key = ApiKeys.generate(new SplittableRandom());
    MerchantStore merchants = node.getBean(MerchantStore.class);
    merchants.ensureMerchant(new Merchant(id, id))
        .then(merchants.addKey(id, ApiKeys.hash(key), ApiKeys.displayPrefix(key)))
        .block(Duration.ofSeconds(10));
    return key;
  }
}
