package dev.paymentrouter.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paymentrouter.intent.runtime.IntentRegistry;
import dev.paymentrouter.simulator.SimulatorBehaviour;
import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import dev.paymentrouter.testsupport.TestEnvironment;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * A merchant may hold only its share of the node's active intents: past it, its new payments get 429 with
 * Retry-After and nothing is stored, while other merchants' payments are still taken.
 */
@TestPropertySource(properties = {
    "payment-router.intents.max-active=4",
    "payment-router.intents.merchant-share=0.5"
})
@DirtiesContext
class MerchantShareTest extends RouterIntegrationTest {

  @Autowired
  IntentRegistry registry;

  @AfterEach
  void alphaBack() {
    TestEnvironment.simulator("alpha").update(SimulatorBehaviour.reliable());
  }

  @Test
  void aMerchantBeyondItsShareGets429WhileOthersAreStillServed() {
    TestEnvironment.simulator("alpha").update(SimulatorBehaviour.reliable().withLatencyMs(1_500));
    String busyKey = newMerchant();
    IntentClient busy = new IntentClient(client, busyKey);
    IntentClient other = new IntentClient(client, newMerchant());

    // Two of the node's four slots are this merchant's share.
    for (int i = 0; i < 2; i++) {
      busy.create(IntentClient.body(1_000 + i, "tok_visa"), "share-" + i + "-" + System.nanoTime(), "wait=0")
          .expectStatus().isCreated();
    }
    busy.create(IntentClient.body(1_002, "tok_visa"), "share-refused-" + System.nanoTime(), "wait=0")
        .expectStatus().isEqualTo(429)
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "1")
        .expectBody().jsonPath("$.code").isEqualTo("too_many_active_intents");
    assertThat(countIntentsOf(busyKey)).isEqualTo(2);

    // Another merchant still finds room.
    other.create(IntentClient.body(2_000, "tok_visa"), "other-" + System.nanoTime(), "wait=0")
        .expectStatus().isCreated();

    // Once the first merchant's payments are done, its share is free again.
    await().atMost(Duration.ofSeconds(15)).until(() -> registry.active() == 0);
    busy.create(IntentClient.body(1_003, "tok_visa"), "share-again-" + System.nanoTime(), "wait=0")
        .expectStatus().isCreated();
  }
}
