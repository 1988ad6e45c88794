package dev.paymentrouter.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paymentrouter.intent.runtime.IntentRegistry;
import dev.paymentrouter.intent.runtime.IntentStore;
import dev.paymentrouter.intent.runtime.Recovery;
import dev.paymentrouter.simulator.SimulatorBehaviour;
import dev.paymentrouter.testsupport.DeadNode;
import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import dev.paymentrouter.testsupport.TestEnvironment;
import java.time.Duration;
import java.time.Instant;
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
    Disposable caller = registry.recover(id, Recovery.RECONCILE_NOW).subscribe();
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
    newMerchant(merchantId);
    // Its lease ran out, and the sentinel would not look before an hour: only the caller below takes it up.
    return DeadNode.leftInFlight(store, merchantId, "pi_" + IntentsForTests.nextId(), "tok_visa",
        DeadNode.ownership(Instant.now().minusSeconds(1), Instant.now().plus(Duration.ofHours(1))));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
