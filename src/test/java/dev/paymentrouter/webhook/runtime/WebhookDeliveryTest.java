package dev.paymentrouter.webhook.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import com.standardwebhooks.Webhook;
import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.webhook.domain.RetrySchedule;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.net.http.HttpHeaders;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The merchants' events reach their endpoints, signed so that the Standard Webhooks reference library verifies every
 * delivery: an intent's events arrive once each (the event id is the webhook id); an endpoint that fails its first
 * tries gets the event on a retry; the delivery log shows the tries; a redelivery sends the event again; an endpoint
 * whose retries run out is disabled; two nodes' workers on one database never send one delivery twice.
 */
@TestPropertySource(properties = {
    "payment-router.local-mode=true",
    // Local mode would open the Stripe-compatible door on its fixed port; these runs are about webhooks.
    "payment-router.stripe-api.enabled=false",
    "payment-router.webhooks.delivery.interval=100ms",
    "payment-router.webhooks.delivery.retries=200ms,200ms,200ms",
    "payment-router.webhooks.delivery.timeout=2s"
})
@DirtiesContext
class WebhookDeliveryTest extends RouterIntegrationTest {

  static final Duration ARRIVES = Duration.ofSeconds(15);

  /** One request the receiver took: its headers and body, and whether it was answered 2xx. */
  record Received(Map<String, String> headers, String body, boolean accepted) {}

  @Autowired
  WebhookEndpoints endpoints;

  @Autowired
  DeliveryStore deliveries;

  @Autowired
  WebhookUrlPolicy urls;

  @Autowired
  JsonMapper json;

  final List<Received> received = new CopyOnWriteArrayList<>();
  final AtomicInteger failFirst = new AtomicInteger();
  DisposableServer receiver;
  String merchantId;
  String apiKey;
  IntentClient merchant;

  @BeforeEach
  void receiver() {
    merchantId = "m_webhooks_" + UUID.randomUUID();
    apiKey = newMerchant(merchantId);
    merchant = new IntentClient(client, apiKey);
    receiver = HttpServer.create().host("127.0.0.1").port(0)
        .handle((request, response) -> request.receive().aggregate().asString(StandardCharsets.UTF_8)
            .defaultIfEmpty("")
            .flatMap(body -> {
              Map<String, String> headers = new HashMap<>();
              request.requestHeaders().forEach(header -> headers.put(header.getKey().toLowerCase(),
                  header.getValue()));
              boolean accept = failFirst.getAndDecrement() <= 0;
              received.add(new Received(headers, body, accept));
              return response.status(accept ? HttpResponseStatus.NO_CONTENT : HttpResponseStatus.SERVICE_UNAVAILABLE)
                  .send().then();
            }))
        .bindNow();
  }

  @AfterEach
  void stopReceiver() {
    receiver.disposeNow();
  }

  @Test
  void anIntentsEventsArriveOnceEachSignedSoThatTheReferenceLibraryVerifiesThem() throws Exception {
    WebhookEndpoints.Created endpoint = register(List.of("*"));
    String id = merchant.created(IntentClient.body(1_000, "tok_visa")).path("id").stringValue();

    await().atMost(ARRIVES).until(() -> received.size() >= 2);
    Webhook verifier = new Webhook(endpoint.secret().text());
    for (Received delivery : received) {
      assertThatCode(() -> verifier.verify(delivery.body(), headers(delivery))).doesNotThrowAnyException();
      JsonNode event = IntentClient.read(delivery.body().getBytes(StandardCharsets.UTF_8));
      assertThat(delivery.headers().get("webhook-id")).isEqualTo(event.path("id").stringValue());
      assertThat(event.at("/data/id").stringValue()).isEqualTo(id);
    }
    assertThat(received).extracting(delivery -> IntentClient.read(delivery.body().getBytes(StandardCharsets.UTF_8))
        .path("type").stringValue()).containsExactlyInAnyOrder("payment_intent.created", "payment_intent.succeeded");
    // Delivered once each: nothing more arrives.
    await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2)).until(() -> received.size() == 2);
  }

  @Test
  void anEndpointThatFailsItsFirstTriesGetsTheEventOnARetryAndTheLogShowsTheTries() {
    failFirst.set(2);
    WebhookEndpoints.Created endpoint = register(List.of("payment_intent.succeeded"));
    merchant.created(IntentClient.body(1_000, "tok_visa"));

    await().atMost(ARRIVES).untilAsserted(() -> assertThat(received.stream().anyMatch(Received::accepted))
        .as("received %s, log %s", received.size(),
            deliveries.log(endpoint.endpoint().id(), 10, null).block(ARRIVES).rows())
        .isTrue());
    assertThat(received).hasSize(3);
    // The same event each time: a receiver dedupes by webhook-id.
    assertThat(received).extracting(delivery -> delivery.headers().get("webhook-id")).containsOnly(
        received.getFirst().headers().get("webhook-id"));
    JsonNode log = IntentClient.read(client.get().uri("/v1/webhook-endpoints/" + endpoint.endpoint().id()
            + "/deliveries").header("Authorization", "Bearer " + apiKey).exchange().expectStatus().isOk()
        .expectBody().returnResult().getResponseBody());
    assertThat(log.path("data")).hasSize(1);
    assertThat(log.at("/data/0/status").stringValue()).isEqualTo("succeeded");
    assertThat(log.at("/data/0/attempts").intValue()).isEqualTo(3);
    assertThat(log.at("/data/0/lastHttpStatus").intValue()).isEqualTo(204);
    assertThat(log.at("/data/0/eventType").stringValue()).isEqualTo("payment_intent.succeeded");
  }

  @Test
  void anEventIsSentAgainOnRequest() {
    register(List.of("payment_intent.succeeded"));
    merchant.created(IntentClient.body(1_000, "tok_visa"));
    await().atMost(ARRIVES).until(() -> received.size() == 1);
    String eventId = received.getFirst().headers().get("webhook-id");

    client.post().uri("/v1/events/" + eventId + "/redeliver").header("Authorization", "Bearer " + apiKey).exchange()
        .expectStatus().isAccepted();
    await().atMost(ARRIVES).until(() -> received.size() == 2);
    assertThat(received.get(1).headers().get("webhook-id")).isEqualTo(eventId);
    // Another merchant's event is not there for them.
    client.post().uri("/v1/events/" + eventId + "/redeliver").header("Authorization", "Bearer " + newMerchant())
        .exchange().expectStatus().isNotFound();
    assertThat(deliveries.redeliver("m_someone_else", eventId, Instant.now()).block(ARRIVES)).isFalse();
  }

  @Test
  void anEndpointThatNeverTakesAnEventIsDisabledOnceItsRetriesAreUsedUp() {
    failFirst.set(Integer.MAX_VALUE);
    WebhookEndpoints.Created endpoint = register(List.of("payment_intent.succeeded"));
    merchant.created(IntentClient.body(1_000, "tok_visa"));

    await().atMost(ARRIVES).untilAsserted(() -> assertThat(db.sql("select status from webhook_endpoints where id = $1")
        .bind(0, endpoint.endpoint().id()).map(row -> row.get("status", String.class)).one().block(ARRIVES))
        .isEqualTo("disabled"));
    // The first try and three retries.
    assertThat(received).hasSize(4);
    assertThat(deliveries.log(endpoint.endpoint().id(), 10, null).block(ARRIVES).rows())
        .singleElement().satisfies(delivery -> assertThat(delivery.status()).isEqualTo("failed"));
  }

  @Test
  void twoNodesDeliveringFromOneDatabaseNeverSendOneDeliveryTwice() {
    register(List.of("payment_intent.succeeded"));
    // A second node's worker on the same database, claiming as often as this node's.
    WebhookCourier otherNode = new WebhookCourier(deliveries, endpoints, urls, HttpClient.create(), json,
        Clock.systemUTC(), new WebhookCourier.Settings(Duration.ofMillis(20), 5, 8, 4, Duration.ofSeconds(2),
            new RetrySchedule(List.of(Duration.ofMillis(200)), 0)), Schedulers.parallel());
    otherNode.start();
    try {
      for (int i = 0; i < 30; i++) {
        merchant.created(IntentClient.body(1_000 + i, "tok_visa"));
      }
      await().atMost(ARRIVES).until(() -> received.size() >= 30);
      await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(3)).until(() -> received.size() == 30);
    } finally {
      otherNode.stop();
    }
    assertThat(received).extracting(delivery -> delivery.headers().get("webhook-id")).doesNotHaveDuplicates();
    assertThat(otherNode.delivered()).as("the other node took part").isPositive();
  }

  @Test
  void aSlowEndpointHoldsOnlyItsOwnSendsAndABacklogDrainsWithoutWaitingForRounds() {
    // A receiver that holds every request 1.5 s: at most 4 in flight at once, so its 20 events take at least 7.5 s.
    AtomicInteger slowNow = new AtomicInteger();
    AtomicInteger slowMost = new AtomicInteger();
    List<String> slowReceived = new CopyOnWriteArrayList<>();
    DisposableServer slow = HttpServer.create().host("127.0.0.1").port(0)
        .handle((request, response) -> request.receive().aggregate().asString(StandardCharsets.UTF_8)
            .defaultIfEmpty("")
            .flatMap(body -> {
              slowMost.accumulateAndGet(slowNow.incrementAndGet(), Math::max);
              slowReceived.add(request.requestHeaders().get("webhook-id"));
              return Mono.delay(Duration.ofMillis(1_500))
                  .then(Mono.fromRunnable(slowNow::decrementAndGet))
                  .then(response.status(HttpResponseStatus.NO_CONTENT).send().then());
            }))
        .bindNow();
    try {
      register(List.of("*"));
      endpoints.create(merchantId, "http://127.0.0.1:" + slow.port() + "/hooks", List.of("*"))
          .block(Duration.ofSeconds(5));
      for (int i = 0; i < 10; i++) {
        merchant.created(IntentClient.body(1_000 + i, "tok_visa"));
      }
      // The fast endpoint's 20 events arrive while the slow one still works through its own: the rounds do not wait
      // for the slow sends, and neither do the fast endpoint's sends.
      await().atMost(ARRIVES).until(() -> received.size() >= 20);
      assertThat(slowReceived).as("the slow endpoint is still busy when the fast one has all").hasSizeLessThan(20);
      await().atMost(ARRIVES).until(() -> slowReceived.size() >= 20);
      assertThat(slowMost.get()).as("sends in flight to the slow endpoint at most").isBetween(2, 4);
      assertThat(received).extracting(delivery -> delivery.headers().get("webhook-id")).doesNotHaveDuplicates();
    } finally {
      slow.disposeNow();
    }
  }

  private WebhookEndpoints.Created register(List<String> events) {
    return endpoints.create(merchantId, "http://127.0.0.1:" + receiver.port() + "/hooks", events)
        .block(Duration.ofSeconds(5));
  }

  private static HttpHeaders headers(Received delivery) {
    Map<String, List<String>> map = new HashMap<>();
    delivery.headers().forEach((name, value) -> map.put(name, List.of(value)));
    return HttpHeaders.of(map, (name, value) -> true);
  }
}
