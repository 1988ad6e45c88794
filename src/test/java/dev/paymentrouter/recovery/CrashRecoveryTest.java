package dev.paymentrouter.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.paymentrouter.intent.domain.IntentEvent;
import dev.paymentrouter.intent.domain.IntentTransitions;
import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.intent.runtime.IntentStore;
import dev.paymentrouter.intent.runtime.IntentStore.Ownership;
import dev.paymentrouter.testsupport.DeadNode;
import dev.paymentrouter.intent.domain.Decision;
import dev.paymentrouter.intent.domain.IntentCommand;
import dev.paymentrouter.intent.domain.RouteOptions;
import java.util.Map;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.provider.domain.RouterRefusal;
import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import dev.paymentrouter.testsupport.TestEnvironment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Intents whose owner died with a call in flight are taken over once the owner's lease runs out, treated as
 * unknown, and reconciled with the same provider before anything else happens. The dead owner's state is written
 * straight into the database, as a node that died after its commit would have left it.
 */
@TestPropertySource(properties = {
    "payment-router.recovery.settle-time=1s",
    "payment-router.recovery.reconcile-delays=200ms,200ms,200ms",
    "payment-router.recovery.scan-interval=100ms",
    "payment-router.recovery.lease=2s",
    "payment-router.providers.alpha.pool.call-timeout=500ms",
    "payment-router.providers.alpha.pool.queue-timeout=300ms",
    "payment-router.providers.beta.pool.call-timeout=500ms",
    "payment-router.providers.beta.pool.queue-timeout=300ms",
    "payment-router.providers.gamma.pool.call-timeout=500ms",
    "payment-router.providers.gamma.pool.queue-timeout=300ms"
})
@DirtiesContext
class CrashRecoveryTest extends RouterIntegrationTest {

  static final Duration SETTLES = Duration.ofSeconds(20);

  @Autowired
  IntentStore store;

  String merchantId;
  IntentClient intents;

  @BeforeEach
  void merchant() {
    merchantId = "m_crash_" + UUID.randomUUID();
    intents = new IntentClient(client, newMerchant(merchantId));
  }

  @Test
  void anIntentWhoseOwnerDiedBeforeTheCallLeftIsFoundNotChargedAndPaidElsewhere() {
    String id = leftInFlightByADeadNode(Instant.now().minusSeconds(1));

    await().atMost(SETTLES).untilAsserted(() ->
        assertThat(intents.get(id).get("status").stringValue()).isEqualTo("succeeded"));
    JsonNode settled = intents.get(id);
    assertThat(settled.at("/attempts/0/provider").stringValue()).isEqualTo("alpha");
    assertThat(settled.at("/attempts/0/status").stringValue()).isEqualTo("not_charged");
    assertThat(settled.at("/attempts/0/errorCode").stringValue()).isEqualTo("owner_lost");
    assertThat(settled.at("/attempts/1/provider").stringValue()).isEqualTo("beta");
    assertThat(settled.at("/attempts/1/status").stringValue()).isEqualTo("approved");
    assertThat(TestEnvironment.simulator("alpha").ledger().byReference(id + "_1")).isEmpty();
    assertThat(TestEnvironment.simulator("beta").ledger().approvedCountFor(id + "_2")).isEqualTo(1);
  }

  @Test
  void anIntentWhoseOwnerDiedAfterTheProviderChargedSucceedsWithoutASecondCharge() throws Exception {
    String id = "pi_" + IntentsForTests.nextId();
    // The dead node's request reached alpha and charged; its answer died with the node.
    chargeDirectly("alpha", id + "_1");
    leftInFlightByADeadNode(id, Instant.now().minusSeconds(1));

    await().atMost(SETTLES).untilAsserted(() ->
        assertThat(intents.get(id).get("status").stringValue()).isEqualTo("succeeded"));
    JsonNode settled = intents.get(id);
    assertThat(settled.get("attempts").size()).isEqualTo(1);
    assertThat(settled.at("/attempts/0/status").stringValue()).isEqualTo("approved");
    assertThat(TestEnvironment.simulator("alpha").ledger().approvedCountFor(id + "_1")).isEqualTo(1);
    assertThat(TestEnvironment.simulator("beta").ledger().byReference(id + "_2")).isEmpty();
  }

  @Test
  void anIntentStillLeasedByItsOwnerIsLeftAloneUntilTheLeaseRunsOut() {
    Instant leaseEnd = Instant.now().plusSeconds(2);
    String id = leftInFlightByADeadNode(leaseEnd);

    // While the lease holds, nobody touches it.
    await().during(Duration.ofMillis(1_200)).atMost(Duration.ofSeconds(2)).untilAsserted(() ->
        assertThat(intents.get(id).at("/attempts/0/status").stringValue()).isEqualTo("in_flight"));
    // Then it is taken over and settled.
    await().atMost(SETTLES).untilAsserted(() ->
        assertThat(intents.get(id).get("status").stringValue()).isEqualTo("succeeded"));
  }

  @Test
  void aParkedIntentWhoseOwnerDiedIsRetriedOnceItsLeaseRunsOut() {
    String id = "pi_" + IntentsForTests.nextId();
    Instant leaseEnd = Instant.now().plusSeconds(1);
    // The dead node's router refused alpha (its bucket was empty) and parked the intent for a second.
    leftParkedByADeadNode(id, leaseEnd);
    assertThat(store.find(id).block(Duration.ofSeconds(5)).intent().isParked()).isTrue();

    // The owner's timer died with it; once the lease has run out, the sentinel takes the intent and tries again.
    await().atMost(SETTLES).untilAsserted(() ->
        assertThat(intents.get(id).get("status").stringValue()).isEqualTo("succeeded"));
    JsonNode settled = intents.get(id);
    assertThat(settled.at("/attempts/0/status").stringValue()).isEqualTo("not_sent");
    assertThat(settled.at("/attempts/0/errorCode").stringValue()).isEqualTo("rate_limited");
    // The refused provider is asked again with a new attempt and key: nothing was sent the first time.
    assertThat(settled.at("/attempts/1/provider").stringValue()).isEqualTo("alpha");
    assertThat(settled.at("/attempts/1/status").stringValue()).isEqualTo("approved");
    assertThat(TestEnvironment.simulator("alpha").ledger().byReference(id + "_1")).isEmpty();
    assertThat(TestEnvironment.simulator("alpha").ledger().approvedCountFor(id + "_2")).isEqualTo(1);
  }

  @Test
  void aFormerOwnerCannotWriteOnceAnotherNodeTookTheIntentOver() {
    String id = leftInFlightByADeadNode(Instant.now().plusSeconds(60));
    IntentStore.StoredIntent stored = store.find(id).block(Duration.ofSeconds(5));
    Instant now = Instant.now();
    // Another node claims only after the lease ran out...
    assertThat(store.claim(id, "node-b", now.plusSeconds(30), now).blockOptional(Duration.ofSeconds(5)))
        .isEmpty();
    assertThat(store.claim(id, "node-b", now.plusSeconds(90), now.plusSeconds(61)).block(Duration.ofSeconds(5)))
        .isNotNull();
    // ...and from then on the former owner's writes fail, whatever it believes.
    PaymentIntent before = stored.intent();
    List<IntentEvent> late = List.of(new IntentEvent.AttemptApproved(1, "ch_late", now),
        new IntentEvent.IntentSucceeded(now));
    assertThatThrownBy(() -> store.append(before, IntentTransitions.evolveAll(before, late), stored.version(), late,
            new Ownership("dead-node", now.plusSeconds(30), null, 0)).block(Duration.ofSeconds(5)))
        .isInstanceOf(IntentStore.ConcurrentUpdateException.class);
  }

  private String leftInFlightByADeadNode(Instant leaseUntil) {
    return leftInFlightByADeadNode("pi_" + IntentsForTests.nextId(), leaseUntil);
  }

  /** What a node that committed an intent with its first attempt, and then died, leaves in the database. */
  private String leftInFlightByADeadNode(String id, Instant leaseUntil) {
    return DeadNode.leftInFlight(store, merchantId, id, "tok_visa", DeadNode.ownership(leaseUntil, null));
  }

  /** What a node leaves that parked an intent after its router refused alpha, and then died. */
  private void leftParkedByADeadNode(String id, Instant leaseUntil) {
    leftInFlightByADeadNode(id, leaseUntil);
    IntentStore.StoredIntent stored = store.find(id).block(Duration.ofSeconds(5));
    Instant now = Instant.now();
    RouteOptions held = new RouteOptions(List.of("alpha", "beta", "gamma"), 3).withParking(
        Map.of("alpha", now.plusSeconds(1), "beta", now.plusSeconds(1), "gamma", now.plusSeconds(1)),
        Duration.ofSeconds(30));
    List<IntentEvent> parked = ((Decision.Accepted) IntentTransitions.decide(stored.intent(),
        new IntentCommand.RecordOutcome(1, new ProviderOutcome.RouterRefused(RouterRefusal.RATE_LIMITED), held,
            now))).events();
    assertThat(parked).last().isInstanceOf(IntentEvent.IntentParked.class);
    store.append(stored.intent(), IntentTransitions.evolveAll(stored.intent(), parked), stored.version(), parked,
        new Ownership("dead-node", leaseUntil, null, 0)).block(Duration.ofSeconds(5));
  }

  private static void chargeDirectly(String provider, String attemptKey) throws Exception {
    HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(
            URI.create(TestEnvironment.simulator(provider).baseUrl() + "/v1/charges"))
        .header("Idempotency-Key", attemptKey)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"amount\": 2000, \"currency\": \"EUR\", \"token\": "
            + "\"tok_visa\", \"reference\": \"" + attemptKey + "\"}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(201);
  }
}
