package dev.paymentrouter.chaos;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paymentrouter.chaos.ChaosAudit.LedgerCharge;
import dev.paymentrouter.chaos.ChaosAudit.Report;
import dev.paymentrouter.chaos.RouterDatabase.Snapshot;
import dev.paymentrouter.simulator.ProviderSimulator;
import dev.paymentrouter.simulator.SimulatorBehaviour;
import dev.paymentrouter.simulator.SimulatorCharge;
import dev.paymentrouter.simulator.SimulatorSettings;
import dev.paymentrouter.testsupport.RouterProcess;
import dev.paymentrouter.testsupport.TestEnvironment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 13's takeover: two routers (JVMs of their own) on one database take a merchant's creates through a slow
 * provider that sometimes loses its answers, and one of them is killed with SIGKILL mid-flight and stays dead. The
 * merchant sends what the dead router did not answer to the survivor under the same keys (and, to check idempotency
 * across nodes, everything it did answer too). The survivor's sentinel claims the dead router's open intents once
 * their leases run out and drives them: every intent ends final or explicitly unresolved, no intent is charged twice
 * on the simulator's ledger, succeeded exactly when charged once, and every key names one intent.
 *
 * <p>Output: the figures on stdout and in {@code target/chaos/takeover/summary.txt}, the routers' logs beside it.
 */
@Tag("chaos")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TakeoverTest {

  private static final Path OUT = Path.of("target", "chaos", "takeover");
  private static final String MERCHANT = "merchant_takeover";
  private static final String API_KEY = "sk_takeoverRun0123456789abcdefABC";
  private static final int PER_ROUTER = Integer.getInteger("takeover.intents", 300);
  private static final double RATE = 40;
  private static final long SEED = 20_261_201L;
  private static final List<String> ROUTER_JVM = List.of("-Xmx384m", "-XX:+ExitOnOutOfMemoryError",
      "-XX:TieredStopAtLevel=1");
  /** Short leases, so that the dead router's intents are due within seconds; calls shorter than the lease. */
  private static final Map<String, String> PROPERTIES = Map.ofEntries(
      Map.entry("payment-router.recovery.lease", "5s"),
      Map.entry("payment-router.recovery.scan-interval", "250ms"),
      Map.entry("payment-router.recovery.settle-time", "8s"),
      Map.entry("payment-router.recovery.reconcile-delays", "300ms,500ms,1s,2s,3s,5s,8s"),
      Map.entry("payment-router.providers.alpha.pool.call-timeout", "2s"),
      Map.entry("payment-router.providers.alpha.pool.queue-timeout", "1s"),
      Map.entry("payment-router.providers.alpha.rate-limit.status-queries-per-second", "200"),
      Map.entry("payment-router.providers.alpha.rate-limit.status-query-burst", "200"));

  private final RunTimeline timeline = new RunTimeline("takeover");
  private final List<RouterProcess> routers = new ArrayList<>();
  private final List<MerchantLoad> loads = new ArrayList<>();
  private ProviderSimulator simulator;

  @AfterEach
  void tearDown() {
    loads.forEach(MerchantLoad::close);
    routers.forEach(RouterProcess::close);
    if (simulator != null) {
      simulator.close();
    }
  }

  @Test
  void theSurvivorTakesOverADeadRoutersIntentsAndNoneIsChargedTwice() throws Exception {
    Files.createDirectories(OUT);
    RouterDatabase database = RouterDatabase.create(TestEnvironment.database(),
        "takeover_" + System.currentTimeMillis());
    // Slow (0.3-1 s), so that the router killed mid-flight holds intents in every state of a call; lost answers
    // leave unknown outcomes for the survivor to reconcile.
    simulator = ProviderSimulator.start(SimulatorSettings.local("alpha").withBehaviour(SimulatorBehaviour.reliable()
        .withLatencyMs(300).withLatencyJitterMs(700).withDeclineRate(0.1).withLostResponseRate(0.03)
        .withHangDuration(Duration.ofSeconds(2))), Clock.systemUTC(), new SplittableRandom(SEED));
    for (String node : List.of("a", "b")) {
      Map<String, String> properties = new HashMap<>(PROPERTIES);
      properties.put("payment-router.recovery.node-id", "node-" + node);
      RouterProcess router = new RouterProcess(new RouterProcess.Settings(RouterProcess.freePort(),
          database.r2dbcUrl(), Map.of("alpha", simulator.baseUrl()), API_KEY, MERCHANT, properties, ROUTER_JVM,
          OUT.resolve("node-" + node)));
      router.start();
      routers.add(router);
      timeline.mark("router " + node + " ready on " + router.baseUrl());
    }
    RouterProcess a = routers.get(0);
    RouterProcess b = routers.get(1);
    MerchantLoad onA = load(a, "takeover-a-", SEED, Duration.ofSeconds(8));
    MerchantLoad onB = load(b, "takeover-b-", SEED + 1, Duration.ofSeconds(90));
    onA.start();
    onB.start();
    timeline.mark("load started: " + PER_ROUTER + " creates at " + RATE / 2 + "/s on each router");

    onA.awaitDispatched(PER_ROUTER * 6 / 10, Duration.ofSeconds(90));
    long openOnA = openOwnedBy(database, "node-a");
    a.kill();
    long killedAt = System.nanoTime();
    timeline.mark("router a killed (SIGKILL) after " + onA.dispatched() + " creates on it, owning " + openOnA
        + " open intents; it stays dead");
    // Its intents wait out their leases (5 s), then b's sentinel claims and drives them.
    boolean tookOver = RunTimeline.await(Duration.ofSeconds(60), () -> openOwnedBy(database, "node-a") == 0);
    double takeoverSeconds = (System.nanoTime() - killedAt) / 1e9;
    timeline.mark("a's open intents " + (tookOver ? "all taken over" : "NOT all taken over")
        + String.format(Locale.ROOT, " %.1f s after the kill", takeoverSeconds));
    onA.awaitDone(Duration.ofSeconds(60));
    timeline.mark("load on a given up: " + onA.stats());
    // The merchant sends every create of a to b under its key: those a never answered, and those it did (a replay).
    MerchantLoad retried = load(b, "takeover-a-", SEED, Duration.ofSeconds(90));
    retried.start();
    boolean loadsDone = retried.awaitDone(Duration.ofSeconds(120)) & onB.awaitDone(Duration.ofSeconds(120));
    timeline.mark("loads " + (loadsDone ? "acknowledged" : "NOT finished") + ": a's creates on b " + retried.stats()
        + " / b's own " + onB.stats());
    boolean settled = RunTimeline.await(Duration.ofSeconds(90), () -> database.countUnsettled(MERCHANT) == 0);
    timeline.mark("intents " + (settled ? "settled" : "NOT settled"));
    b.stop();

    Snapshot snapshot = database.read(MERCHANT);
    List<LedgerCharge> charges = simulator.ledger().charges().stream()
        .map((SimulatorCharge charge) -> new LedgerCharge(simulator.name(), charge)).toList();
    Report report = ChaosAudit.audit(snapshot, charges);
    Map<String, String> storedByKey = new HashMap<>();
    snapshot.intents().forEach(intent -> storedByKey.put(intent.idempotencyKey(), intent.id()));
    List<String> mismatched = new ArrayList<>();
    for (MerchantLoad load : List.of(onA, retried, onB)) {
      load.acknowledged().values().stream()
          .filter(ack -> !ack.intentId().equals(storedByKey.get(ack.idempotencyKey())))
          .forEach(ack -> mismatched.add(ack.idempotencyKey() + " answered " + ack.intentId() + ", stored "
              + storedByKey.get(ack.idempotencyKey())));
    }
    String summary = "TAKEOVER " + report.summary() + String.format(Locale.ROOT,
        " openOnDeadRouter=%d takeoverSeconds=%.1f", openOnA, takeoverSeconds)
        + "\n" + timeline.lines() + "\n  simulator: " + simulator.stats();
    System.out.println(summary);
    Files.writeString(OUT.resolve("summary.txt"), summary + "\n", StandardCharsets.UTF_8);

    assertAll(report.summary(),
        () -> assertTrue(loadsDone && retried.refused().isEmpty() && onB.refused().isEmpty(),
            "harness: every create is acknowledged by the survivor"),
        () -> assertEquals(2 * PER_ROUTER, snapshot.intents().size(), "harness: every key is one stored intent"),
        () -> assertTrue(openOnA > 0, "harness: the killed router held open intents"),
        () -> assertEquals(List.of(), mismatched.subList(0, Math.min(10, mismatched.size())),
            "every answer, from either router, names the intent stored under its key"),
        () -> assertTrue(tookOver, "the survivor took over every open intent of the dead router"),
        () -> assertEquals(List.of(), report.unsettled(), "every intent is final or explicitly unresolved"),
        () -> assertEquals(List.of(), report.doubleCharged(), "no intent is charged twice"),
        () -> assertEquals(List.of(), report.succeededNotOnce(), "succeeded => exactly one approved charge"),
        () -> assertEquals(List.of(), report.failedButCharged(), "failed => no approved charge"),
        () -> assertEquals(List.of(), report.strangerCharges(), "no approved charge belongs to no intent"));
  }

  private MerchantLoad load(RouterProcess router, String prefix, long seed, Duration giveUpAfter) {
    MerchantLoad load = new MerchantLoad(new MerchantLoad.Settings(router.baseUrl(), API_KEY, prefix,
        "\"token\": \"tok_takeover\"", PER_ROUTER, RATE / 2, 64, Duration.ofSeconds(5), giveUpAfter, seed, 0));
    loads.add(load);
    return load;
  }

  /** Open intents (neither final nor unresolved) whose lease {@code node} holds or held last. */
  private static long openOwnedBy(RouterDatabase database, String node) throws SQLException {
    return database.count("select count(*) from payment_intents where owner = ? and unresolved_reason is null "
        + "and status in ('pending', 'processing')", node);
  }

}
