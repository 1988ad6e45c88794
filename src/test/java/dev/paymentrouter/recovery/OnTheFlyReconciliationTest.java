package dev.paymentrouter.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paymentrouter.simulator.SimulatorBehaviour;
import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import dev.paymentrouter.testsupport.TestEnvironment;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * With the sentinel's schedule an hour away, only a GET can settle an unknown outcome: it asks the provider on the
 * spot. And an intent whose deadline passed before a charge is proven absent fails instead of trying again.
 */
@TestPropertySource(properties = {
    "payment-router.recovery.settle-time=1s",
    "payment-router.recovery.reconcile-delays=1h",
    "payment-router.intents.deadline=2s",
    "payment-router.recovery.status-query-interval=1s",
    "payment-router.providers.alpha.pool.call-timeout=300ms",
    "payment-router.providers.beta.pool.call-timeout=500ms",
    "payment-router.providers.gamma.pool.call-timeout=500ms",
    "payment-router.providers.alpha.pool.queue-timeout=300ms",
    "payment-router.providers.beta.pool.queue-timeout=300ms",
    "payment-router.providers.gamma.pool.queue-timeout=300ms"
})
@DirtiesContext
class OnTheFlyReconciliationTest extends RouterIntegrationTest {

  @AfterEach
  void alphaBack() {
    TestEnvironment.simulator("alpha").update(SimulatorBehaviour.reliable());
  }

  @Test
  void aGetSettlesAnUnknownOutcomeOnTheSpot() {
    IntentClient intents = new IntentClient(client, newMerchant());
    String id = intents.created(IntentClient.body(3_100, "tok_lost_response")).get("id").stringValue();

    // Once alpha had time to settle, the next GET finds the charge and answers with the final state.
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
      JsonNode answer = intents.get(id);
      assertThat(answer.get("status").stringValue()).isEqualTo("succeeded");
      assertThat(answer.at("/attempts/0/status").stringValue()).isEqualTo("approved");
    });
    assertThat(TestEnvironment.simulator("alpha").ledger().approvedCountFor(id + "_1")).isEqualTo(1);
  }

  @Test
  void anIntentPastItsDeadlineFailsOnceNoChargeIsProvenInsteadOfTryingAgain() {
    TestEnvironment.simulator("alpha").update(SimulatorBehaviour.reliable().withHangRate(1.0)
        .withHangDuration(Duration.ofSeconds(1)));
    IntentClient intents = new IntentClient(client, newMerchant());
    String id = intents.created(IntentClient.body(3_200, "tok_chaos")).get("id").stringValue();

    // Nobody asks before the deadline (2 s) has passed; the first GET after it settles the intent.
    await().pollDelay(Duration.ofMillis(2_500)).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertThat(intents.get(id).get("status").stringValue()).isEqualTo("failed"));
    JsonNode failed = intents.get(id);
    assertThat(failed.get("failureCode").stringValue()).isEqualTo("deadline_exceeded");
    assertThat(failed.get("attempts").size()).isEqualTo(1);
    assertThat(failed.at("/attempts/0/status").stringValue()).isEqualTo("not_charged");
    assertThat(TestEnvironment.simulator("beta").ledger().byReference(id + "_2")).isEmpty();
  }
}
