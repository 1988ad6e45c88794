package dev.paymentrouter.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
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

/** The Adyen dialect over real HTTP: Checkout v71 payments as a connector sends them, every answer read. */
class AdyenDialectTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final Clock FIXED_CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final String API_KEY = "AQE_simulated_key";
  private static final String MERCHANT = "RouterECOM";
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
  @ValueSource(strings = {"stored:tok_visa", "encrypted:test_tok_approve", "number:4111111111111111",
      "encrypted:test_4111111111111111"})
  void authorisesAndRecordsTheUniformLedger(String method) throws Exception {
    start(SimulatorBehaviour.reliable());

    HttpResponse<String> response = pay("key-1", payment(1299, "EUR", method, "att_1"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Idempotency-Key")).hasValue("key-1");
    JsonNode body = json(response);
    String psp = body.get("pspReference").stringValue();
    assertThat(psp).matches("[0-9A-Z]{16}");
    assertThat(body.get("resultCode").stringValue()).isEqualTo("Authorised");
    assertThat(body.get("merchantReference").stringValue()).isEqualTo("att_1");
    assertThat(body.get("amount").get("value").longValue()).isEqualTo(1299);
    assertThat(body.get("amount").get("currency").stringValue()).isEqualTo("EUR");
    assertThat(sim.ledger().charges()).singleElement().isEqualTo(new SimulatorCharge(psp, "key-1", "att_1", 1299,
        "EUR", "approved", null, NOW));
  }

  @ParameterizedTest
  @CsvSource({
      "tok_card_declined, 2, Refused",
      "tok_insufficient_funds, 12, Not enough balance",
      "tok_expired_card, 6, Expired Card",
      "tok_stolen_card, 5, Blocked Card",
      "tok_fraudulent, 20, FRAUD",
      "tok_incorrect_cvc, 24, CVC Declined",
      "tok_issuer_unavailable, 9, Issuer Unavailable",
      "tok_processing_error, 4, Acquirer Error"
  })
  void refusesWithAdyensRefusalReason(String token, String code, String reason) throws Exception {
    start(SimulatorBehaviour.reliable());

    HttpResponse<String> response = pay("key-1", payment(500, "EUR", "stored:" + token, "att_1"));

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = json(response);
    assertThat(body.get("resultCode").stringValue()).isEqualTo("Refused");
    assertThat(body.get("refusalReasonCode").stringValue()).isEqualTo(code);
    assertThat(body.get("refusalReason").stringValue()).isEqualTo(reason);
    assertThat(sim.ledger().charges()).singleElement().extracting(SimulatorCharge::status).isEqualTo("declined");
  }

  @Test
  void redirectsTheShopperForActionWithoutCharging() throws Exception {
    start(SimulatorBehaviour.reliable());

    JsonNode body = json(pay("key-1", payment(500, "EUR", "stored:tok_requires_action", "att_1")));

    assertThat(body.get("resultCode").stringValue()).isEqualTo("RedirectShopper");
    assertThat(body.get("action").get("type").stringValue()).isEqualTo("redirect");
    assertThat(sim.ledger().charges()).singleElement().extracting(SimulatorCharge::status)
        .isEqualTo("requires_action");
    assertThat(sim.ledger().approvedCountFor("att_1")).isZero();
  }

  @Test
  void answersPendingAndReplaysTheStoredPendingAnswer() throws Exception {
    start(SimulatorBehaviour.reliable());
    String request = payment(500, "EUR", "stored:tok_pending", "att_1");

    HttpResponse<String> first = pay("key-1", request);
    HttpResponse<String> replay = pay("key-1", request);

    assertThat(json(first).get("resultCode").stringValue()).isEqualTo("Pending");
    assertThat(replay.body()).isEqualTo(first.body());
    assertThat(sim.ledger().charges()).singleElement().extracting(SimulatorCharge::status).isEqualTo("pending");
    assertThat(sim.ledger().approvedCountFor("att_1")).isZero();
  }

  @Test
  void refusesAMissingOrWrongApiKeyAndAnotherMerchantAccount() throws Exception {
    start(SimulatorBehaviour.reliable());
    String request = payment(100, "EUR", "stored:tok_visa", "att_1");

    HttpResponse<String> missing = send(HttpRequest.newBuilder(uri("/v71/payments"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(request)));
    HttpResponse<String> wrong = send(HttpRequest.newBuilder(uri("/v71/payments"))
        .header("X-API-Key", "AQE_wrong").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(request)));
    HttpResponse<String> otherAccount = pay("key-1", request.replace(MERCHANT, "SomeoneElse"));

    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(json(missing).get("errorType").stringValue()).isEqualTo("security");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).doesNotContain("AQE_wrong");
    assertThat(otherAccount.statusCode()).isEqualTo(403);
    assertThat(json(otherAccount).get("errorCode").stringValue()).isEqualTo("901");
    assertThat(sim.ledger().charges()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"merchantAccount\":\"RouterECOM\",\"reference\":\"r\",\"paymentMethod\":{\"type\":\"scheme\",\"number\":\"4111111111111111\"}} | 100",
      "{\"merchantAccount\":\"RouterECOM\",\"amount\":{\"value\":1,\"currency\":\"EUR\"},\"paymentMethod\":{\"type\":\"scheme\",\"number\":\"4111111111111111\"}} | 130",
      "{\"merchantAccount\":\"RouterECOM\",\"amount\":{\"value\":1,\"currency\":\"EUR\"},\"reference\":\"r\",\"paymentMethod\":{\"type\":\"scheme\",\"number\":\"12ab\"}} | 101",
      "{\"merchantAccount\":\"RouterECOM\",\"amount\":{\"value\":1,\"currency\":\"EUR\"},\"reference\":\"r\",\"paymentMethod\":{\"type\":\"scheme\",\"storedPaymentMethodId\":\"tok_visa\"}} | 000"
  })
  void validatesWithAdyensErrorShapeAndStoresNothing(String body, String errorCode) throws Exception {
    start(SimulatorBehaviour.reliable());

    HttpResponse<String> response = pay("key-1", body);
    HttpResponse<String> corrected = pay("key-1", payment(100, "EUR", "stored:tok_visa", "att_1"));

    assertThat(response.statusCode()).isEqualTo(422);
    JsonNode error = json(response);
    assertThat(error.get("status").intValue()).isEqualTo(422);
    assertThat(error.get("errorCode").stringValue()).isEqualTo(errorCode);
    assertThat(error.get("errorType").stringValue()).isEqualTo("validation");
    assertThat(error.get("message").stringValue()).isNotBlank();
    assertThat(json(corrected).get("resultCode").stringValue()).isEqualTo("Authorised");
  }

  @Test
  void refusesAReferenceLongerThan80AndAKeyLongerThan64() throws Exception {
    start(SimulatorBehaviour.reliable());

    HttpResponse<String> longReference = pay("key-1", payment(100, "EUR", "stored:tok_visa", "r".repeat(81)));
    HttpResponse<String> longKey = pay("k".repeat(65), payment(100, "EUR", "stored:tok_visa", "att_1"));
    HttpResponse<String> notJson = pay("key-2", "amount=1");

    assertThat(longReference.statusCode()).isEqualTo(422);
    assertThat(longKey.statusCode()).isEqualTo(422);
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(json(notJson).get("errorCode").stringValue()).isEqualTo("702");
    assertThat(sim.ledger().charges()).isEmpty();
  }

  @Test
  void replaysTheSameBodyAndRefusesAnotherUnderTheSameKey() throws Exception {
    start(SimulatorBehaviour.reliable());
    HttpResponse<String> first = pay("key-1", payment(1299, "EUR", "stored:tok_visa", "att_1"));

    HttpResponse<String> replay = pay("key-1", payment(1299, "EUR", "stored:tok_visa", "att_1"));
    HttpResponse<String> other = pay("key-1", payment(1300, "EUR", "stored:tok_visa", "att_1"));

    assertThat(replay.body()).isEqualTo(first.body());
    assertThat(other.statusCode()).isEqualTo(422);
    assertThat(json(other).get("errorCode").stringValue()).isEqualTo("704");
    assertThat(other.headers().firstValue("transient-error")).isEmpty();
    assertThat(sim.ledger().charges()).hasSize(1);
    assertThat(sim.stats().replays()).isEqualTo(1);
  }

  @Test
  void answersInProgressForTheKeyOfARunningPayment() throws Exception {
    start(SimulatorBehaviour.reliable().withLatencyMs(2_000));
    String body = payment(100, "EUR", "stored:tok_visa", "att_1");
    CompletableFuture<HttpResponse<String>> first = client.sendAsync(payRequest("key-1", body, CLIENT_TIMEOUT),
        HttpResponse.BodyHandlers.ofString());
    await().atMost(Duration.ofSeconds(5)).until(() -> sim.inFlightCount() == 1);

    HttpResponse<String> concurrent = pay("key-1", body);

    assertThat(concurrent.statusCode()).isEqualTo(409);
    assertThat(json(concurrent).get("errorCode").stringValue()).isEqualTo("704");
    assertThat(concurrent.headers().firstValue("transient-error")).hasValue("true");
    assertThat(first.get().statusCode()).isEqualTo(200);
    assertThat(sim.ledger().charges()).hasSize(1);
  }

  @Test
  void doesNotStoreA500SoTheRetryIsProcessed() throws Exception {
    start(SimulatorBehaviour.reliable().withErrorRate(1.0));
    String body = payment(100, "EUR", "number:4111111111111111", "att_1");
    HttpResponse<String> failed = pay("key-1", body);

    sim.update(SimulatorBehaviour.reliable());
    HttpResponse<String> retry = pay("key-1", body);

    assertThat(failed.statusCode()).isEqualTo(500);
    assertThat(json(failed).get("status").intValue()).isEqualTo(500);
    assertThat(json(retry).get("resultCode").stringValue()).isEqualTo("Authorised");
  }

  @Test
  void rateLimitsAndAnswersUnavailableInAdyensShape() throws Exception {
    start(SimulatorBehaviour.reliable().withRateLimitPerSecond(1));
    pay("key-1", payment(100, "EUR", "stored:tok_visa", "att_1"));

    HttpResponse<String> limited = pay("key-2", payment(100, "EUR", "stored:tok_visa", "att_2"));
    HttpResponse<String> unavailable = pay("key-3", payment(100, "EUR", "stored:tok_unavailable", "att_3"));

    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(json(limited).get("status").intValue()).isEqualTo(429);
    assertThat(unavailable.statusCode()).isEqualTo(429);
    sim.update(SimulatorBehaviour.reliable());
    HttpResponse<String> down = pay("key-4", payment(100, "EUR", "stored:tok_unavailable", "att_4"));
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(json(down).get("status").intValue()).isEqualTo(503);
    assertThat(sim.ledger().charges()).hasSize(1);
  }

  @Test
  void chargesOnceForALostResponseAndTheReplayAnswersTheCharge() throws Exception {
    start(SimulatorBehaviour.reliable());
    String body = payment(1299, "EUR", "stored:tok_lost_response", "att_lost");

    assertThatThrownBy(() -> client.send(payRequest("key-1", body, Duration.ofMillis(300)),
        HttpResponse.BodyHandlers.ofString())).isInstanceOf(HttpTimeoutException.class);
    HttpResponse<String> replay = pay("key-1", body);

    assertThat(replay.statusCode()).isEqualTo(200);
    assertThat(json(replay).get("resultCode").stringValue()).isEqualTo("Authorised");
    assertThat(json(replay).get("pspReference").stringValue()).isEqualTo(sim.ledger().charges().getFirst().id());
    assertThat(sim.ledger().approvedCountFor("att_lost")).isEqualTo(1);
    assertThat(sim.ledger().charges()).hasSize(1);
  }

  @Test
  void hasNoStatusEndpointAndShowsItsDialect() throws Exception {
    start(SimulatorBehaviour.reliable());

    HttpResponse<String> status = send(HttpRequest.newBuilder(uri("/v71/payments/ABC")).header("X-API-Key", API_KEY)
        .GET());

    assertThat(status.statusCode()).isEqualTo(404);
    assertThat(json(status).get("status").intValue()).isEqualTo(404);
    assertThat(json(send(HttpRequest.newBuilder(uri("/_sim/config")).GET())).get("dialect").stringValue())
        .isEqualTo("adyen");
  }

  // ---- helpers ----

  private void start(SimulatorBehaviour behaviour) {
    sim = ProviderSimulator.start(SimulatorSettings.local("adyen-test").withDialect(SimulatorDialect.ADYEN)
        .withApiKey(API_KEY).withMerchantAccount(MERCHANT).withBehaviour(behaviour), FIXED_CLOCK,
        new SplittableRandom(7));
  }

  /** A payment body: {@code stored:<id>} a stored card (ContAuth), {@code encrypted:} or {@code number:} card fields. */
  private static String payment(long value, String currency, String method, String reference) {
    String kind = method.substring(0, method.indexOf(':'));
    String token = method.substring(method.indexOf(':') + 1);
    String paymentMethod = switch (kind) {
      case "stored" -> "{\"type\":\"scheme\",\"storedPaymentMethodId\":\"" + token + "\"}";
      case "encrypted" -> "{\"type\":\"scheme\",\"encryptedCardNumber\":\"" + token + "\"}";
      default -> "{\"type\":\"scheme\",\"number\":\"" + token + "\"}";
    };
    return """
        {"merchantAccount":"%s","amount":{"value":%d,"currency":"%s"},"reference":"%s","paymentMethod":%s,\
        "shopperReference":"shopper-1","shopperInteraction":"ContAuth","recurringProcessingModel":"UnscheduledCardOnFile"}"""
        .formatted(MERCHANT, value, currency, reference, paymentMethod);
  }

  private HttpRequest payRequest(String key, String body, Duration timeout) {
    return HttpRequest.newBuilder(uri("/v71/payments"))
        .timeout(timeout)
        .header("X-API-Key", API_KEY)
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", key)
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private HttpResponse<String> pay(String key, String body) throws IOException, InterruptedException {
    return client.send(payRequest(key, body, CLIENT_TIMEOUT), HttpResponse.BodyHandlers.ofString());
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
}
