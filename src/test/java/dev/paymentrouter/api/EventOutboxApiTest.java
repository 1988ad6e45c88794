package dev.paymentrouter.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.intent.domain.Decision;
import dev.paymentrouter.intent.domain.IntentCommand;
import dev.paymentrouter.intent.domain.IntentEvent;
import dev.paymentrouter.intent.domain.IntentTransitions;
import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.intent.runtime.IntentStore;
import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * The events a merchant is owed are written with the changes they tell of: a paid intent's creation and success, a
 * manual one's authorization, capture and refunds, each carrying the resource as {@code GET} shows it at that moment;
 * a transition that does not commit leaves no event; events are listed newest first, by type, a page at a time.
 */
class EventOutboxApiTest extends RouterIntegrationTest {

  static final String WAIT = "wait=10";

  @Autowired
  IntentStore store;

  String apiKey;
  IntentClient merchant;

  @BeforeEach
  void merchant() {
    apiKey = newMerchant("m_events_" + UUID.randomUUID());
    merchant = new IntentClient(client, apiKey);
  }

  @Test
  void aPaidIntentTellsOfItsCreationThenItsSuccessWithTheIntentAsItWasThen() {
    JsonNode paid = merchant.created(IntentClient.body(1_000, "tok_visa"));
    String id = paid.path("id").stringValue();

    List<JsonNode> events = eventsOf(id);
    assertThat(events).extracting(event -> event.path("type").stringValue())
        .containsExactly("payment_intent.succeeded", "payment_intent.created");
    assertThat(events.get(1).at("/data/status").stringValue()).isEqualTo("processing");
    assertThat(events.get(0).path("data")).isEqualTo(merchant.get(id));
    assertThat(events.get(0).path("id").stringValue()).startsWith("evt_");
    assertThat(read(client.get().uri("/v1/events/" + events.get(0).path("id").stringValue())
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey).exchange().expectStatus().isOk()))
        .isEqualTo(events.get(0));
  }

  @Test
  void aManualIntentTellsOfItsAuthorizationCaptureAndRefunds() {
    String body = IntentClient.body(1_000, "tok_visa");
    String manual = body.substring(0, body.length() - 1) + ", \"captureMethod\": \"manual\"}";
    JsonNode authorized = read(merchant.create(manual, "k-" + UUID.randomUUID(), WAIT).expectStatus().isCreated());
    String id = authorized.path("id").stringValue();
    post("/v1/payment-intents/" + id + "/capture", "{\"amount\": 600}");
    post("/v1/refunds", "{\"paymentIntent\": \"" + id + "\", \"amount\": 200}");

    assertThat(eventsOf(id)).extracting(event -> event.path("type").stringValue()).containsExactly(
        "refund.succeeded", "refund.created", "payment_intent.succeeded", "payment_intent.requires_capture",
        "payment_intent.created");
    assertThat(eventsOf(id).get(0).at("/data/amount").longValue()).isEqualTo(200);
    assertThat(eventsOf(id).get(2).at("/data/amountReceived").longValue()).isEqualTo(600);
  }

  @Test
  void aTransitionThatDoesNotCommitLeavesNoEvent() {
    String id = merchant.created(IntentClient.body(1_000, "tok_visa")).path("id").stringValue();
    IntentStore.StoredIntent stored = store.find(id).block(Duration.ofSeconds(5));
    int before = eventsOf(id).size();
    // A refund decided against a stale version: the owner guard refuses it, so neither it nor its events exist.
    List<IntentEvent> refund = ((Decision.Accepted) IntentTransitions.decide(
        stored.intent(), new IntentCommand.Refund("re_x", 100, null,
            Instant.now()))).events();
    PaymentIntent after = IntentTransitions.evolveAll(stored.intent(), refund);
    try {
      store.append(stored.intent(), after, stored.version() - 1, refund,
          new IntentStore.Ownership("nobody", Instant.now(), null, 0)).block(Duration.ofSeconds(5));
    } catch (IntentStore.ConcurrentUpdateException expected) {
      // the guard held
    }
    assertThat(eventsOf(id)).hasSize(before);
  }

  @Test
  void eventsAreListedByTypeAPageAtATime() {
    for (int i = 0; i < 3; i++) {
      merchant.created(IntentClient.body(1_000 + i, "tok_visa"));
    }
    JsonNode first = list("type=payment_intent.succeeded&limit=2");
    assertThat(first.path("data")).hasSize(2);
    assertThat(first.path("hasMore").booleanValue()).isTrue();
    JsonNode second = list("type=payment_intent.succeeded&limit=2&startingAfter="
        + first.at("/data/1/id").stringValue());
    assertThat(second.path("data")).hasSize(1);
    assertThat(second.path("hasMore").booleanValue()).isFalse();
    client.get().uri("/v1/events?type=Nope&limit=0").header(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey)
        .exchange().expectStatus().isBadRequest();
  }

  private List<JsonNode> eventsOf(String intentId) {
    List<JsonNode> events = new ArrayList<>();
    for (JsonNode event : list("limit=100").path("data")) {
      String subject = event.at("/data/paymentIntent").isMissingNode() ? event.at("/data/id").stringValue()
          : event.at("/data/paymentIntent").stringValue();
      if (intentId.equals(subject)) {
        events.add(event);
      }
    }
    return events;
  }

  private JsonNode list(String query) {
    return read(client.get().uri("/v1/events?" + query).header(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey)
        .exchange().expectStatus().isOk());
  }

  private void post(String path, String body) {
    client.post().uri(path).header(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey)
        .header("Idempotency-Key", "k-" + UUID.randomUUID()).header("Prefer", WAIT)
        .contentType(MediaType.APPLICATION_JSON).bodyValue(body)
        .exchange().expectStatus().is2xxSuccessful();
  }

  private static JsonNode read(WebTestClient.ResponseSpec response) {
    return IntentClient.read(response.expectBody().returnResult().getResponseBody());
  }
}
