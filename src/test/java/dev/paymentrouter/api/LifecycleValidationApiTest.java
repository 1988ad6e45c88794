package dev.paymentrouter.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import dev.paymentrouter.testsupport.TestEnvironment;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Capture, cancel, refunds and the capture method of create refuse bad input before anything is sent or stored,
 * each bad field named, with the same answers as create. None of these requests reaches the intent lifecycle.
 */
class LifecycleValidationApiTest extends RouterIntegrationTest {

  /** Well-formed, but no intent has it. */
  static final String SOME_INTENT = "pi_01M8PWQBTD3RPX84F6J30M34Q1";

  String apiKey;

  @BeforeEach
  void merchant() {
    apiKey = newMerchant();
  }

  static Stream<Arguments> badCommands() {
    String capture = "/v1/payment-intents/" + SOME_INTENT + "/capture";
    String cancel = "/v1/payment-intents/" + SOME_INTENT + "/cancel";
    String refunds = "/v1/refunds";
    String intent = "\"paymentIntent\": \"" + SOME_INTENT + "\"";
    return Stream.of(
        Arguments.of(capture, "{\"amount\": \"600\"}", "amount", "invalid_type"),
        Arguments.of(capture, "{\"amount\": 6.5}", "amount", "invalid_type"),
        Arguments.of(capture, "{\"amount\": 0}", "amount", "must_be_positive"),
        Arguments.of(capture, "{\"amount\": -600}", "amount", "must_be_positive"),
        Arguments.of(capture, "{\"amount\": 10000000000000}", "amount", "too_large"),
        Arguments.of(capture, "{\"amountToCapture\": 600}", "amountToCapture", "unknown_field"),
        Arguments.of(cancel, "{\"cancellationReason\": \"\"}", "cancellationReason", "required"),
        Arguments.of(cancel, "{\"cancellationReason\": \"" + "r".repeat(501) + "\"}", "cancellationReason",
            "too_long"),
        Arguments.of(cancel, "{\"cancellationReason\": 3}", "cancellationReason", "invalid_type"),
        Arguments.of(cancel, "{\"cancellationReason\": \"dup\\nlicate\"}", "cancellationReason",
            "invalid_characters"),
        Arguments.of(cancel, "{\"reason\": \"duplicate\"}", "reason", "unknown_field"),
        Arguments.of(refunds, "{}", "paymentIntent", "required"),
        Arguments.of(refunds, "{\"paymentIntent\": \"ch_123\"}", "paymentIntent", "invalid_id"),
        Arguments.of(refunds, "{" + intent + ", \"amount\": 0}", "amount", "must_be_positive"),
        Arguments.of(refunds, "{" + intent + ", \"amount\": \"100\"}", "amount", "invalid_type"),
        Arguments.of(refunds, "{" + intent + ", \"reason\": \"\"}", "reason", "required"),
        Arguments.of(refunds, "{" + intent + ", \"metadata\": {\"n\": 1}}", "metadata.n", "invalid_type"),
        Arguments.of(refunds, "{" + intent + ", \"charge\": \"ch_1\"}", "charge", "unknown_field"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("badCommands")
  void aCommandWithABadFieldIsRefusedNamingIt(String path, String body, String field, String code) {
    post(path, body, newKey())
        .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.code").isEqualTo("validation_failed")
        .jsonPath("$.errors[0].field").isEqualTo(field)
        .jsonPath("$.errors[0].code").isEqualTo(code);
  }

  @Test
  void everyBadFieldOfARefundIsNamedInOneAnswer() {
    post("/v1/refunds", "{\"paymentIntent\": \"pi_x\", \"amount\": -1, \"reason\": 7, \"colour\": \"red\"}",
        newKey())
        .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
        .expectBody()
        .jsonPath("$.errors[*].field").value(fields -> assertThat(fields.toString())
            .contains("paymentIntent", "amount", "reason", "colour"));
  }

  @Test
  void everyCommandNeedsAnIdempotencyKey() {
    for (String path : new String[] {"/v1/payment-intents/" + SOME_INTENT + "/capture",
        "/v1/payment-intents/" + SOME_INTENT + "/cancel", "/v1/refunds"}) {
      post(path, "{\"paymentIntent\": \"" + SOME_INTENT + "\"}", null)
          .expectStatus().isBadRequest()
          .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
          .expectBody().jsonPath("$.code").isEqualTo("idempotency_key_missing");
    }
  }

  @Test
  void aBodyThatIsNotAJsonObjectIsMalformed() {
    post("/v1/payment-intents/" + SOME_INTENT + "/capture", "{\"amount\": ", newKey())
        .expectStatus().isBadRequest()
        .expectBody().jsonPath("$.code").isEqualTo("malformed_json");
    post("/v1/refunds", "", newKey())
        .expectStatus().isBadRequest()
        .expectBody().jsonPath("$.code").isEqualTo("malformed_json");
  }

  @Test
  void aPathIdThatCannotBeAnIntentIsNotFound() {
    post("/v1/payment-intents/pi_nope/capture", "", newKey())
        .expectStatus().isNotFound()
        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.code").isEqualTo("intent_not_found");
    post("/v1/payment-intents/x/cancel", "{}", newKey())
        .expectStatus().isNotFound()
        .expectBody().jsonPath("$.code").isEqualTo("intent_not_found");
  }

  @Test
  void aRefundIdThatCannotBeOneIsNotFound() {
    client.get().uri("/v1/refunds/ch_123")
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey)
        .exchange()
        .expectStatus().isNotFound()
        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.code").isEqualTo("refund_not_found");
  }

  @Test
  void wrongRefundListParametersAreRefusedEachByName() {
    client.get().uri("/v1/refunds?limit=101&startingAfter=pi_1&paymentIntent=re_1&colour=red")
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey)
        .exchange()
        .expectStatus().isBadRequest()
        .expectBody()
        .jsonPath("$.code").isEqualTo("validation_failed")
        .jsonPath("$.errors[*].field").value(fields -> assertThat(fields.toString())
            .contains("limit", "startingAfter", "paymentIntent", "colour"));
  }

  @Test
  void commandsAndRefundsNeedAnApiKey() {
    client.post().uri("/v1/payment-intents/" + SOME_INTENT + "/capture").header("Idempotency-Key", newKey())
        .exchange().expectStatus().isUnauthorized().expectBody();
    client.get().uri("/v1/refunds").exchange().expectStatus().isUnauthorized().expectBody();
    client.get().uri("/v1/refunds/re_1").exchange().expectStatus().isUnauthorized().expectBody();
  }

  @ParameterizedTest
  @MethodSource("badCaptureMethods")
  void aCaptureMethodOtherThanAutomaticOrManualIsRefusedAndNothingIsStored(String value) {
    new IntentClient(client, apiKey).create(withCaptureMethod(1000, value))
        .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
        .expectBody()
        .jsonPath("$.code").isEqualTo("validation_failed")
        .jsonPath("$.errors[0].field").isEqualTo("captureMethod")
        .jsonPath("$.errors[0].code").isEqualTo("invalid_capture_method");
    assertThat(countIntentsOf(apiKey)).isZero();
  }

  static Stream<String> badCaptureMethods() {
    return Stream.of("\"Manual\"", "\"later\"", "\"\"", "1", "true");
  }

  @Test
  void aManualCreateHoldsTheAuthorizationUntilCaptured() {
    JsonNode intent = IntentClient.read(new IntentClient(client, apiKey)
        .create(withCaptureMethod(1000, "\"manual\""), newKey(), "wait=5")
        .expectStatus().isCreated()
        .expectBody().returnResult().getResponseBody());

    assertThat(intent.path("status").stringValue()).isEqualTo("requires_capture");
    assertThat(intent.path("captureMethod").stringValue()).isEqualTo("manual");
    assertThat(intent.path("amountCapturable").longValue()).isEqualTo(1000);
    assertThat(intent.path("amountReceived").longValue()).isZero();
    assertThat(intent.path("refunds").isEmpty()).isTrue();
    // Held at the provider, not taken: nothing captured yet.
    String attemptKey = intent.path("id").stringValue() + "_1";
    assertThat(TestEnvironment.simulator("alpha").ledger().capturedFor(attemptKey)).isZero();
  }

  @Test
  void anAutomaticCreateShowsWhatWasReceived() {
    JsonNode intent = new IntentClient(client, apiKey).created(withCaptureMethod(1000, "\"automatic\""));

    assertThat(intent.path("status").stringValue()).isEqualTo("succeeded");
    assertThat(intent.path("captureMethod").stringValue()).isEqualTo("automatic");
    assertThat(intent.path("amountCapturable").longValue()).isZero();
    assertThat(intent.path("amountReceived").longValue()).isEqualTo(1000);
    assertThat(intent.path("amountRefunded").longValue()).isZero();
  }

  @Test
  void theCaptureMethodIsPartOfTheRequestAKeyStandsFor() {
    IntentClient merchant = new IntentClient(client, apiKey);
    String key = newKey();
    merchant.create(IntentClient.body(1000, "tok_visa"), key, null).expectStatus().isCreated().expectBody();

    // Spelling out the default is the same request; asking for a manual capture is another one.
    merchant.create(withCaptureMethod(1000, "\"automatic\""), key, null)
        .expectStatus().isOk()
        .expectHeader().valueEquals("Idempotent-Replayed", "true")
        .expectBody();
    merchant.create(withCaptureMethod(1000, "\"manual\""), key, null)
        .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
        .expectBody().jsonPath("$.code").isEqualTo("idempotency_key_reused");
  }

  private WebTestClient.ResponseSpec post(String path, String body, String idempotencyKey) {
    WebTestClient.RequestBodySpec request = client.post().uri(path)
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey)
        .contentType(MediaType.APPLICATION_JSON);
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    return request.bodyValue(body).exchange();
  }

  private static String withCaptureMethod(long amount, String captureMethod) {
    String body = IntentClient.body(amount, "tok_visa");
    return body.substring(0, body.length() - 1) + ", \"captureMethod\": " + captureMethod + "}";
  }

  private static String newKey() {
    return "key-" + UUID.randomUUID();
  }
}
