package dev.paymentrouter.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paymentrouter.PaymentRouterApplication;
import dev.paymentrouter.merchant.domain.ApiKeys;
import dev.paymentrouter.merchant.domain.Merchant;
import dev.paymentrouter.merchant.runtime.MerchantStore;
import dev.paymentrouter.simulator.SimulatorBehaviour;
import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.PrivateReactorResources;
import dev.paymentrouter.testsupport.TestEnvironment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A node that is told to stop (SIGTERM closes the Spring context) stops taking traffic first, lets the intents in
 * flight finish, and hands over those that cannot finish in time; none is lost.
 */
class GracefulShutdownTest {

  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  final List<ConfigurableApplicationContext> nodes = new ArrayList<>();
  final Map<String, Object> database = TestEnvironment.isolatedDatabase();

  @BeforeAll
  static void environment() {
    TestEnvironment.publish();
  }

  @AfterEach
  void stopNodes() {
    nodes.forEach(ConfigurableApplicationContext::close);
    TestEnvironment.resetSimulators();
  }

  @Test
  void intentsInFlightFinishBeforeTheNodeStopsAndReadinessGoesDownFirst() throws Exception {
    TestEnvironment.simulator("alpha").update(SimulatorBehaviour.reliable().withLatencyMs(1_200));
    List<ReadinessState> readiness = new CopyOnWriteArrayList<>();
    List<Boolean> intentsDoneWhenRefusing = new CopyOnWriteArrayList<>();
    ConfigurableApplicationContext node = start(Map.of());
    String key = merchant(node);
    List<String> ids = createWithoutWaiting(node, key, 5);
    node.addApplicationListener((AvailabilityChangeEvent<?> event) -> {
      if (event.getState() instanceof ReadinessState state) {
        readiness.add(state);
        intentsDoneWhenRefusing.add(allFinal(ids));
      }
    });

    node.close();

    assertThat(readiness).contains(ReadinessState.REFUSING_TRAFFIC);
    // Readiness went down while the intents were still on their way (the management server's context, closed
    // first, says so too)...
    assertThat(intentsDoneWhenRefusing).isNotEmpty().containsOnly(false);
    // ...and they all finished before the node was gone.
    assertThat(statuses(ids)).containsOnly("succeeded");
  }

  @Test
  void intentsThatCannotFinishInTimeAreHandedOverAndFinishedByAnotherNode() throws Exception {
    TestEnvironment.simulator("alpha").update(SimulatorBehaviour.reliable().withHangRate(1.0)
        .withHangDuration(Duration.ofSeconds(3)));
    // Every call ends within 400 + 100 ms, below the drain timeout and the settle time (the router refuses to
    // start otherwise); alpha hangs for 3 s, so the intents are still waiting for an answer when the node stops.
    Map<String, Object> quick = new java.util.HashMap<>(Map.of(
        "payment-router.intents.drain-timeout", "600ms",
        "payment-router.recovery.settle-time", "1s",
        "payment-router.recovery.scan-interval", "100ms",
        "payment-router.recovery.reconcile-delays", "200ms"));
    for (String provider : List.of("alpha", "beta", "gamma")) {
      quick.put("payment-router.providers." + provider + ".pool.call-timeout", "400ms");
      quick.put("payment-router.providers." + provider + ".pool.queue-timeout", "100ms");
    }
    ConfigurableApplicationContext first = start(quick);
    String key = merchant(first);
    List<String> ids = createWithoutWaiting(first, key, 3);

    Instant stopped = Instant.now();
    first.close();
    // Handed over, not abandoned: their leases are already free, long before they would have run out.
    assertThat(leasesHeldAfter(ids, stopped.plusSeconds(1))).isZero();
    assertThat(statuses(ids)).as(describe(ids)).containsOnly("processing");

    TestEnvironment.simulator("alpha").update(SimulatorBehaviour.reliable());
    start(quick);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(statuses(ids)).containsOnly("succeeded"));
  }

  private ConfigurableApplicationContext start(Map<String, Object> properties) {
    Map<String, Object> all = new java.util.HashMap<>(properties);
    all.putAll(database);
    all.put("server.port", "0");
    all.put("management.server.port", "0");
    all.put("management.server.address", "127.0.0.1");
    // As arguments, so that they win over the shared test environment's system properties.
    String[] arguments = all.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
        .toArray(String[]::new);
    ConfigurableApplicationContext context = new SpringApplicationBuilder(PaymentRouterApplication.class)
        .initializers(new PrivateReactorResources())
        .run(arguments);
    nodes.add(context);
    return context;
  }

  private static String merchant(ConfigurableApplicationContext node) {
    String id = "m_shutdown_" + UUID.randomUUID();
    String key = ApiKeys.generate(new SplittableRandom());
    MerchantStore merchants = node.getBean(MerchantStore.class);
    merchants.ensureMerchant(new Merchant(id, id))
        .then(merchants.addKey(id, ApiKeys.hash(key), ApiKeys.displayPrefix(key)))
        .block(Duration.ofSeconds(10));
    return key;
  }

  private List<String> createWithoutWaiting(ConfigurableApplicationContext node, String key, int count)
      throws Exception {
    String port = node.getEnvironment().getProperty("local.server.port");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + port + "/v1/payment-intents"))
          .header("Authorization", "Bearer " + key)
          .header("Idempotency-Key", "shutdown-" + UUID.randomUUID())
          .header("Prefer", "wait=0")
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(IntentClient.body(5_000 + i, "tok_chaos")))
          .build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(response.statusCode()).isEqualTo(201);
      ids.add(IntentClient.read(response.body()).get("id").stringValue());
    }
    return ids;
  }

  private boolean allFinal(List<String> ids) {
    try {
      return statuses(ids).stream().allMatch(s -> s.equals("succeeded") || s.equals("failed"));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private List<String> statuses(List<String> ids) throws Exception {
    List<String> statuses = new ArrayList<>();
    try (Connection db = DriverManager.getConnection(TestEnvironment.jdbcUrl(database), "postgres", "");
         PreparedStatement query = db.prepareStatement("select status from payment_intents where id = ?")) {
      for (String id : ids) {
        query.setString(1, id);
        try (ResultSet row = query.executeQuery()) {
          statuses.add(row.next() ? row.getString(1) : "missing");
        }
      }
    }
    return statuses;
  }

  private String describe(List<String> ids) throws Exception {
    StringBuilder out = new StringBuilder();
    try (Connection db = DriverManager.getConnection(TestEnvironment.jdbcUrl(database), "postgres", "");
         PreparedStatement query = db.prepareStatement(
             "select intent_id, attempt_number, provider, status, error_code from payment_attempts "
                 + "where intent_id = any(?) order by intent_id, attempt_number")) {
      query.setArray(1, db.createArrayOf("text", ids.toArray()));
      try (ResultSet row = query.executeQuery()) {
        while (row.next()) {
          out.append(row.getString(1)).append('#').append(row.getInt(2)).append(' ').append(row.getString(3))
              .append(' ').append(row.getString(4)).append(' ').append(row.getString(5)).append("; ");
        }
      }
    }
    return out.toString();
  }

  private long leasesHeldAfter(List<String> ids, Instant instant) throws Exception {
    try (Connection db = DriverManager.getConnection(TestEnvironment.jdbcUrl(database), "postgres", "");
         PreparedStatement query = db.prepareStatement(
             "select count(*) from payment_intents where id = any(?) and lease_until > ?")) {
      query.setArray(1, db.createArrayOf("text", ids.toArray()));
      query.setObject(2, java.sql.Timestamp.from(instant));
      try (ResultSet row = query.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    }
  }
}
