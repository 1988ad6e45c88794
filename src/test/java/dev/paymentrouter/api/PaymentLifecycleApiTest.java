package dev.paymentrouter.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.simulator.SimulatorLedger;
import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import dev.paymentrouter.testsupport.TestEnvironment;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * The life of a payment after its authorization, through the API against the simulators: manual capture, cancel,
 * partial refunds, idempotent replays and refunds that race. What the router answers is held against what the
 * provider's ledger says moved. Needs {@code IntentLifecycle} (being built on another branch).
 */
class PaymentLifecycleApiTest extends RouterIntegrationTest {

  static final String WAIT = "wait=5";

  String apiKey;
  IntentClient merchant;

  @BeforeEach
  void merchant() {
    apiKey = newMerchant();
    merchant = new IntentClient(client, apiKey);
  }

  @Test
  void aManualPaymentIsCapturedInPartThenRefundedInPartsUpToWhatWasTaken() {
    String id = authorized(1000);

    JsonNode captured = read(command(id, "capture", "{\"amount\": 600}", newKey())
        .expectStatus().isOk().expectBody().returnResult());
    assertThat(captured.path("status").stringValue()).isEqualTo("succeeded");
    assertThat(captured.path("amountReceived").longValue()).isEqualTo(600);
    assertThat(captured.path("amountCapturable").longValue()).isZero();

    JsonNode first = read(refund(id, 200, newKey()).expectStatus().isCreated().expectBody().returnResult());
    JsonNode second = read(refund(id, 300, newKey()).expectStatus().isCreated().expectBody().returnResult());
    assertThat(first.path("status").stringValue()).isEqualTo("succeeded");
    assertThat(second.path("paymentIntent").stringValue()).isEqualTo(id);
    // 100 is left: 200 more would give back more than was taken.
    refund(id, 200, newKey())
        .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
        .expectBody().jsonPath("$.code").isEqualTo("amount_too_large");

    JsonNode intent = merchant.get(id);
    assertThat(intent.path("amountRefunded").longValue()).isEqualTo(500);
    assertThat(ids(intent.path("refunds"))).containsExactly(first.path("id").stringValue(),
        second.path("id").stringValue());
    SimulatorLedger.Totals totals = ledger().totalsFor(id + "_1");
    assertThat(totals.captured()).isEqualTo(600);
    assertThat(totals.voided()).isEqualTo(400);
    assertThat(totals.refunded()).isEqualTo(500);
  }

  @Test
  void aCaptureReplayedUnderItsKeyIsAnsweredAgainAndReachesTheProviderOnce() {
    String id = authorized(1000);
    String key = newKey();

    JsonNode first = read(command(id, "capture", "", key).expectStatus().isOk().expectBody().returnResult());
    EntityExchangeResult<byte[]> replay = command(id, "capture", "{}", key)
        .expectStatus().isOk()
        .expectHeader().valueEquals("Idempotent-Replayed", "true")
        .expectBody().returnResult();

    assertThat(read(replay).path("id").stringValue()).isEqualTo(first.path("id").stringValue());
    assertThat(read(replay).path("amountReceived").longValue()).isEqualTo(1000);
    String charge = ledger().byReference(id + "_1").orElseThrow().id();
    assertThat(ledger().modificationsOf(charge)).hasSize(1);
    assertThat(ledger().capturedFor(id + "_1")).isEqualTo(1000);
  }

  @Test
  void aKeyReusedForAnotherCaptureIsRefused() {
    String id = authorized(1000);
    String key = newKey();
    command(id, "capture", "{\"amount\": 600}", key).expectStatus().isOk().expectBody();

    command(id, "capture", "{\"amount\": 500}", key)
        .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
        .expectBody().jsonPath("$.code").isEqualTo("idempotency_key_reused");
    assertThat(ledger().capturedFor(id + "_1")).isEqualTo(600);
  }

  @Test
  void cancelingAHeldAuthorizationReleasesItAtTheProvider() {
    String id = authorized(1000);

    command(id, "cancel", "{\"cancellationReason\": \"requested_by_customer\"}", newKey())
        .expectStatus().isOk()
        .expectBody()
        .jsonPath("$.status").isEqualTo("canceled")
        .jsonPath("$.amountCapturable").isEqualTo(0);

    assertThat(ledger().voidedFor(id + "_1")).isEqualTo(1000);
    assertThat(ledger().capturedFor(id + "_1")).isZero();
  }

  @Test
  void aPaidIntentCannotBeCanceled() {
    String id = merchant.created(IntentClient.body(1000, "tok_visa")).path("id").stringValue();

    command(id, "cancel", "", newKey())
        .expectStatus().isEqualTo(HttpStatus.CONFLICT)
        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.code").isEqualTo("intent_not_cancelable");
  }

  @Test
  void anIntentCapturedAtOnceHasNothingToCapture() {
    String id = merchant.created(IntentClient.body(1000, "tok_visa")).path("id").stringValue();

    command(id, "capture", "", newKey())
        .expectStatus().isEqualTo(HttpStatus.CONFLICT)
        .expectBody().jsonPath("$.code").isEqualTo("intent_not_capturable");
  }

  @Test
  void anotherMerchantsIntentIsNotFoundForEveryCommand() {
    String id = authorized(1000);
    String strangerKey = newMerchant();

    for (String operation : new String[] {"capture", "cancel"}) {
      command(strangerKey, id, operation, "", newKey())
          .expectStatus().isNotFound()
          .expectBody().jsonPath("$.code").isEqualTo("intent_not_found");
    }
    post(strangerKey, "/v1/refunds", "{\"paymentIntent\": \"" + id + "\"}", newKey())
        .expectStatus().isNotFound()
        .expectBody().jsonPath("$.code").isEqualTo("intent_not_found");
    assertThat(merchant.get(id).path("status").stringValue()).isEqualTo("requires_capture");
  }

  @Test
  void aRefundIsReadByItsIdOnlyByItsMerchant() {
    String id = merchant.created(IntentClient.body(1000, "tok_visa")).path("id").stringValue();
    JsonNode created = read(post(apiKey, "/v1/refunds", "{\"paymentIntent\": \"" + id + "\", \"amount\": 250, "
        + "\"reason\": \"requested_by_customer\", \"metadata\": {\"ticket\": \"T-7\"}}", newKey())
        .expectStatus().isCreated().expectBody().returnResult());
    String refundId = created.path("id").stringValue();

    JsonNode fetched = read(client.get().uri("/v1/refunds/" + refundId)
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey)
        .exchange().expectStatus().isOk().expectBody().returnResult());
    assertThat(fetched).isEqualTo(created);
    assertThat(fetched.path("amount").longValue()).isEqualTo(250);
    assertThat(fetched.path("currency").stringValue()).isEqualTo("EUR");
    assertThat(fetched.path("metadata").path("ticket").stringValue()).isEqualTo("T-7");

    client.get().uri("/v1/refunds/" + refundId)
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + newMerchant())
        .exchange().expectStatus().isNotFound()
        .expectBody().jsonPath("$.code").isEqualTo("refund_not_found");
  }

  @Test
  void theRefundsOfAnIntentArePagedNewestFirst() {
    String id = merchant.created(IntentClient.body(1000, "tok_visa")).path("id").stringValue();
    String other = merchant.created(IntentClient.body(1000, "tok_visa")).path("id").stringValue();
    List<String> refunds = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      refunds.add(read(refund(id, 100, newKey()).expectStatus().isCreated().expectBody().returnResult())
          .path("id").stringValue());
    }
    refund(other, 100, newKey()).expectStatus().isCreated().expectBody();

    JsonNode first = list("paymentIntent=" + id + "&limit=2");
    JsonNode second = list("paymentIntent=" + id + "&limit=2&startingAfter=" + first.at("/data/1/id").stringValue());

    assertThat(ids(first.path("data"))).containsExactly(refunds.get(2), refunds.get(1));
    assertThat(first.path("hasMore").booleanValue()).isTrue();
    assertThat(ids(second.path("data"))).containsExactly(refunds.get(0));
    assertThat(second.path("hasMore").booleanValue()).isFalse();
    assertThat(list("").path("data").size()).isEqualTo(4);
  }

  @Test
  void refundsThatRaceNeverGiveBackMoreThanWasTaken() throws Exception {
    String id = merchant.created(IntentClient.body(1000, "tok_visa")).path("id").stringValue();
    ExecutorService pool = Executors.newFixedThreadPool(20);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<HttpStatus>> answers = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        answers.add(pool.submit(() -> {
          start.await();
          return HttpStatus.valueOf(refund(id, 100, newKey()).expectBody().returnResult().getStatus().value());
        }));
      }
      start.countDown();
      List<HttpStatus> statuses = new ArrayList<>();
      for (Future<HttpStatus> answer : answers) {
        statuses.add(answer.get());
      }

      assertThat(statuses).as("answers %s", statuses).filteredOn(HttpStatus.CREATED::equals).hasSize(10);
      assertThat(statuses).filteredOn(HttpStatus.UNPROCESSABLE_CONTENT::equals).hasSize(10);
    } finally {
      pool.shutdownNow();
    }
    assertThat(ledger().refundedFor(id + "_1")).isEqualTo(1000);
    assertThat(merchant.get(id).path("amountRefunded").longValue()).isEqualTo(1000);
  }

  /** A manual-capture intent for {@code amount}, held at alpha. */
  private String authorized(long amount) {
    String body = IntentClient.body(amount, "tok_visa");
    JsonNode intent = read(merchant.create(body.substring(0, body.length() - 1) + ", \"captureMethod\": \"manual\"}",
            newKey(), WAIT)
        .expectStatus().isCreated().expectBody().returnResult());
    assertThat(intent.path("status").stringValue()).isEqualTo("requires_capture");
    return intent.path("id").stringValue();
  }

  private WebTestClient.ResponseSpec command(String id, String operation, String body, String key) {
    return command(apiKey, id, operation, body, key);
  }

  private WebTestClient.ResponseSpec command(String caller, String id, String operation, String body, String key) {
    return post(caller, "/v1/payment-intents/" + id + "/" + operation, body, key);
  }

  private WebTestClient.ResponseSpec refund(String id, long amount, String key) {
    return post(apiKey, "/v1/refunds", "{\"paymentIntent\": \"" + id + "\", \"amount\": " + amount + "}", key);
  }

  private WebTestClient.ResponseSpec post(String caller, String path, String body, String key) {
    return client.post().uri(path)
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + caller)
        .header("Idempotency-Key", key)
        .header("Prefer", WAIT)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body)
        .exchange();
  }

  private JsonNode list(String query) {
    return read(client.get().uri("/v1/refunds?" + query)
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey)
        .exchange().expectStatus().isOk().expectBody().returnResult());
  }

  private static SimulatorLedger ledger() {
    return TestEnvironment.simulator("alpha").ledger();
  }

  private static List<String> ids(JsonNode array) {
    List<String> ids = new ArrayList<>();
    array.forEach(node -> ids.add(node.path("id").stringValue()));
    return ids;
  }

  private static JsonNode read(EntityExchangeResult<byte[]> result) {
    return IntentClient.read(result.getResponseBody());
  }

  private static String newKey() {
    return "key-" + UUID.randomUUID();
  }
}
