package dev.paymentrouter.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paymentrouter.provider.runtime.ProviderDirectory;
import dev.paymentrouter.provider.runtime.ProviderSupervisor;
import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import dev.paymentrouter.testsupport.TestEnvironment;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * alpha is the only provider and admits one call a second. An intent that finds its bucket empty is not failed: it
 * waits for the next token (its process sets itself a timer) and is paid by alpha with a new attempt. A create whose
 * every candidate has its circuit open is still refused at once, with nothing stored.
 */
@TestPropertySource(properties = {
    "payment-router.routing.default=alpha",
    "payment-router.providers.alpha.rate-limit.permits-per-second=1",
    "payment-router.providers.alpha.rate-limit.burst=1",
    "payment-router.intents.max-park=5s"
})
class RouterRefusalParkingTest extends RouterIntegrationTest {

  @Autowired
  ProviderDirectory providers;

  @Autowired
  MeterRegistry meters;

  @Test
  void anIntentWhoseOnlyProviderIsRateLimitedByTheRouterWaitsForTheBucketAndIsPaid() {
    IntentClient intents = new IntentClient(client, newMerchant());
    double parksBefore = meters.counter("payment_router.intents.parks").count();

    // The first intent takes alpha's only token; the second finds the bucket empty.
    JsonNode first = intents.created(IntentClient.body(100, "tok_visa"));
    JsonNode second = intents.created(IntentClient.body(101, "tok_visa"));
    String id = second.get("id").stringValue();

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(intents.get(id).get("status").stringValue()).isEqualTo("succeeded"));
    assertThat(first.get("status").stringValue()).isEqualTo("succeeded");
    JsonNode paid = intents.get(id);
    assertThat(paid.get("attempts").size()).isEqualTo(2);
    // The refused attempt shows the router's reason, as before; the provider never saw it.
    assertThat(paid.at("/attempts/0/provider").stringValue()).isEqualTo("alpha");
    assertThat(paid.at("/attempts/0/status").stringValue()).isEqualTo("not_sent");
    assertThat(paid.at("/attempts/0/errorCode").stringValue()).isEqualTo("rate_limited");
    assertThat(TestEnvironment.simulator("alpha").ledger().byReference(id + "_1")).isEmpty();
    // The same provider, a new attempt and key, once the bucket had refilled.
    assertThat(paid.at("/attempts/1/provider").stringValue()).isEqualTo("alpha");
    assertThat(paid.at("/attempts/1/status").stringValue()).isEqualTo("approved");
    assertThat(TestEnvironment.simulator("alpha").ledger().approvedCountFor(id + "_2")).isEqualTo(1);
    assertThat(eventTypes(id)).containsSubsequence("attempt_not_sent", "intent_parked", "intent_retried",
        "attempt_started", "attempt_approved", "intent_succeeded");
    assertThat(meters.counter("payment_router.intents.parks").count()).isGreaterThan(parksBefore);
    assertThat(meters.get("payment_router.intents.park_wait").tag("outcome", "served").timer().count())
        .isPositive();
  }

  @Test
  void aCreateWhoseEveryCandidateHasItsCircuitOpenIsRefusedAtOnceWithNothingStored() {
    String key = newMerchant();
    IntentClient intents = new IntentClient(client, key);
    long storedBefore = count("payment_intents");
    try {
      providers.all().forEach(supervisor -> supervisor.gatekeeper().circuitBreaker().transitionToOpenState());

      intents.create(IntentClient.body(200, "tok_visa")).expectStatus().isEqualTo(503)
          .expectBody().jsonPath("$.code").isEqualTo("no_provider_available");

      assertThat(count("payment_intents")).isEqualTo(storedBefore);
    } finally {
      providers.all().stream().map(ProviderSupervisor::gatekeeper)
          .forEach(gatekeeper -> gatekeeper.circuitBreaker().transitionToClosedState());
    }
  }

  private List<String> eventTypes(String intentId) {
    return db.sql("select type from intent_events where intent_id = :id order by sequence")
        .bind("id", intentId)
        .map(row -> row.get("type", String.class))
        .all()
        .collectList()
        .block(Duration.ofSeconds(10));
  }
}
