package dev.paymentrouter.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paymentrouter.intent.domain.Decision;
import dev.paymentrouter.intent.domain.IntentCommand;
import dev.paymentrouter.intent.domain.IntentEvent;
import dev.paymentrouter.intent.domain.IntentState;
import dev.paymentrouter.intent.domain.IntentTransitions;
import dev.paymentrouter.intent.domain.Money;
import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.intent.domain.PaymentMethod;
import dev.paymentrouter.intent.domain.RouteOptions;
import dev.paymentrouter.intent.runtime.IntentProcess;
import dev.paymentrouter.intent.runtime.IntentRegistry;
import dev.paymentrouter.intent.runtime.IntentStore;
import dev.paymentrouter.intent.runtime.IntentStore.Ownership;
import dev.paymentrouter.merchant.domain.ApiKeys;
import dev.paymentrouter.merchant.domain.Merchant;
import dev.paymentrouter.simulator.SimulatorBehaviour;
import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import dev.paymentrouter.testsupport.TestEnvironment;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import reactor.core.Disposable;

/**
 * Taking an intent up again costs a slot of the node and, usually, a status query at its provider: both are paid
 * back or paced, whatever the caller does. A client that goes away mid-claim leaves no slot behind, and a merchant
 * polling an intent whose outcome is unknown costs its provider one status query per interval, not one per GET.
 */
@TestPropertySource(properties = {
    "payment-router.recovery.reconcile-delays=1h",
    "payment-router.recovery.status-query-interval=1h",
    "payment-router.providers.alpha.pool.call-timeout=300ms",
    "payment-router.providers.alpha.pool.queue-timeout=200ms"
})
@DirtiesContext
class RecoveryPacingTest extends RouterIntegrationTest {

  @Autowired
  IntentRegistry registry;

  @Autowired
  IntentStore store;

  @AfterEach
  void alphaBack() {
    TestEnvironment.simulator("alpha").update(SimulatorBehaviour.reliable());
  }

  @Test
  void aCallerThatGoesAwayMidClaimLeavesNoSlotBehindAndTheIntentIsStillTakenUp() {
    String id = leftInFlightByADeadNode();
    int before = registry.active();

    // Subscribed and cancelled at once: the claim is still on its way to the database.
    Disposable caller = registry.recover(id, IntentProcess.Recovery.RECONCILE_NOW).subscribe();
    caller.dispose();

    // The claim ran to its end: the intent was taken up (its in-flight attempt became unknown: owner_lost)...
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(store.find(id).block(Duration.ofSeconds(5)).intent().attempts().getFirst().errorCode())
            .isEqualTo("owner_lost"));
    // ...and once its process is done, every slot is free again.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(registry.active()).isEqualTo(before));
  }

  @Test
  void pollingAnIntentWhoseOutcomeIsUnknownCostsItsProviderOneStatusQueryPerInterval() {
    // alpha takes the call and never answers (nor charges): the attempt's outcome is unknown.
    TestEnvironment.simulator("alpha").update(SimulatorBehaviour.reliable().withHangRate(1.0)
        .withHangDuration(Duration.ofSeconds(2)));
    IntentClient intents = new IntentClient(client, newMerchant());
    String id = intents.created(IntentClient.body(4_100, "tok_pacing")).get("id").stringValue();
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(intents.get(id).at("/attempts/0/status").stringValue()).isEqualTo("unknown"));
    long queriesBefore = TestEnvironment.simulator("alpha").stats().statusQueries();

    // A merchant polls it twenty times, 50 ms apart.
    for (int i = 0; i < 20; i++) {
      assertThat(intents.get(id).get("status").stringValue()).isEqualTo("processing");
      sleep(50);
    }

    // The first GET may ask alpha; the others answer what is stored.
    assertThat(TestEnvironment.simulator("alpha").stats().statusQueries() - queriesBefore).isLessThanOrEqualTo(1);
  }

  private String leftInFlightByADeadNode() {
    String merchantId = "m_pacing_" + UUID.randomUUID();
    String key = ApiKeys.generate(new SplittableRandom());
    merchants.ensureMerchant(new Merchant(merchantId, "pacing"))
        .then(merchants.addKey(merchantId, ApiKeys.hash(key), ApiKeys.displayPrefix(key)))
        .block(Duration.ofSeconds(10));
    String id = "pi_" + IntentsForTests.nextId();
    Instant now = Instant.now();
    IntentCommand.Create create = new IntentCommand.Create(id, merchantId, new Money(2_000, "EUR"),
        new PaymentMethod("card", "tok_visa", null), null, Map.of(), now.plus(Duration.ofMinutes(15)),
        new RouteOptions(List.of("alpha", "beta", "gamma"), 3), now);
    List<IntentEvent> events = ((Decision.Accepted) IntentTransitions.decide(IntentState.NONE, create)).events();
    PaymentIntent intent = IntentTransitions.evolveAll(IntentState.NONE, events);
    store.insert(intent, events, "dead-" + id, "hash-" + id,
        new Ownership("dead-node", now.minusSeconds(1), now.plus(Duration.ofHours(1)), 0))
        .block(Duration.ofSeconds(5));
    return id;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
