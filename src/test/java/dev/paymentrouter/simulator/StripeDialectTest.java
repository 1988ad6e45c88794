package dev.paymentrouter.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The Stripe dialect over real HTTP: request bodies as a Stripe client form-encodes them, every answer read. */
class StripeDialectTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final Clock FIXED_CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final String SECRET = "sk_test_simulated";
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);

  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private ProviderSimulator sim;

  @AfterEach
  void close() {
    if (sim != null) {
      sim.close();
    }
    client.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"pm_card_visa", "pm_card_mastercard", "tok_visa"})
  void approvesWithASucceededPaymentIntentAndRecordsTheUniformLedger(String paymentMethod) throws Exception {
    start(SimulatorBehaviour.reliable());

    HttpResponse<String> response = create("key-1", form(1299, "eur", paymentMethod, "att_1"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Idempotent-Replayed")).isEmpty();
    JsonNode intent = json(response);
    String id = intent.get("id").stringValue();
    assertThat(id).matches("pi_[0-9A-Za-z]{24}");
    assertThat(intent.get("object").stringValue()).isEqualTo("payment_intent");
    assertThat(intent.get("status").stringValue()).isEqualTo("succeeded");
    assertThat(intent.get("amount").longValue()).isEqualTo(1299);
    assertThat(intent.get("amount_received").longValue()).isEqualTo(1299);
    assertThat(intent.get("currency").stringValue()).isEqualTo("eur");
    assertThat(intent.get("capture_method").stringValue()).isEqualTo("automatic");
    assertThat(intent.get("latest_charge").stringValue()).isEqualTo("ch_" + id.substring(3));
    assertThat(intent.get("created").longValue()).isEqualTo(NOW.getEpochSecond());
    assertThat(intent.get("metadata").get("payment_router_attempt").stringValue()).isEqualTo("att_1");
    assertThat(intent.get("metadata").get("payment_router_intent").stringValue()).isEqualTo("int_1");
    assertThat(intent.get("last_payment_error").isNull()).isTrue();
    assertThat(intent.get("next_action").isNull()).isTrue();
    assertThat(sim.ledger().charges()).singleElement().isEqualTo(new SimulatorCharge(id, "key-1", "att_1", 1299,
        "EUR", "approved", null, NOW));
    JsonNode ledger = json(get("/_sim/ledger", false)).get("charges").get(0);
    assertThat(ledger.get("id").stringValue()).isEqualTo(id);
    assertThat(ledger.get("reference").stringValue()).isEqualTo("att_1");
    assertThat(ledger.get("idempotencyKey").stringValue()).isEqualTo("key-1");
    assertThat(ledger.get("currency").stringValue()).isEqualTo("EUR");
  }

  @Test
  void holdsAManuallyCapturedPaymentForCapture() throws Exception {
    start(SimulatorBehaviour.reliable());

    JsonNode intent = json(create("key-1", form(500, "usd", "pm_card_visa", "att_1") + "&capture_method=manual"));

    assertThat(intent.get("status").stringValue()).isEqualTo("requires_capture");
    assertThat(intent.get("amount_capturable").longValue()).isEqualTo(500);
    assertThat(intent.get("amount_received").longValue()).isZero();
    // Held, not taken: money only once captured.
    assertThat(sim.ledger().charges()).singleElement()
        .satisfies(charge -> assertThat(charge.status()).isEqualTo(SimulatorCharge.AUTHORIZED));
    assertThat(sim.ledger().approvedCountFor("att_1")).isZero();
  }

  @ParameterizedTest
  @CsvSource({
      "pm_card_chargeDeclined, card_declined, generic_decline, card_declined",
      "pm_card_chargeDeclinedInsufficientFunds, card_declined, insufficient_funds, insufficient_funds",
      "pm_card_chargeDeclinedExpiredCard, expired_card, expired_card, expired_card",
      "pm_card_chargeDeclinedProcessingError, processing_error, processing_error, processing_error",
      "tok_decline, card_declined, insufficient_funds, insufficient_funds",
      "tok_issuer_unavailable, card_declined, issuer_not_available, issuer_unavailable",
      "tok_stolen_card, card_declined, stolen_card, stolen_card"
  })
  void declinesWithACardErrorInStripesWords(String paymentMethod, String code, String declineCode,
      String ledgerCode) throws Exception {
    start(SimulatorBehaviour.reliable());

    HttpResponse<String> response = create("key-1", form(700, "eur", paymentMethod, "att_1"));

    assertThat(response.statusCode()).isEqualTo(402);
    JsonNode error = json(response).get("error");
    assertThat(error.get("type").stringValue()).isEqualTo("card_error");
    assertThat(error.get("code").stringValue()).isEqualTo(code);
    assertThat(error.get("decline_code").stringValue()).isEqualTo(declineCode);
    assertThat(error.get("message").stringValue()).isNotBlank();
    JsonNode intent = error.get("payment_intent");
    assertThat(intent.get("status").stringValue()).isEqualTo("requires_payment_method");
    assertThat(intent.get("last_payment_error").get("decline_code").stringValue()).isEqualTo(declineCode);
    assertThat(sim.ledger().charges()).singleElement().satisfies(charge -> {
      assertThat(charge.id()).isEqualTo(intent.get("id").stringValue());
      assertThat(charge.status()).isEqualTo("declined");
      assertThat(charge.declineCode()).isEqualTo(ledgerCode);
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"pm_card_authenticationRequired", "tok_requires_action"})
  void asksForTheCustomersActionWithoutCharging(String paymentMethod) throws Exception {
    start(SimulatorBehaviour.reliable());

    HttpResponse<String> response = create("key-1", form(700, "eur", paymentMethod, "att_1"));

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode intent = json(response);
    assertThat(intent.get("status").stringValue()).isEqualTo("requires_action");
    assertThat(intent.get("next_action").get("type").stringValue()).isEqualTo("use_stripe_sdk");
    assertThat(intent.get("latest_charge").isNull()).isTrue();
    assertThat(sim.ledger().charges()).singleElement().extracting(SimulatorCharge::status)
        .isEqualTo("requires_action");
    assertThat(sim.ledger().approvedCountFor("att_1")).isZero();
  }

  @Test
  void answersAPendingPaymentAsProcessing() throws Exception {
    start(SimulatorBehaviour.reliable());

    JsonNode intent = json(create("key-1", form(700, "eur", "tok_pending", "att_1")));

    assertThat(intent.get("status").stringValue()).isEqualTo("processing");
    assertThat(sim.ledger().approvedCountFor("att_1")).isZero();
  }

  @Test
  void refusesAMissingOrWrongSecretKeyWithoutEchoingIt() throws Exception {
    start(SimulatorBehaviour.reliable());
    String body = form(100, "eur", "pm_card_visa", "att_1");

    HttpResponse<String> missing = send(HttpRequest.newBuilder(uri("/v1/payment_intents"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
    HttpResponse<String> wrong = send(HttpRequest.newBuilder(uri("/v1/payment_intents"))
        .header("Authorization", "Bearer sk_test_wrong")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
    HttpResponse<String> basic = send(HttpRequest.newBuilder(uri("/v1/payment_intents"))
        .header("Authorization", "Basic " + java.util.Base64.getEncoder()
            .encodeToString((SECRET + ":").getBytes(StandardCharsets.UTF_8)))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Idempotency-Key", "key-basic")
        .POST(HttpRequest.BodyPublishers.ofString(body)));

    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(json(missing).get("error").get("type").stringValue()).isEqualTo("invalid_request_error");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).doesNotContain("sk_test_wrong");
    assertThat(basic.statusCode()).isEqualTo(200);
    assertThat(sim.ledger().charges()).hasSize(1);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "currency=eur&payment_method=pm_card_visa&confirm=true | parameter_missing | amount",
      "amount=12.5&currency=eur&payment_method=pm_card_visa&confirm=true | parameter_invalid_integer | amount",
      "amount=100&payment_method=pm_card_visa&confirm=true | parameter_missing | currency",
      "amount=100&currency=euro&payment_method=pm_card_visa&confirm=true | parameter_invalid_string | currency",
      "amount=100&currency=eur&confirm=true | parameter_missing | payment_method",
      "amount=100&currency=eur&payment_method=pm_card_visa&confirm=true&colour=red | parameter_unknown | colour"
  })
  void validatesLikeStripeAndStoresNothingForAnInvalidRequest(String body, String code, String param)
      throws Exception {
    start(SimulatorBehaviour.reliable());

    HttpResponse<String> response = create("key-1", body);
    HttpResponse<String> corrected = create("key-1", form(100, "eur", "pm_card_visa", "att_1"));

    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode error = json(response).get("error");
    assertThat(error.get("type").stringValue()).isEqualTo("invalid_request_error");
    assertThat(error.get("code").stringValue()).isEqualTo(code);
    assertThat(error.get("param").stringValue()).isEqualTo(param);
    // Nothing began executing, so the key is still free.
    assertThat(corrected.statusCode()).isEqualTo(200);
    assertThat(corrected.headers().firstValue("Idempotent-Replayed")).isEmpty();
  }

  @Test
  void refusesABodyThatIsNotFormEncoded() throws Exception {
    start(SimulatorBehaviour.reliable());

    HttpResponse<String> response = send(authorized(HttpRequest.newBuilder(uri("/v1/payment_intents")))
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", "key-1")
        .POST(HttpRequest.BodyPublishers.ofString("{\"amount\":100}")));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).get("error").get("type").stringValue()).isEqualTo("invalid_request_error");
    assertThat(sim.ledger().charges()).isEmpty();
  }

  @Test
  void replaysTheStoredAnswerForTheSameParametersAndRefusesOthers() throws Exception {
    start(SimulatorBehaviour.reliable());
    HttpResponse<String> first = create("key-1", form(1299, "eur", "pm_card_visa", "att_1"));

    // The same parameters in another order are the same request.
    HttpResponse<String> replay = create("key-1", "confirm=true&payment_method=pm_card_visa"
        + "&metadata%5Bpayment_router_intent%5D=int_1&metadata%5Bpayment_router_attempt%5D=att_1"
        + "&currency=eur&amount=1299");
    HttpResponse<String> other = create("key-1", form(1300, "eur", "pm_card_visa", "att_1"));

    assertThat(replay.statusCode()).isEqualTo(200);
    assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(replay.body()).isEqualTo(first.body());
    assertThat(other.statusCode()).isEqualTo(400);
    assertThat(json(other).get("error").get("type").stringValue()).isEqualTo("idempotency_error");
    assertThat(sim.ledger().charges()).hasSize(1);
    assertThat(sim.stats().replays()).isEqualTo(1);
  }

  @Test
  void replaysADeclineWithItsStatusCode() throws Exception {
    start(SimulatorBehaviour.reliable());
    String body = form(1299, "eur", "pm_card_chargeDeclinedInsufficientFunds", "att_1");
    HttpResponse<String> first = create("key-1", body);

    HttpResponse<String> replay = create("key-1", body);

    assertThat(replay.statusCode()).isEqualTo(402);
    assertThat(replay.body()).isEqualTo(first.body());
    assertThat(sim.ledger().charges()).hasSize(1);
  }

  @Test
  void storesA500AndReplaysItUnderTheSameKey() throws Exception {
    start(SimulatorBehaviour.reliable().withErrorRate(1.0));
    String body = form(100, "eur", "pm_card_unknown_4242", "att_1");
    HttpResponse<String> first = create("key-1", body);

    sim.update(SimulatorBehaviour.reliable());
    HttpResponse<String> replay = create("key-1", body);

    assertThat(first.statusCode()).isEqualTo(500);
    assertThat(json(first).get("error").get("type").stringValue()).isEqualTo("api_error");
    assertThat(replay.statusCode()).isEqualTo(500);
    assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(replay.body()).isEqualTo(first.body());
    assertThat(sim.ledger().charges()).isEmpty();
    assertThat(sim.stats().errors()).isEqualTo(1);
  }

  @Test
  void forgetsAStoredAnswerAfter24Hours() throws Exception {
    MovableClock clock = new MovableClock(NOW);
    sim = ProviderSimulator.start(settings(SimulatorBehaviour.reliable()), clock, new SplittableRandom(7));
    String body = form(100, "eur", "pm_card_visa", "att_1");
    String firstId = json(create("key-1", body)).get("id").stringValue();

    clock.advance(Duration.ofHours(23));
    HttpResponse<String> within = create("key-1", body);
    clock.advance(Duration.ofHours(1));
    HttpResponse<String> after = create("key-1", body);

    assertThat(within.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(after.headers().firstValue("Idempotent-Replayed")).isEmpty();
    assertThat(json(after).get("id").stringValue()).isNotEqualTo(firstId);
  }

  @Test
  void refusesASecondRequestWhileTheFirstWithTheKeyIsExecuting() throws Exception {
    start(SimulatorBehaviour.reliable().withLatencyMs(2_000));
    String body = form(100, "eur", "pm_card_visa", "att_1");
    CompletableFuture<HttpResponse<String>> first = client.sendAsync(createRequest("key-1", body, CLIENT_TIMEOUT),
        HttpResponse.BodyHandlers.ofString());
    await().atMost(Duration.ofSeconds(5)).until(() -> sim.inFlightCount() == 1);

    HttpResponse<String> concurrent = create("key-1", body);

    assertThat(concurrent.statusCode()).isEqualTo(409);
    JsonNode error = json(concurrent).get("error");
    assertThat(error.get("type").stringValue()).isEqualTo("invalid_request_error");
    assertThat(error.get("code").stringValue()).isEqualTo("idempotency_key_in_use");
    assertThat(first.get().statusCode()).isEqualTo(200);
    assertThat(sim.ledger().charges()).hasSize(1);
  }

  @Test
  void rateLimitsWithStripesErrorAndStoresNothing() throws Exception {
    start(SimulatorBehaviour.reliable().withRateLimitPerSecond(1));
    assertThat(create("key-1", form(100, "eur", "pm_card_visa", "att_1")).statusCode()).isEqualTo(200);

    HttpResponse<String> limited = create("key-2", form(100, "eur", "pm_card_visa", "att_2"));

    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(json(limited).get("error").get("code").stringValue()).isEqualTo("rate_limit");
    assertThat(json(limited).get("error").get("type").stringValue()).isEqualTo("invalid_request_error");
    assertThat(sim.ledger().byReference("att_2")).isEmpty();
  }

  @Test
  void answersLockTimeoutAndProcessesTheKeyAfreshLater() throws Exception {
    start(SimulatorBehaviour.reliable());
    String body = form(100, "eur", "tok_lock_timeout", "att_1");

    HttpResponse<String> first = create("key-1", body);
    HttpResponse<String> again = create("key-1", body);

    assertThat(first.statusCode()).isEqualTo(429);
    assertThat(json(first).get("error").get("code").stringValue()).isEqualTo("lock_timeout");
    assertThat(again.headers().firstValue("Idempotent-Replayed")).isEmpty();
    assertThat(sim.stats().rateLimited()).isEqualTo(2);
  }

  @Test
  void answersUnavailableWith503() throws Exception {
    start(SimulatorBehaviour.reliable().withAvailable(false));

    HttpResponse<String> response = create("key-1", form(100, "eur", "pm_card_visa", "att_1"));

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(json(response).get("error").get("type").stringValue()).isEqualTo("api_error");
  }

  @Test
  void findsPaymentIntentsByIdAndByMetadataSearch() throws Exception {
    start(SimulatorBehaviour.reliable());
    HttpResponse<String> declined = create("key-1", form(100, "eur", "pm_card_chargeDeclined", "att_1"));
    HttpResponse<String> approved = create("key-2", form(100, "eur", "pm_card_visa", "att_1"));
    create("key-3", form(100, "eur", "pm_card_visa", "att_2"));
    String approvedId = json(approved).get("id").stringValue();

    HttpResponse<String> byId = get("/v1/payment_intents/" + approvedId, true);
    JsonNode byAttempt = json(get(search("metadata['payment_router_attempt']:'att_1'"), true));
    JsonNode byIntent = json(get(search("metadata['payment_router_intent']:'int_1'"), true));
    HttpResponse<String> unsupported = get(search("amount>100"), true);
    HttpResponse<String> unknown = get("/v1/payment_intents/pi_unknown", true);
    HttpResponse<String> anonymous = get(search("metadata['payment_router_attempt']:'att_1'"), false);

    assertThat(byId.statusCode()).isEqualTo(200);
    assertThat(byId.body()).isEqualTo(approved.body());
    assertThat(byAttempt.get("object").stringValue()).isEqualTo("search_result");
    assertThat(byAttempt.get("has_more").booleanValue()).isFalse();
    assertThat(byAttempt.get("url").stringValue()).isEqualTo("/v1/payment_intents/search");
    assertThat(byAttempt.get("data")).hasSize(2);
    assertThat(byAttempt.get("data").get(0).get("id").stringValue()).isEqualTo(approvedId);
    assertThat(byAttempt.get("data").get(1)).isEqualTo(json(declined).get("error").get("payment_intent"));
    assertThat(byIntent.get("data")).hasSize(3);
    assertThat(unsupported.statusCode()).isEqualTo(400);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(json(unknown).get("error").get("code").stringValue()).isEqualTo("resource_missing");
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(sim.stats().statusQueries()).isEqualTo(4);
  }

  @Test
  void chargesOnceForALostResponseAndTheReplayAnswersTheCharge() throws Exception {
    start(SimulatorBehaviour.reliable());
    String body = form(1299, "eur", "tok_lost_response", "att_lost");

    assertThatThrownBy(() -> client.send(createRequest("key-1", body, Duration.ofMillis(300)),
        HttpResponse.BodyHandlers.ofString())).isInstanceOf(HttpTimeoutException.class);
    HttpResponse<String> replay = create("key-1", body);

    assertThat(replay.statusCode()).isEqualTo(200);
    assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(json(replay).get("status").stringValue()).isEqualTo("succeeded");
    assertThat(json(replay).get("id").stringValue()).isEqualTo(sim.ledger().charges().getFirst().id());
    assertThat(sim.ledger().approvedCountFor("att_lost")).isEqualTo(1);
    assertThat(sim.ledger().charges()).hasSize(1);
  }

  @Test
  void answersUnknownRoutesWithStripesNotFound() throws Exception {
    start(SimulatorBehaviour.reliable());

    HttpResponse<String> response = get("/v1/charges", true);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(json(response).get("error").get("type").stringValue()).isEqualTo("invalid_request_error");
    assertThat(json(get("/_sim/config", false)).get("dialect").stringValue()).isEqualTo("stripe");
  }

  // ---- helpers ----

  private void start(SimulatorBehaviour behaviour) {
    sim = ProviderSimulator.start(settings(behaviour), FIXED_CLOCK, new SplittableRandom(7));
  }

  private static SimulatorSettings settings(SimulatorBehaviour behaviour) {
    return SimulatorSettings.local("stripe-test").withDialect(SimulatorDialect.STRIPE).withApiKey(SECRET)
        .withBehaviour(behaviour);
  }

  /** A create body as a Stripe client sends it: brackets percent-encoded. */
  private static String form(long amount, String currency, String paymentMethod, String attempt) {
    return "amount=" + amount + "&currency=" + currency + "&payment_method=" + paymentMethod + "&confirm=true"
        + "&metadata%5Bpayment_router_intent%5D=int_1&metadata%5Bpayment_router_attempt%5D=" + attempt;
  }

  private static String search(String query) {
    return "/v1/payment_intents/search?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8);
  }

  private HttpRequest createRequest(String key, String body, Duration timeout) {
    return authorized(HttpRequest.newBuilder(uri("/v1/payment_intents")))
        .timeout(timeout)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Idempotency-Key", key)
        .header("Stripe-Version", "2025-01-27.acacia")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private HttpResponse<String> create(String key, String body) throws IOException, InterruptedException {
    return client.send(createRequest(key, body, CLIENT_TIMEOUT), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path, boolean withKey) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
    return send(withKey ? authorized(request) : request);
  }

  private static HttpRequest.Builder authorized(HttpRequest.Builder request) {
    return request.header("Authorization", "Bearer " + SECRET);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return client.send(request.timeout(CLIENT_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create(sim.baseUrl() + path);
  }

  private static JsonNode json(HttpResponse<String> response) {
    return JSON.readTree(response.body());
  }

  /** A clock a test moves by hand, so retention is tested without waiting. */
  static final class MovableClock extends Clock {
    private volatile Instant now;

    MovableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
