package dev.paymentrouter.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paymentrouter.intent.runtime.IntentRegistry;
import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * alpha is the only provider and admits one call a second; an intent may wait 1.4 s for it. Two intents wait for the
 * same next token: one is paid, the other would have to wait for the token after, beyond its 1.4 s, so it fails
 * {@code no_provider_available} instead of waiting longer.
 *
 * <p>The timing has margins both ways: the paid one waits under 1 s of its 1.4 s, and the other fails only if it was
 * created within 0.6 s of the first token being taken. A first intent paid before the measured ones warms the path,
 * so that their three creates take tens of milliseconds, not the few hundred of a cold start.
 */
@TestPropertySource(properties = {
    "payment-router.routing.default=alpha",
    "payment-router.providers.alpha.rate-limit.permits-per-second=1",
    "payment-router.providers.alpha.rate-limit.burst=1",
    "payment-router.intents.max-park=1400ms"
})
class ParkingRunsOutTest extends RouterIntegrationTest {

  @Autowired
  IntentRegistry registry;

  @Test
  void anIntentStillHeldBackWhenItsMaxParkRunsOutFailsNoProviderAvailable() throws InterruptedException {
    IntentClient intents = new IntentClient(client, newMerchant());
    String warmUp = id(intents, 299);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(intents.get(warmUp).get("status")
        .stringValue()).isEqualTo("succeeded"));
    // The bucket holds one token again.
    Thread.sleep(1100);
    // Answered at once (Prefer: wait=0), so that all three are created well within 0.6 s of the first token.
    String first = id(intents, 300);
    String second = id(intents, 301);
    String third = id(intents, 302);

    List<String> ids = List.of(first, second, third);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(ids.stream()
        .map(id -> intents.get(id).get("status").stringValue())).as(() -> events(ids))
        .doesNotContain("processing", "pending"));
    assertThat(intents.get(first).get("status").stringValue()).as(() -> events(ids)).isEqualTo("succeeded");
    List<JsonNode> waited = Stream.of(second, third).map(intents::get).toList();
    assertThat(waited).extracting(intent -> intent.get("status").stringValue()).as(() -> events(ids))
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

  /**
   * Each intent's events with the time they happened, and whether this node still runs its process: what a failure
   * here needs to be understood. Computed when a poll fails; a poll that hangs (a GET never answered, as CI once saw)
   * leaves the last one's, so the times say how old it is.
   */
  private String events(List<String> ids) {
    return ids.stream().map(id -> id + ": " + db.sql("select string_agg(type || ' ' || to_char(occurred_at, "
        + "'HH24:MI:SS.MS'), ', ' order by sequence) as events from intent_events where intent_id = :id")
        .bind("id", id).map(row -> row.get("events", String.class)).one().block(Duration.ofSeconds(10))
        + registry.find(id).map(process -> " (process live)").orElse(" (no process)"))
        .collect(Collectors.joining("\n", "events at " + db.sql("select to_char(clock_timestamp(), 'HH24:MI:SS.MS') "
            + "as at").map(row -> row.get("at", String.class)).one().block(Duration.ofSeconds(10)) + ":\n", ""));
  }

  private static String id(IntentClient intents, long amount) {
    byte[] body = intents.create(IntentClient.body(amount, "tok_visa"), "key-" + System.nanoTime(), "wait=0")
        .expectStatus().isCreated().expectBody().returnResult().getResponseBody();
    return IntentClient.read(body).get("id").stringValue();
  }
}
