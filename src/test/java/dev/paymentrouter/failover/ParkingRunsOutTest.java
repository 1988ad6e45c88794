package dev.paymentrouter.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * alpha is the only provider and admits one call a second; an intent may wait 1.5 s for it. Two intents wait for the
 * same next token: one is paid, the other would have to wait for the token after, beyond its 1.5 s, so it fails
 * {@code no_provider_available} instead of waiting longer.
 */
@TestPropertySource(properties = {
    "payment-router.routing.default=alpha",
    "payment-router.providers.alpha.rate-limit.permits-per-second=1",
    "payment-router.providers.alpha.rate-limit.burst=1",
    "payment-router.intents.max-park=1500ms"
})
class ParkingRunsOutTest extends RouterIntegrationTest {

  @Test
  void anIntentStillHeldBackWhenItsMaxParkRunsOutFailsNoProviderAvailable() {
    IntentClient intents = new IntentClient(client, newMerchant());
    // Answers at once (Prefer: wait=0), so that all three are created within the first second.
    String first = id(intents, 300);
    String second = id(intents, 301);
    String third = id(intents, 302);

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Stream.of(first, second, third)
        .map(id -> intents.get(id).get("status").stringValue())).doesNotContain("processing", "pending"));
    assertThat(intents.get(first).get("status").stringValue()).isEqualTo("succeeded");
    List<JsonNode> waited = Stream.of(second, third).map(intents::get).toList();
    assertThat(waited).extracting(intent -> intent.get("status").stringValue())
        .containsExactlyInAnyOrder("succeeded", "failed");
    JsonNode failed = waited.stream().filter(intent -> intent.get("status").stringValue().equals("failed"))
        .findFirst().orElseThrow();
    assertThat(failed.get("failureCode").stringValue()).isEqualTo("no_provider_available");
    assertThat(failed.get("attempts")).allSatisfy(attempt -> {
      assertThat(attempt.get("status").stringValue()).isEqualTo("not_sent");
      assertThat(attempt.get("errorCode").stringValue()).isEqualTo("rate_limited");
    });
    // It did wait before it failed.
    assertThat(db.sql("select count(*) as n from intent_events where intent_id = :id and type = 'intent_parked'")
        .bind("id", failed.get("id").stringValue()).map(row -> row.get("n", Long.class)).one()
        .block(Duration.ofSeconds(10))).isPositive();
  }

  private static String id(IntentClient intents, long amount) {
    byte[] body = intents.create(IntentClient.body(amount, "tok_visa"), "key-" + System.nanoTime(), "wait=0")
        .expectStatus().isCreated().expectBody().returnResult().getResponseBody();
    return IntentClient.read(body).get("id").stringValue();
  }
}
