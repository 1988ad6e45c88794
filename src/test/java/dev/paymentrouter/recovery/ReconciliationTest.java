package dev.paymentrouter.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paymentrouter.simulator.ProviderSimulator;
import dev.paymentrouter.simulator.SimulatorBehaviour;
import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import dev.paymentrouter.testsupport.TestEnvironment;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Unknown outcomes are settled with the same provider before anything else happens: a lost response turns out
 * charged, a timeout turns out not charged and only then the next provider is tried, and a provider that cannot say
 * leaves the intent unresolved for an operator, who re-drives it once the provider is back.
 */
@TestPropertySource(properties = {
    "payment-router.recovery.settle-time=1500ms",
    "payment-router.recovery.reconcile-delays=200ms,200ms,200ms",
    "payment-router.recovery.scan-interval=100ms",
    "payment-router.providers.alpha.pool.call-timeout=500ms",
    "payment-router.providers.beta.pool.call-timeout=500ms",
    "payment-router.providers.gamma.pool.call-timeout=500ms",
    "payment-router.providers.alpha.pool.queue-timeout=500ms",
    "payment-router.providers.beta.pool.queue-timeout=500ms",
    "payment-router.providers.gamma.pool.queue-timeout=500ms"
})
@DirtiesContext
class ReconciliationTest extends RouterIntegrationTest {

  static final Duration SETTLES = Duration.ofSeconds(20);

  @AfterEach
  void alphaBack() {
    ProviderSimulator alpha = TestEnvironment.simulator("alpha");
    alpha.restart();
    alpha.update(SimulatorBehaviour.reliable());
  }

  @Test
  void aLostResponseIsFoundChargedAndSucceedsWithoutAnotherCharge() {
    IntentClient intents = new IntentClient(client, newMerchant());
    JsonNode created = intents.created(IntentClient.body(1_100, "tok_lost_response"));
    String id = created.get("id").stringValue();
    assertThat(created.get("status").stringValue()).isEqualTo("processing");
    assertThat(created.at("/attempts/0/status").stringValue()).isEqualTo("unknown");

    await().atMost(SETTLES).untilAsserted(() ->
        assertThat(intents.get(id).get("status").stringValue()).isEqualTo("succeeded"));

    JsonNode settled = intents.get(id);
    assertThat(settled.get("attempts").size()).isEqualTo(1);
    assertThat(settled.at("/attempts/0/status").stringValue()).isEqualTo("approved");
    assertThat(settled.at("/attempts/0/errorCode").stringValue()).isEqualTo("timeout");
    assertThat(TestEnvironment.simulator("alpha").ledger().approvedCountFor(id + "_1")).isEqualTo(1);
    for (String other : new String[] {"beta", "gamma"}) {
      assertThat(TestEnvironment.simulator(other).ledger().byReference(id + "_2")).isEmpty();
    }
  }

  @Test
  void aTimeoutTriesNoOtherProviderUntilTheFirstConfirmsItChargedNothing() {
    // alpha takes the request and never answers (and never charges); beta is healthy.
    TestEnvironment.simulator("alpha").update(SimulatorBehaviour.reliable().withHangRate(1.0)
        .withHangDuration(Duration.ofSeconds(3)));
    IntentClient intents = new IntentClient(client, newMerchant());
    JsonNode created = intents.created(IntentClient.body(1_200, "tok_chaos"));
    String id = created.get("id").stringValue();
    assertThat(created.at("/attempts/0/status").stringValue()).isEqualTo("unknown");

    // Until alpha has had time to settle, beta hears nothing of this intent.
    JsonNode early = intents.get(id);
    assertThat(early.get("attempts").size()).isEqualTo(1);
    assertThat(TestEnvironment.simulator("beta").ledger().byReference(id + "_2")).isEmpty();

    await().atMost(SETTLES).untilAsserted(() ->
        assertThat(intents.get(id).get("status").stringValue()).isEqualTo("succeeded"));
    JsonNode settled = intents.get(id);
    assertThat(settled.at("/attempts/0/provider").stringValue()).isEqualTo("alpha");
    assertThat(settled.at("/attempts/0/status").stringValue()).isEqualTo("not_charged");
    assertThat(settled.at("/attempts/1/provider").stringValue()).isEqualTo("beta");
    assertThat(settled.at("/attempts/1/status").stringValue()).isEqualTo("approved");
    // beta was called only after alpha's answer: its charge is later than alpha's settle time.
    var betaCharge = TestEnvironment.simulator("beta").ledger().byReference(id + "_2").orElseThrow();
    assertThat(betaCharge.createdAt()).isAfter(java.time.Instant.parse(settled.at("/attempts/0/createdAt")
        .stringValue()).plusMillis(1_500));
    assertThat(TestEnvironment.simulator("alpha").ledger().byReference(id + "_1")).isEmpty();
  }

  @Test
  void anIntentThatCannotBeReconciledIsUnresolvedUntilAnOperatorRedrivesIt() {
    IntentClient intents = new IntentClient(client, newMerchant());
    TestEnvironment.simulator("alpha").update(SimulatorBehaviour.reliable().withHangRate(1.0)
        .withHangDuration(Duration.ofSeconds(2)));
    JsonNode created = intents.created(IntentClient.body(1_300, "tok_chaos"));
    String id = created.get("id").stringValue();
    // alpha disappears: its status queries fail until the schedule (three checks) is used up.
    TestEnvironment.simulator("alpha").close();

    await().atMost(SETTLES).untilAsserted(() ->
        assertThat(intents.get(id).get("unresolvedReason").stringValue()).isEqualTo("reconciliation_exhausted"));
    JsonNode unresolved = intents.get(id);
    assertThat(unresolved.get("status").stringValue()).isEqualTo("processing");
    assertThat(unresolved.get("attempts").size()).isEqualTo(1);

    // Operators see it in health, in metrics and at the intents endpoint.
    await().atMost(SETTLES).untilAsserted(() -> operator.get().uri("/actuator/health").exchange()
        .expectBody().jsonPath("$.components.intents.status").isEqualTo("DEGRADED"));
    operator.get().uri("/actuator/intents").exchange()
        .expectStatus().isOk()
        .expectBody().jsonPath("$.intents[?(@.id == '" + id + "')].reason").isEqualTo("reconciliation_exhausted");
    management.get().uri("/actuator/prometheus").exchange().expectBody(String.class)
        .value(body -> assertThat(body).containsPattern("(?m)^payment_router_intents_unresolved(\\{[^}]*})? [1-9]"));

    // alpha is back. Nobody but an operator may re-drive: a merchant's key or no token changes nothing.
    TestEnvironment.simulator("alpha").restart();
    TestEnvironment.simulator("alpha").update(SimulatorBehaviour.reliable());
    management.post().uri("/actuator/intents/" + id).exchange().expectStatus().isUnauthorized();
    management.post().uri("/actuator/intents/" + id).header("Authorization", "Bearer " + newMerchant()).exchange()
        .expectStatus().isUnauthorized();
    assertThat(intents.get(id).get("unresolvedReason").stringValue()).isEqualTo("reconciliation_exhausted");

    // The operator re-drives; alpha says it never charged, so beta takes the payment.
    operator.post().uri("/actuator/intents/" + id).exchange().expectStatus().isOk()
        .expectBody().jsonPath("$.operator").isEqualTo(OPERATOR);
    await().atMost(SETTLES).untilAsserted(() ->
        assertThat(intents.get(id).get("status").stringValue()).isEqualTo("succeeded"));
    JsonNode settled = intents.get(id);
    assertThat(settled.get("unresolvedReason").isNull()).isTrue();
    assertThat(settled.at("/attempts/0/status").stringValue()).isEqualTo("not_charged");
    assertThat(settled.at("/attempts/1/status").stringValue()).isEqualTo("approved");
    // The intent's trail says who re-drove it.
    assertThat(eventsOf(id, "intent_redriven")).containsExactly("{\"operator\": \"" + OPERATOR + "\"}");
    // And the operators' trail too.
    assertThat(db.sql("select operator from operator_actions where action = 'redrive' and target = :id")
        .bind("id", id).map(row -> row.get("operator", String.class)).all().collectList()
        .block(Duration.ofSeconds(5))).containsExactly(OPERATOR);
  }

  @Test
  void aRetryableDeclineCascadesAndAHardOneDoesNot() {
    IntentClient intents = new IntentClient(client, newMerchant());
    JsonNode soft = intents.created(IntentClient.body(1_400, "tok_issuer_unavailable"));
    assertThat(soft.get("status").stringValue()).isEqualTo("failed");
    assertThat(soft.get("failureCode").stringValue()).isEqualTo("issuer_unavailable");
    assertThat(soft.get("attempts").size()).isEqualTo(3);
    assertThat(soft.at("/attempts/1/provider").stringValue()).isEqualTo("beta");
    assertThat(soft.at("/attempts/2/provider").stringValue()).isEqualTo("gamma");

    JsonNode hard = intents.created(IntentClient.body(1_500, "tok_insufficient_funds"));
    String id = hard.get("id").stringValue();
    assertThat(hard.get("status").stringValue()).isEqualTo("failed");
    assertThat(hard.get("attempts").size()).isEqualTo(1);
    assertThat(TestEnvironment.simulator("beta").ledger().byReference(id + "_2")).isEmpty();
  }

  /** The payloads of an intent's events of one type, oldest first, as PostgreSQL prints them. */
  private List<String> eventsOf(String intentId, String type) {
    return db.sql("select payload::text as payload from intent_events where intent_id = :id and type = :type "
            + "order by sequence")
        .bind("id", intentId)
        .bind("type", type)
        .map(row -> row.get("payload", String.class))
        .all()
        .collectList()
        .block(Duration.ofSeconds(10));
  }
}
