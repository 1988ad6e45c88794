package dev.paymentrouter.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paymentrouter.intent.domain.CaptureMethod;
import dev.paymentrouter.intent.domain.Decision;
import dev.paymentrouter.intent.domain.IntentCommand;
import dev.paymentrouter.intent.domain.IntentEvent;
import dev.paymentrouter.intent.domain.IntentState;
import dev.paymentrouter.intent.domain.IntentTransitions;
import dev.paymentrouter.intent.domain.Modification;
import dev.paymentrouter.intent.domain.Money;
import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.intent.domain.PaymentMethod;
import dev.paymentrouter.intent.domain.RouteOptions;
import dev.paymentrouter.intent.runtime.IntentStore.Ownership;
import dev.paymentrouter.intent.runtime.IntentStore;
import dev.paymentrouter.intent.runtime.RecoveryProperties;
import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.ModificationRequest;
import dev.paymentrouter.provider.runtime.ProviderDirectory;
import dev.paymentrouter.testsupport.DeadNode;
import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import dev.paymentrouter.testsupport.TestEnvironment;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A payment's life after its charge survives its owner: a refund a dead node left in flight is asked about at the
 * provider that holds the payment and moves money once, whether or not the dead node's request got there; an
 * authorization nobody captured is released at its provider once its validity is over. The dead node's state is
 * written straight into the database, as a node that died after its commit would have left it.
 */
@TestPropertySource(properties = {
    "payment-router.recovery.scan-interval=100ms",
    "payment-router.recovery.settle-time=1s",
    "payment-router.providers.alpha.pool.call-timeout=500ms",
    "payment-router.providers.alpha.pool.queue-timeout=300ms",
    "payment-router.providers.beta.pool.call-timeout=500ms",
    "payment-router.providers.beta.pool.queue-timeout=300ms",
    "payment-router.providers.gamma.pool.call-timeout=500ms",
    "payment-router.providers.gamma.pool.queue-timeout=300ms",
    "payment-router.recovery.reconcile-delays=200ms,200ms,200ms",
    "payment-router.providers.alpha.authorization-validity=2s"
})
@DirtiesContext
class LifecycleRecoveryTest extends RouterIntegrationTest {

  static final Duration SETTLES = Duration.ofSeconds(20);

  @Autowired
  IntentStore store;

  @Autowired
  ProviderDirectory providers;

  @Autowired
  RecoveryProperties recovery;

  IntentClient intents;
  String merchantId;

  @BeforeEach
  void merchant() {
    merchantId = "m_lifecycle_" + UUID.randomUUID();
    intents = new IntentClient(client, newMerchant(merchantId));
  }

  @Test
  void aRefundLeftInFlightThatNeverReachedTheProviderIsMadeOnce() {
    String id = paidAtAlpha(1_000);
    leaveRefundInFlight(id, "re_lost_" + UUID.randomUUID().toString().replace("-", ""), 300);

    await().atMost(SETTLES).untilAsserted(() ->
        assertThat(intents.get(id).at("/refunds/0/status").stringValue()).isEqualTo("succeeded"));
    assertThat(intents.get(id).path("amountRefunded").longValue()).isEqualTo(300);
    assertThat(TestEnvironment.simulator("alpha").ledger().refundedFor(id + "_1")).isEqualTo(300);
  }

  @Test
  void aRefundLeftInFlightThatTheProviderMadeIsFoundNotMadeAgain() {
    String id = paidAtAlpha(1_000);
    String refundId = "re_made_" + UUID.randomUUID().toString().replace("-", "");
    Modification refund = leaveRefundInFlight(id, refundId, 300);
    // The dead node's request reached alpha and refunded; its answer died with the node.
    PaymentIntent intent = store.find(id).block(Duration.ofSeconds(5)).intent();
    ModificationOutcome made = providers.modify(new ModificationRequest(ModificationRequest.Kind.REFUND, id, "alpha",
        refund.idempotencyKey(), intent.approvedAttempt().orElseThrow().providerReference(), id + "_1", 300, "EUR",
        null)).block(Duration.ofSeconds(5));
    assertThat(made).isInstanceOf(ModificationOutcome.Succeeded.class);

    await().atMost(SETTLES).untilAsserted(() ->
        assertThat(intents.get(id).at("/refunds/0/status").stringValue()).isEqualTo("succeeded"));
    assertThat(TestEnvironment.simulator("alpha").ledger().refundedFor(id + "_1")).isEqualTo(300);
  }

  @Test
  void anAuthorizationNotCapturedWithinItsValidityIsReleasedAtItsProvider() {
    JsonNode authorized = intents.created(manual(IntentClient.body(1_000, "tok_visa")));
    String id = authorized.path("id").stringValue();
    assertThat(authorized.path("status").stringValue()).isEqualTo("requires_capture");

    await().atMost(SETTLES).untilAsserted(() ->
        assertThat(intents.get(id).path("status").stringValue()).isEqualTo("canceled"));
    assertThat(TestEnvironment.simulator("alpha").ledger().capturedFor(id + "_1")).isZero();
    assertThat(TestEnvironment.simulator("alpha").ledger().voidedFor(id + "_1")).isEqualTo(1_000);
    assertThat(intents.get(id).path("amountCapturable").longValue()).isZero();
  }

  @Test
  void anAuthorizationWhoseOwnerDiedInFlightIsRetriedAsAnAuthorizationNotACharge() {
    String id = "pi_" + IntentsForTests.nextId();
    Instant now = Instant.now();
    IntentCommand.Create create = new IntentCommand.Create(id, merchantId, new Money(1_000, "EUR"),
        new PaymentMethod("card", "tok_visa", null), null, Map.of(), now.plus(Duration.ofMinutes(15)),
        new RouteOptions(List.of("alpha"), 1), CaptureMethod.MANUAL, now);
    List<IntentEvent> events = ((Decision.Accepted) IntentTransitions.decide(IntentState.NONE, create)).events();
    store.insert(IntentTransitions.evolveAll(IntentState.NONE, events), events, "dead-" + id, "hash-" + id,
        DeadNode.ownership(now.minusSeconds(1), null)).block(Duration.ofSeconds(5));

    // Recovery finds the lost attempt never reached alpha and fails over: an authorization, held, not a charge.
    await().atMost(SETTLES).untilAsserted(() ->
        assertThat(intents.get(id).path("status").stringValue()).isEqualTo("requires_capture"));
    assertThat(TestEnvironment.simulator("alpha").ledger().byReference(id + "_1")).isEmpty();
    String held = intents.get(id).at("/attempts/1/provider").stringValue();
    assertThat(TestEnvironment.simulator(held).ledger().byReference(id + "_2"))
        .hasValueSatisfying(charge -> assertThat(charge.authorized()).isTrue());
    assertThat(TestEnvironment.simulator(held).ledger().capturedFor(id + "_2")).isZero();
  }

  /** An intent of {@code amount} charged at alpha, as its owner left it. */
  private String paidAtAlpha(long amount) {
    JsonNode paid = intents.created(IntentClient.body(amount, "tok_visa"));
    assertThat(paid.path("status").stringValue()).isEqualTo("succeeded");
    assertThat(paid.at("/attempts/0/provider").stringValue()).isEqualTo("alpha");
    return paid.path("id").stringValue();
  }

  /** What a node that committed a refund's start, then died before its answer, leaves behind; its lease is over. */
  private Modification leaveRefundInFlight(String id, String refundId, long amount) {
    IntentStore.StoredIntent stored = store.find(id).block(Duration.ofSeconds(5));
    Instant now = Instant.now();
    List<IntentEvent> events = ((Decision.Accepted) IntentTransitions.decide(stored.intent(),
        new IntentCommand.Refund(refundId, amount, null, now))).events();
    PaymentIntent after = IntentTransitions.evolveAll(stored.intent(), events);
    store.append(stored.intent(), after, stored.version(), events,
        new Ownership(recovery.nodeId(), now.minusSeconds(1), now.minusSeconds(1), 0)).block(Duration.ofSeconds(5));
    return after.modification(refundId).orElseThrow();
  }

  private static String manual(String body) {
    return body.substring(0, body.lastIndexOf('}')) + ", \"captureMethod\": \"manual\"}";
  }
}
