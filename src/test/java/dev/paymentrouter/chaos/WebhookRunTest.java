package dev.paymentrouter.chaos;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paymentrouter.simulator.ProviderSimulator;
import dev.paymentrouter.simulator.SimulatorBehaviour;
import dev.paymentrouter.simulator.SimulatorSettings;
import dev.paymentrouter.testsupport.RouterProcess;
import dev.paymentrouter.testsupport.TestEnvironment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The delivery run of issue 12: two routers (JVMs of their own) on one database take a merchant's creates while
 * their delivery workers send the merchant's events to one endpoint. The endpoint refuses the first try of a quarter
 * of the events, then goes down (connections refused) while one router is killed with SIGKILL and started again, and
 * comes back. Once every intent is settled and every delivery done, the receiver's log is held against the outbox:
 * every event arrived and was verified by the Standard Webhooks reference library (none lost), nothing arrived that
 * the database does not hold (no event of a rolled-back transition), no event was in flight twice at the same moment
 * (the two workers never send one delivery at once), each intent has one {@code created} event and the terminal
 * event of its final status only, and both routers delivered.
 *
 * <p>Tunable: {@code webhooks.intents} (default 600), {@code webhooks.rate} (per second, 40). Output: the figures on
 * stdout and in {@code target/chaos/webhooks/summary.txt}, the routers' logs beside it.
 */
@Tag("chaos")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class WebhookRunTest {

  private static final Path OUT = Path.of("target", "chaos", "webhooks");
  private static final String MERCHANT = "merchant_webhooks";
  private static final String API_KEY = "sk_webhookRun0123456789abcdefABCD";
  private static final String OPERATOR_TOKEN = "op_webhookRun0123456789abcdefABCD";
  private static final int INTENTS = Integer.getInteger("webhooks.intents", 600);
  private static final double RATE = Double.parseDouble(System.getProperty("webhooks.rate", "40"));
  private static final long SEED = 20_261_130L;
  private static final List<String> ROUTER_JVM = List.of("-Xmx384m", "-XX:+ExitOnOutOfMemoryError",
      "-XX:TieredStopAtLevel=1");
  /** Retries every few seconds for about a minute: longer than the receiver is down (a router's restart and more). */
  private static final String RETRIES = "500ms,1s,2s," + String.join(",", java.util.Collections.nCopies(15, "4s"));
  /** Leases and reconciliation scaled down as in the chaos run, so the killed router's intents are taken over. */
  private static final Map<String, String> PROPERTIES = Map.ofEntries(
      Map.entry("payment-router.local-mode", "true"),
      // Local mode would open the Stripe-compatible door on its fixed port, once per router.
      Map.entry("payment-router.stripe-api.enabled", "false"),
      Map.entry("payment-router.operator.tokens.webhook-run", OPERATOR_TOKEN),
      Map.entry("payment-router.webhooks.delivery.interval", "200ms"),
      Map.entry("payment-router.webhooks.delivery.timeout", "2s"),
      Map.entry("payment-router.webhooks.delivery.retries", RETRIES),
      Map.entry("payment-router.recovery.lease", "5s"),
      Map.entry("payment-router.recovery.scan-interval", "250ms"),
      Map.entry("payment-router.recovery.settle-time", "8s"),
      Map.entry("payment-router.recovery.reconcile-delays", "300ms,500ms,1s,2s,3s,5s,8s"),
      // The longest call (call and queue timeouts) stays below the lease, so a live owner never loses its intent.
      Map.entry("payment-router.providers.alpha.pool.call-timeout", "2s"),
      Map.entry("payment-router.providers.alpha.pool.queue-timeout", "1s"));
  private static final Pattern COUNT = Pattern.compile("\"value\"\\s*:\\s*([0-9.Ee+-]+)");

  private final RunTimeline timeline = new RunTimeline("webhooks");
  private final List<RouterProcess> routers = new ArrayList<>();
  private final List<MerchantLoad> loads = new ArrayList<>();
  private ProviderSimulator simulator;
  private WebhookReceiver receiver;

  @AfterEach
  void tearDown() {
    loads.forEach(MerchantLoad::close);
    routers.forEach(RouterProcess::close);
    if (receiver != null) {
      receiver.close();
    }
    if (simulator != null) {
      simulator.close();
    }
  }

  @Test
  void everyEventArrivesVerifiedNoneOfARolledBackTransitionAndNeverTwiceAtOnce() throws Exception {
    Files.createDirectories(OUT);
    RouterDatabase database = RouterDatabase.create(TestEnvironment.database(),
        "webhooks_" + System.currentTimeMillis());
    simulator = ProviderSimulator.start(SimulatorSettings.local("alpha").withBehaviour(SimulatorBehaviour.reliable()
        .withLatencyMs(5).withLatencyJitterMs(20).withDeclineRate(0.15)), Clock.systemUTC(),
        new SplittableRandom(SEED));
    for (int node = 0; node < 2; node++) {
      RouterProcess router = new RouterProcess(new RouterProcess.Settings(RouterProcess.freePort(),
          database.r2dbcUrl(), Map.of("alpha", simulator.baseUrl()), API_KEY, MERCHANT, PROPERTIES, ROUTER_JVM,
          OUT.resolve("node-" + (char) ('a' + node))));
      router.start();
      routers.add(router);
      timeline.mark("router " + (char) ('a' + node) + " ready on " + router.baseUrl());
    }
    RouterProcess a = routers.get(0);
    RouterProcess b = routers.get(1);

    int receiverPort = RouterProcess.freePort();
    String secret = registerEndpoint(a.baseUrl(), "http://127.0.0.1:" + receiverPort + "/hooks");
    receiver = new WebhookReceiver(receiverPort, secret, id -> Math.floorMod(id.hashCode(), 4) == 0);
    receiver.up();
    timeline.mark("endpoint registered; receiver up on port " + receiverPort
        + ", refusing the first try of 1 event in 4");

    for (RouterProcess router : routers) {
      MerchantLoad load = new MerchantLoad(new MerchantLoad.Settings(router.baseUrl(), API_KEY,
          "webhooks-" + loads.size(), "\"token\": \"tok_webhooks\"", INTENTS / 2, RATE / 2, 32,
          Duration.ofSeconds(5), Duration.ofSeconds(90), SEED + loads.size(), 0));
      loads.add(load);
      load.start();
    }
    MerchantLoad onA = loads.getFirst();
    timeline.mark("load started: " + INTENTS + " creates at " + RATE + "/s, half to each router");
    onA.awaitDispatched(INTENTS / 2 * 3 / 10, Duration.ofSeconds(60));
    receiver.down();
    timeline.mark("receiver down after " + onA.dispatched() + " creates on router a");
    onA.awaitDispatched(INTENTS / 2 / 2, Duration.ofSeconds(60));
    a.kill();
    timeline.mark("router a killed (SIGKILL) after " + onA.dispatched() + " creates on it");
    Thread.sleep(1_000);
    a.start();
    timeline.mark("router a ready again");
    receiver.up();
    timeline.mark("receiver up again after " + receiver.requests() + " requests so far");

    boolean loadsDone = loads.getFirst().awaitDone(Duration.ofSeconds(120))
        & loads.getLast().awaitDone(Duration.ofSeconds(120));
    timeline.mark("loads " + (loadsDone ? "acknowledged" : "NOT finished") + ": " + loads.getFirst().stats() + " / "
        + loads.getLast().stats());
    boolean settled = RunTimeline.await(Duration.ofSeconds(60), () -> database.countUnsettled(MERCHANT) == 0);
    timeline.mark("intents " + (settled ? "settled" : "NOT settled"));
    long drainStarted = System.nanoTime();
    boolean delivered = RunTimeline.await(Duration.ofSeconds(120), () -> pendingDeliveries(database) == 0);
    timeline.mark("deliveries " + (delivered ? "done" : "NOT done") + " "
        + Duration.ofNanos(System.nanoTime() - drainStarted).toMillis() + " ms after the intents settled");
    // Nothing more may arrive once every delivery is done: duplicates would show now.
    Thread.sleep(1_000);
    List<Long> perNode = new ArrayList<>();
    for (RouterProcess router : routers) {
      perNode.add(deliveredBy(router));
    }
    routers.forEach(RouterProcess::stop);
    receiver.down();

    Outbox outbox = Outbox.read(database);
    Map<String, Integer> accepted = receiver.accepted();
    List<String> lost = outbox.events.keySet().stream().filter(id -> !accepted.containsKey(id)).toList();
    List<String> phantoms = receiver.tries().keySet().stream().filter(id -> !outbox.events.containsKey(id)).toList();
    long duplicates = accepted.values().stream().mapToLong(n -> n - 1).sum();
    List<String> wrongEvents = outbox.wrongEvents();
    String figures = String.format(Locale.ROOT, "WEBHOOKS intents=%d events=%d deliveries=%d tries=%d retries=%d "
            + "notSucceeded=%d requests=%d accepted=%d duplicatesReceived=%d lost=%d phantoms=%d overlaps=%d "
            + "badSignatures=%d deliveredByNode=%s wrongEvents=%d",
        outbox.intents.size(), outbox.events.size(), outbox.deliveries, outbox.tries, outbox.tries - outbox.deliveries,
        outbox.notSucceeded, receiver.requests(), accepted.values().stream().mapToLong(Integer::longValue).sum(),
        duplicates, lost.size(), phantoms.size(), receiver.overlaps().size(), receiver.badSignatures().size(), perNode,
        wrongEvents.size());
    String summary = figures + "\n  events by type: " + outbox.byType + "\n" + timeline.lines();
    System.out.println(summary);
    Files.writeString(OUT.resolve("summary.txt"), summary + "\n", StandardCharsets.UTF_8);

    assertAll(figures,
        () -> assertTrue(loadsDone && loads.stream().allMatch(load -> load.refused().isEmpty()),
            "harness: every create is acknowledged"),
        () -> assertEquals(INTENTS / 2 * 2, outbox.intents.size(), "harness: every create is one intent"),
        () -> assertTrue(settled, "harness: every intent settles"),
        () -> assertEquals(2, a.starts(), "harness: router a was killed and started again"),
        () -> assertTrue(outbox.tries > outbox.deliveries, "harness: some tries failed and were retried"),
        () -> assertTrue(delivered && outbox.notSucceeded == 0, "every delivery ends delivered"),
        () -> assertEquals(List.of(), lost.subList(0, Math.min(10, lost.size())), "no event is lost"),
        () -> assertEquals(List.of(), phantoms.subList(0, Math.min(10, phantoms.size())),
            "nothing arrives that the outbox does not hold (no event of a rolled-back transition)"),
        () -> assertEquals(List.of(), receiver.badSignatures(), "every delivery verifies"),
        () -> assertEquals(List.of(), receiver.overlaps(), "no event is in flight twice at the same moment"),
        () -> assertEquals(List.of(), wrongEvents.subList(0, Math.min(10, wrongEvents.size())),
            "each intent has one created event and its final status's terminal event only"),
        () -> assertTrue(perNode.stream().allMatch(n -> n > 0), "both routers delivered: " + perNode));
  }

  /** Registers the merchant's endpoint for every event type; its signing secret. */
  private static String registerEndpoint(URI router, String url) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(router.resolve("/v1/webhook-endpoints"))
          .header("Authorization", "Bearer " + API_KEY).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"url\": \"" + url + "\", \"events\": [\"*\"]}")).build(),
          HttpResponse.BodyHandlers.ofString());
      Matcher secret = Pattern.compile("\"secret\"\\s*:\\s*\"(whsec_[^\"]+)\"").matcher(response.body());
      if (response.statusCode() != 201 || !secret.find()) {
        throw new IllegalStateException("endpoint not registered: " + response.statusCode() + " " + response.body());
      }
      return secret.group(1);
    }
  }

  /** What a router's worker delivered since it started, from its metrics. */
  private static long deliveredBy(RouterProcess router) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(router.managementUrl()
              .resolve("/actuator/metrics/payment_router.webhook.deliveries?tag=outcome:delivered"))
              .header("Authorization", "Bearer " + OPERATOR_TOKEN).build(),
          HttpResponse.BodyHandlers.ofString());
      Matcher value = COUNT.matcher(response.body());
      if (response.statusCode() != 200 || !value.find()) {
        throw new IllegalStateException("no delivery count from " + router.managementUrl() + ": "
            + response.statusCode() + " " + response.body());
      }
      return (long) Double.parseDouble(value.group(1));
    }
  }

  private static long pendingDeliveries(RouterDatabase database) throws SQLException {
    return database.count("select count(*) from webhook_deliveries where merchant_id = ? and status = 'pending'",
        MERCHANT);
  }


  /** The outbox and the intents as stored once the run is over. */
  private record Outbox(Map<String, String> intents, Map<String, String> events, Map<String, List<String>> byIntent,
      Map<String, Long> byType, long deliveries, long tries, long notSucceeded) {

    static Outbox read(RouterDatabase database) throws SQLException {
      try (Connection connection = DriverManager.getConnection(database.jdbcUrl(), RouterDatabase.USER,
          RouterDatabase.PASSWORD)) {
        Map<String, String> intents = new HashMap<>();
        Map<String, String> events = new HashMap<>();
        Map<String, List<String>> byIntent = new HashMap<>();
        Map<String, Long> byType = new LinkedHashMap<>();
        try (PreparedStatement query = connection.prepareStatement(
            "select id, status from payment_intents where merchant_id = ?")) {
          query.setString(1, MERCHANT);
          try (ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
              intents.put(rows.getString(1), rows.getString(2));
            }
          }
        }
        try (PreparedStatement query = connection.prepareStatement(
            "select id, type, intent_id from webhook_events where merchant_id = ? order by type")) {
          query.setString(1, MERCHANT);
          try (ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
              events.put(rows.getString(1), rows.getString(2));
              byIntent.computeIfAbsent(rows.getString(3), id -> new ArrayList<>()).add(rows.getString(2));
              byType.merge(rows.getString(2), 1L, Long::sum);
            }
          }
        }
        try (PreparedStatement query = connection.prepareStatement("select count(*), coalesce(sum(attempts), 0), "
            + "count(*) filter (where status <> 'succeeded') from webhook_deliveries where merchant_id = ?")) {
          query.setString(1, MERCHANT);
          try (ResultSet rows = query.executeQuery()) {
            rows.next();
            return new Outbox(intents, events, byIntent, byType, rows.getLong(1), rows.getLong(2), rows.getLong(3));
          }
        }
      }
    }

    /** Intents whose events disagree with their final status: not one created event, or a wrong terminal one. */
    List<String> wrongEvents() {
      List<String> wrong = new ArrayList<>();
      intents.forEach((id, status) -> {
        List<String> types = byIntent.getOrDefault(id, List.of());
        long created = types.stream().filter("payment_intent.created"::equals).count();
        long succeeded = types.stream().filter("payment_intent.succeeded"::equals).count();
        long failed = types.stream().filter("payment_intent.payment_failed"::equals).count();
        boolean right = created == 1 && switch (status) {
          case "succeeded" -> succeeded == 1 && failed == 0;
          case "failed" -> failed == 1 && succeeded == 0;
          default -> succeeded == 0 && failed == 0;
        };
        if (!right) {
          wrong.add(id + " " + status + " " + types);
        }
      });
      return wrong;
    }
  }
}
