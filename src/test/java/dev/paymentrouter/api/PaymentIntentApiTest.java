package dev.paymentrouter.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.simulator.SimulatorBehaviour;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import dev.paymentrouter.testsupport.TestEnvironment;
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
import tools.jackson.databind.json.JsonMapper;

class PaymentIntentApiTest extends RouterIntegrationTest {

  static final String VISA = """
      {"amount": 1299, "currency": "EUR", "paymentMethod": {"type": "card", "token": "tok_visa", "country": "DE"},
       "reference": "order-123", "metadata": {"k": "v", "cart": "42"}}""";

  final JsonMapper json = JsonMapper.builder().build();
  String key;

  @BeforeEach
  void merchant() {
    key = newMerchant();
  }

  @Test
  void createsAnIntentThatSucceedsWithinTheWaitBudget() {
    EntityExchangeResult<byte[]> created = create(key, newKey(), VISA)
        .expectStatus().isCreated()
        .expectHeader().contentType(MediaType.APPLICATION_JSON)
        .expectBody()
        .jsonPath("$.id").value(String.class, id -> assertThat(id).matches("pi_[0-9A-Z]{26}"))
        .jsonPath("$.status").isEqualTo("succeeded")
        .jsonPath("$.amount").isEqualTo(1299)
        .jsonPath("$.currency").isEqualTo("EUR")
        .jsonPath("$.reference").isEqualTo("order-123")
        .jsonPath("$.metadata.k").isEqualTo("v")
        .jsonPath("$.paymentMethod.type").isEqualTo("card")
        .jsonPath("$.paymentMethod.country").isEqualTo("DE")
        .jsonPath("$.paymentMethod.token").doesNotExist()
        .jsonPath("$.attempts.length()").isEqualTo(1)
        .jsonPath("$.attempts[0].provider").isEqualTo("alpha")
        .jsonPath("$.attempts[0].status").isEqualTo("approved")
        .jsonPath("$.attempts[0].providerReference").value(String.class, ref -> assertThat(ref).startsWith("ch_"))
        .jsonPath("$.createdAt").isNotEmpty()
        .jsonPath("$.updatedAt").isNotEmpty()
        .returnResult();
    JsonNode body = body(created);
    assertThat(created.getResponseHeaders().getLocation()).hasToString("/v1/payment-intents/" + body.get("id")
        .stringValue());
    // The provider was asked exactly once, with the attempt's own idempotency key.
    String attemptKey = body.get("id").stringValue() + "_1";
    assertThat(TestEnvironment.simulator("alpha").ledger().approvedCountFor(attemptKey)).isEqualTo(1);
  }

  @Test
  void getReturnsTheSameIntentAsTheCreateAnswer() {
    JsonNode created = body(create(key, newKey(), VISA).expectStatus().isCreated().expectBody().returnResult());
    JsonNode fetched = body(client.get().uri("/v1/payment-intents/" + created.get("id").stringValue())
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
        .exchange()
        .expectStatus().isOk()
        .expectBody().returnResult());
    assertThat(fetched).isEqualTo(created);
  }

  @Test
  void replayingAKeyWithTheSameBodyReturnsTheSameIntentWithoutASecondCharge() {
    String idempotencyKey = newKey();
    JsonNode first = body(create(key, idempotencyKey, VISA).expectStatus().isCreated().expectBody().returnResult());
    // Same meaning, other spelling: key order and whitespace do not make it another request.
    String respelled = """
        {"metadata": {"cart": "42", "k": "v"}, "reference": "order-123",
         "paymentMethod": {"country": "DE", "token": "tok_visa", "type": "card"}, "currency": "EUR", "amount": 1299}""";
    JsonNode replay = body(create(key, idempotencyKey, respelled)
        .expectStatus().isOk()
        .expectHeader().valueEquals("Idempotent-Replayed", "true")
        .expectHeader().valueEquals(HttpHeaders.LOCATION, "/v1/payment-intents/" + first.get("id").stringValue())
        .expectBody().returnResult());

    assertThat(replay).isEqualTo(first);
    assertThat(countIntentsOf(key)).isEqualTo(1);
    assertThat(TestEnvironment.simulator("alpha").ledger().approvedCountFor(first.get("id").stringValue() + "_1"))
        .isEqualTo(1);
  }

  @Test
  void reusingAKeyWithAnotherBodyIsRefusedAndChangesNothing() {
    String idempotencyKey = newKey();
    create(key, idempotencyKey, VISA).expectStatus().isCreated();
    problem(create(key, idempotencyKey, VISA.replace("1299", "1300")), HttpStatus.UNPROCESSABLE_CONTENT,
        "idempotency_key_reused");
    assertThat(countIntentsOf(key)).isEqualTo(1);
  }

  @Test
  void racingDuplicatesCreateOneIntentAndOneCharge() throws Exception {
    String idempotencyKey = newKey();
    int racers = 16;
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<EntityExchangeResult<byte[]>>> answers = new java.util.ArrayList<>();
    for (int i = 0; i < racers; i++) {
      answers.add(pool.submit(() -> {
        start.await();
        return create(key, idempotencyKey, VISA).expectBody().returnResult();
      }));
    }
    start.countDown();
    List<EntityExchangeResult<byte[]>> results = new java.util.ArrayList<>();
    for (Future<EntityExchangeResult<byte[]>> answer : answers) {
      results.add(answer.get());
    }
    pool.shutdown();

    assertThat(results).filteredOn(r -> r.getStatus().value() == 201).hasSize(1);
    assertThat(results).filteredOn(r -> r.getStatus().value() == 200).hasSize(racers - 1)
        .allSatisfy(r -> assertThat(r.getResponseHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true"));
    List<String> ids = results.stream().map(r -> body(r).get("id").stringValue()).distinct().toList();
    assertThat(ids).hasSize(1);
    assertThat(countIntentsOf(key)).isEqualTo(1);
    assertThat(TestEnvironment.simulator("alpha").ledger().approvedCountFor(ids.getFirst() + "_1")).isEqualTo(1);
  }

  @Test
  void idempotencyKeysAreScopedToTheMerchant() {
    String shared = newKey();
    String otherMerchant = newMerchant();
    JsonNode mine = body(create(key, shared, VISA).expectStatus().isCreated().expectBody().returnResult());
    JsonNode theirs = body(create(otherMerchant, shared, VISA).expectStatus().isCreated().expectBody()
        .returnResult());
    assertThat(theirs.get("id")).isNotEqualTo(mine.get("id"));
  }

  @Test
  void anotherMerchantsIntentIsNotFound() {
    JsonNode mine = body(create(key, newKey(), VISA).expectStatus().isCreated().expectBody().returnResult());
    String otherMerchant = newMerchant();
    problem(client.get().uri("/v1/payment-intents/" + mine.get("id").stringValue())
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + otherMerchant).exchange(), HttpStatus.NOT_FOUND,
        "intent_not_found");
  }

  @Test
  void unknownAndMalformedIdsAreNotFound() {
    for (String id : List.of("pi_00000000000000000000000000", "nonsense", "pi_%27or%201%3D1")) {
      problem(client.get().uri("/v1/payment-intents/" + id).header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
          .exchange(), HttpStatus.NOT_FOUND, "intent_not_found");
    }
  }

  @Test
  void requestsWithoutAValidApiKeyAreUnauthorizedAndStoreNothing() {
    long before = count("payment_intents");
    for (String authorization : List.of("", "Bearer", "Bearer sk_unknownunknownunknown0000", "Basic Zm9vOmJhcg==",
        "Bearer " + key + "x")) {
      WebTestClient.RequestBodySpec request = client.post().uri("/v1/payment-intents")
          .header("Idempotency-Key", newKey())
          .contentType(MediaType.APPLICATION_JSON);
      if (!authorization.isEmpty()) {
        request.header(HttpHeaders.AUTHORIZATION, authorization);
      }
      problem(request.bodyValue(VISA).exchange()
          .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer"), HttpStatus.UNAUTHORIZED,
          "unauthorized");
    }
    problem(client.get().uri("/v1/payment-intents/pi_00000000000000000000000000").exchange(),
        HttpStatus.UNAUTHORIZED, "unauthorized");
    assertThat(count("payment_intents")).isEqualTo(before);
  }

  @Test
  void aKeyIsLookedUpOnceWhileUnknownKeysAreLookedUpEveryTime() {
    // Known: after one successful request, the key works without its row (it is remembered for a while).
    create(key, newKey(), VISA).expectStatus().isCreated();
    db.sql("update api_keys set revoked_at = now() where key_hash = :hash")
        .bind("hash", dev.paymentrouter.merchant.domain.ApiKeys.hash(key)).fetch().rowsUpdated()
        .block(java.time.Duration.ofSeconds(5));
    create(key, newKey(), VISA).expectStatus().isCreated();
    // Unknown: refused, and not remembered as refused, so a key added a moment later works at once.
    String later = dev.paymentrouter.merchant.domain.ApiKeys.generate(new java.util.SplittableRandom());
    problem(create(later, newKey(), VISA), HttpStatus.UNAUTHORIZED, "unauthorized");
    String merchantId = db.sql("select merchant_id from api_keys where key_hash = :hash")
        .bind("hash", dev.paymentrouter.merchant.domain.ApiKeys.hash(key))
        .map(row -> row.get("merchant_id", String.class)).one().block(java.time.Duration.ofSeconds(5));
    merchants.addKey(merchantId, dev.paymentrouter.merchant.domain.ApiKeys.hash(later), "sk_later")
        .block(java.time.Duration.ofSeconds(5));
    create(later, newKey(), VISA).expectStatus().isCreated();
  }

  @Test
  void aMissingOrInvalidIdempotencyKeyIsRefused() {
    problem(client.post().uri("/v1/payment-intents").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
        .contentType(MediaType.APPLICATION_JSON).bodyValue(VISA).exchange(), HttpStatus.BAD_REQUEST,
        "idempotency_key_missing");
    problem(create(key, "k".repeat(256), VISA), HttpStatus.BAD_REQUEST, "idempotency_key_invalid");
    problem(create(key, "tab\tkey", VISA), HttpStatus.BAD_REQUEST, "idempotency_key_invalid");
    problem(create(key, "caf\u00e9", VISA), HttpStatus.BAD_REQUEST, "idempotency_key_invalid");
    assertThat(countIntentsOf(key)).isZero();
  }

  @Test
  void jsonSentWithCurlsDefaultFormTypeIsAccepted() {
    client.post().uri("/v1/payment-intents").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
        .header("Idempotency-Key", newKey()).contentType(MediaType.APPLICATION_FORM_URLENCODED).bodyValue(VISA)
        .exchange()
        .expectStatus().isCreated();
  }

  @Test
  void anOversizedBodyIsRefusedWithoutBeingRead() {
    String huge = VISA.replace("order-123", "x".repeat(70 * 1024));
    problem(create(key, newKey(), huge), HttpStatus.CONTENT_TOO_LARGE, "payload_too_large");
    assertThat(countIntentsOf(key)).isZero();
  }

  @Test
  void aBodyThatIsNotJsonIsRefusedWithUnsupportedMediaType() {
    problem(client.post().uri("/v1/payment-intents").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
        .header("Idempotency-Key", newKey()).contentType(MediaType.TEXT_PLAIN).bodyValue(VISA).exchange(),
        HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
    assertThat(countIntentsOf(key)).isZero();
  }

  @Test
  void aDeclineFailsTheIntentWithTheDeclineCode() {
    create(key, newKey(), VISA.replace("tok_visa", "tok_decline"))
        .expectStatus().isCreated()
        .expectBody()
        .jsonPath("$.status").isEqualTo("failed")
        .jsonPath("$.failureCode").isEqualTo("insufficient_funds")
        .jsonPath("$.attempts.length()").isEqualTo(1)
        .jsonPath("$.attempts[0].status").isEqualTo("declined")
        .jsonPath("$.attempts[0].declineCode").isEqualTo("insufficient_funds");
  }

  @Test
  void anUnknownOutcomeLeavesTheIntentProcessingAndTriesNoOtherProvider() {
    String reference = "unknown-" + UUID.randomUUID();
    JsonNode created = body(create(key, newKey(), VISA.replace("tok_visa", "tok_error")
            .replace("order-123", reference))
        .expectStatus().isCreated()
        .expectBody()
        .jsonPath("$.status").isEqualTo("processing")
        .jsonPath("$.attempts.length()").isEqualTo(1)
        .jsonPath("$.attempts[0].provider").isEqualTo("alpha")
        .jsonPath("$.attempts[0].status").isEqualTo("unknown")
        .jsonPath("$.attempts[0].errorCode").isEqualTo("provider_status_500")
        .returnResult());
    String attemptKey = created.get("id").stringValue() + "_1";
    assertThat(TestEnvironment.simulator("beta").ledger().byReference(attemptKey)).isEmpty();
    assertThat(TestEnvironment.simulator("gamma").ledger().byReference(attemptKey)).isEmpty();
  }

  @Test
  void aProviderThatRefusesTheCallIsSkippedForTheNextOne() {
    TestEnvironment.simulator("alpha").update(SimulatorBehaviour.reliable().withAvailable(false));
    JsonNode created = body(create(key, newKey(), VISA)
        .expectStatus().isCreated()
        .expectBody()
        .jsonPath("$.status").isEqualTo("succeeded")
        .jsonPath("$.attempts[0].provider").isEqualTo("alpha")
        .jsonPath("$.attempts[0].status").isEqualTo("not_sent")
        .jsonPath("$.attempts[0].errorCode").isEqualTo("provider_unavailable")
        .jsonPath("$.attempts[1].provider").isEqualTo("beta")
        .jsonPath("$.attempts[1].status").isEqualTo("approved")
        .returnResult());
    String id = created.get("id").stringValue();
    assertThat(TestEnvironment.simulator("alpha").ledger().byReference(id + "_1")).isEmpty();
    assertThat(TestEnvironment.simulator("beta").ledger().approvedCountFor(id + "_2")).isEqualTo(1);
  }

  @Test
  void aClientMayAskNotToWaitAndFindsTheFinalStatusLater() {
    TestEnvironment.simulator("alpha").update(SimulatorBehaviour.reliable().withLatencyMs(400));
    JsonNode created = body(client.post().uri("/v1/payment-intents")
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
        .header("Idempotency-Key", newKey())
        .header("Prefer", "wait=0")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(VISA)
        .exchange()
        .expectStatus().isCreated()
        .expectHeader().valueEquals("Preference-Applied", "wait=0")
        .expectBody()
        .jsonPath("$.status").isEqualTo("processing")
        .jsonPath("$.attempts[0].status").isEqualTo("in_flight")
        .returnResult());
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
        client.get().uri("/v1/payment-intents/" + created.get("id").stringValue())
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
            .exchange()
            .expectBody().jsonPath("$.status").isEqualTo("succeeded"));
  }

  @Test
  void aLongerWaitThanTheMaximumIsCapped() {
    client.post().uri("/v1/payment-intents")
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
        .header("Idempotency-Key", newKey())
        .header("Prefer", "wait=3600")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(VISA)
        .exchange()
        .expectStatus().isCreated()
        .expectHeader().valueEquals("Preference-Applied", "wait=10");
  }

  WebTestClient.ResponseSpec create(String apiKey, String idempotencyKey, String body) {
    return client.post().uri("/v1/payment-intents")
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey)
        .header("Idempotency-Key", idempotencyKey)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body)
        .exchange();
  }

  static void problem(WebTestClient.ResponseSpec response, HttpStatus status, String code) {
    response.expectStatus().isEqualTo(status)
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.status").isEqualTo(status.value())
        .jsonPath("$.code").isEqualTo(code)
        .jsonPath("$.type").isEqualTo("urn:payment-router:problem:" + code)
        .jsonPath("$.title").isNotEmpty()
        .jsonPath("$.detail").isNotEmpty();
  }

  JsonNode body(EntityExchangeResult<byte[]> result) {
    return json.readTree(result.getResponseBody());
  }

  static String newKey() {
    return "key-" + UUID.randomUUID();
  }
}
