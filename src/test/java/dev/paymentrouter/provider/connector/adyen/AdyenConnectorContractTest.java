package dev.paymentrouter.provider.connector.adyen;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.paymentrouter.provider.connector.ConnectorSettings;
import dev.paymentrouter.provider.connector.ContractStubs;
import dev.paymentrouter.provider.domain.ChargeStatus;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.provider.domain.ProviderRequest;
import dev.paymentrouter.provider.domain.StatusQuery;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Adyen connector against stubbed answers modelled on Adyen's Checkout API v71 (see
 * {@code src/test/resources/adyen/README.md}): what it sends, and the outcome each answer maps to.
 */
class AdyenConnectorContractTest {

  @RegisterExtension
  static WireMockExtension adyen = WireMockExtension.newInstance()
      .options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort())
      .build();

  static final Duration WAIT = Duration.ofSeconds(10);
  static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final String API_KEY = "AQE_test_api_key";
  static final String MERCHANT = "PaymentRouterECOM";
  static final String STORED_CARD = "shopper-42:M5N7TQ4TG5PFWR50";
  static final String ENCRYPTED_CARD = "{\"type\":\"scheme\",\"encryptedCardNumber\":\"test_4111111111111111\","
      + "\"encryptedExpiryMonth\":\"test_03\",\"encryptedExpiryYear\":\"test_2030\","
      + "\"encryptedSecurityCode\":\"test_737\"}";

  /** The body for {@link #request(String)} with {@link #STORED_CARD}, byte for byte. */
  static final String STORED_CARD_BODY = "{\"merchantAccount\":\"PaymentRouterECOM\","
      + "\"amount\":{\"value\":1299,\"currency\":\"EUR\"},"
      + "\"reference\":\"pi_3f2a9c_1\","
      + "\"paymentMethod\":{\"type\":\"scheme\",\"storedPaymentMethodId\":\"M5N7TQ4TG5PFWR50\"},"
      + "\"shopperReference\":\"shopper-42\","
      + "\"shopperInteraction\":\"ContAuth\","
      + "\"recurringProcessingModel\":\"UnscheduledCardOnFile\","
      + "\"metadata\":{\"router_intent\":\"pi_3f2a9c\",\"router_attempt\":\"1\"}}";

  /** The body for {@link #request(String)} with {@link #ENCRYPTED_CARD}: its fields sorted, no ContAuth. */
  static final String ENCRYPTED_CARD_BODY = "{\"merchantAccount\":\"PaymentRouterECOM\","
      + "\"amount\":{\"value\":1299,\"currency\":\"EUR\"},"
      + "\"reference\":\"pi_3f2a9c_1\","
      + "\"paymentMethod\":{\"encryptedCardNumber\":\"test_4111111111111111\","
      + "\"encryptedExpiryMonth\":\"test_03\",\"encryptedExpiryYear\":\"test_2030\","
      + "\"encryptedSecurityCode\":\"test_737\",\"type\":\"scheme\"},"
      + "\"metadata\":{\"router_intent\":\"pi_3f2a9c\",\"router_attempt\":\"1\"}}";

  AdyenConnector connector;

  @AfterEach
  void closeConnector() {
    if (connector != null) {
      connector.close();
    }
  }

  // --- every row of the outcome table, with what was sent -------------------------------------------------------

  static Stream<Arguments> paymentAnswers() {
    return Stream.of(
        Arguments.of("authorised.json", new ProviderOutcome.Approved("993617895204576J")),
        Arguments.of("refused-not-enough-balance.json", new ProviderOutcome.Declined("not_enough_balance", false)),
        Arguments.of("refused-issuer-unavailable.json", new ProviderOutcome.Declined("issuer_unavailable", true)),
        Arguments.of("refused-unlisted-reason.json", new ProviderOutcome.Declined("refused_99", false)),
        Arguments.of("refused-without-reason-code.json", new ProviderOutcome.Declined("refused", false)),
        Arguments.of("cancelled.json", new ProviderOutcome.Declined("cancelled", false)),
        Arguments.of("error.json", new ProviderOutcome.Unknown("provider_error", "8836183819713028")),
        Arguments.of("pending.json", new ProviderOutcome.Unknown("provider_pending", "8836183819713029")),
        Arguments.of("received.json", new ProviderOutcome.Unknown("provider_pending", "8816178914079738")),
        Arguments.of("partially-authorised.json",
            new ProviderOutcome.Unknown("provider_partially_authorised", "8836183819713030")),
        Arguments.of("unexpected-result-code.json",
            new ProviderOutcome.Unknown("unexpected_result_code", "8836183819713031")),
        Arguments.of("redirect-shopper.json",
            new ProviderOutcome.ActionRequired("JLCMPCQ8HXSKGK82", "RedirectShopper")),
        Arguments.of("challenge-shopper.json",
            new ProviderOutcome.ActionRequired("LTQ4SNZ9S8M6DD82", "ChallengeShopper")),
        // Adyen's own example names no pspReference: the action is still recorded.
        Arguments.of("identify-shopper.json", new ProviderOutcome.ActionRequired("", "IdentifyShopper")),
        Arguments.of("present-to-shopper.json",
            new ProviderOutcome.ActionRequired("8815658961765250", "PresentToShopper")));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("paymentAnswers")
  void mapsEachPaymentAnswerAndSendsTheStoredCardAsAMerchantInitiatedPayment(String file, ProviderOutcome expected) {
    stub(200, resource(file));
    assertThat(authorize(request(STORED_CARD))).isEqualTo(expected);
    assertSentOnce(STORED_CARD_BODY, "pi_3f2a9c_1");
  }

  static Stream<Arguments> errorAnswers() {
    return Stream.of(
        // Refused before anything else, and every request will be: configuration errors.
        Arguments.of(401, "error-401-unauthorized.json",
            new ProviderOutcome.NotSent("provider_rejected_401_000", true)),
        Arguments.of(403, "error-403-invalid-merchant-account.json",
            new ProviderOutcome.NotSent("provider_rejected_403_901", true)),
        Arguments.of(400, "error-400-unexpected-input.json",
            new ProviderOutcome.NotSent("provider_rejected_400_702", true)),
        Arguments.of(422, "error-422-return-url-missing.json",
            new ProviderOutcome.NotSent("provider_rejected_422_14_030", true)),
        // Validation errors about the shopper's payment method: this payment only.
        Arguments.of(422, "error-422-invalid-card-number.json",
            new ProviderOutcome.NotSent("provider_rejected_422_101", false)),
        Arguments.of(422, "error-422-stored-method-not-found.json",
            new ProviderOutcome.NotSent("provider_rejected_422_803", false)),
        Arguments.of(422, "error-422-unlisted-code.json",
            new ProviderOutcome.NotSent("provider_rejected_422_129", false)),
        // The first request under the key is in progress: it may charge.
        Arguments.of(409, "error-409-in-progress.json", new ProviderOutcome.Unknown("provider_request_in_progress")),
        Arguments.of(422, "error-422-in-progress.json", new ProviderOutcome.Unknown("provider_request_in_progress")),
        Arguments.of(500, "error-500.json", new ProviderOutcome.Unknown("provider_status_500", "8516091485743033")),
        // Not Adyen's error body: something in between answered, and may have forwarded the request.
        Arguments.of(502, "error-page.html", new ProviderOutcome.Unknown("provider_status_502")),
        Arguments.of(422, "error-page.html", new ProviderOutcome.Unknown("provider_status_422")),
        Arguments.of(401, "error-page.html", new ProviderOutcome.NotSent("provider_rejected_401", true)),
        Arguments.of(404, "error-page.html", new ProviderOutcome.NotSent("provider_rejected_404", true)));
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @MethodSource("errorAnswers")
  void mapsEachErrorAnswerAndSendsThePaymentMethodAsACustomerPresentPayment(
      int status, String file, ProviderOutcome expected) {
    stub(status, resource(file));
    assertThat(authorize(request(ENCRYPTED_CARD))).isEqualTo(expected);
    assertSentOnce(ENCRYPTED_CARD_BODY, "pi_3f2a9c_1");
  }

  @Test
  void asksAdyenToAuthorizeOnlyWhenTheRequestIsForManualCaptureAndReplaysTheSameBytes() {
    stub(200, resource("authorised.json"));
    ProviderRequest request = new ProviderRequest("pi_3f2a9c", 1, "adyen", "pi_3f2a9c_1", 1299, "EUR", STORED_CARD,
        true);
    assertThat(authorize(request)).isEqualTo(new ProviderOutcome.Approved("993617895204576J"));
    connector.status(query(request, NOW.minus(Duration.ofMinutes(5)))).block(WAIT);
    // PaymentRequest.additionalData (AdditionalDataCommon.manualCapture, a string), after the automatic body's fields.
    String expected = STORED_CARD_BODY.substring(0, STORED_CARD_BODY.length() - 1)
        + ",\"additionalData\":{\"manualCapture\":\"true\"}}";
    List<ServeEvent> sent = sent();
    assertThat(sent).hasSize(2);
    assertThat(sent.get(0).getRequest().getBodyAsString()).isEqualTo(expected);
    assertThat(sent.get(1).getRequest().getBody()).isEqualTo(sent.get(0).getRequest().getBody());
  }

  @Test
  void mapsARateLimitToNotSent() {
    stub(429, "");
    assertThat(authorize(request(STORED_CARD))).isEqualTo(new ProviderOutcome.NotSent("provider_rate_limited"));
  }

  @Test
  void sendsToTheLivePrefixPathOfTheBaseUrl() {
    adyen.stubFor(post(urlEqualTo("/checkout/v71/payments"))
        .willReturn(aResponse().withStatus(200).withBody(resource("authorised.json"))));
    connector = connector(baseUrl() + "/checkout", Duration.ofSeconds(5));
    assertThat(connector.authorize(request(STORED_CARD)).block(WAIT))
        .isEqualTo(new ProviderOutcome.Approved("993617895204576J"));
  }

  @Test
  void derivesA64CharacterIdempotencyKeyFromALongKeyTheSameWayEveryTime() {
    stub(200, resource("authorised.json"));
    String longKey = "pi_" + "a".repeat(90) + "_1";
    ProviderRequest request = new ProviderRequest("pi_3f2a9c", 1, "adyen", longKey, 1299, "EUR", STORED_CARD);
    authorize(request);
    authorize(request);
    List<ServeEvent> sent = sent();
    String key = sent.get(0).getRequest().getHeader("Idempotency-Key");
    assertThat(key).hasSize(64).matches("[0-9a-f]{64}")
        .isEqualTo(sent.get(1).getRequest().getHeader("Idempotency-Key"));
    // The reference is Adyen's (at most 80 characters) and names the same attempt.
    assertThat(sent.get(0).getRequest().getBodyAsString()).contains("\"reference\":\"" + key + "\"");
  }

  @Test
  void refusesATokenItCannotUseWithoutSendingIt() {
    assertThat(authorize(request("tok_visa"))).isEqualTo(new ProviderOutcome.NotSent("unusable_payment_token"));
    assertThat(sent()).isEmpty();
  }

  // --- broken exchanges -----------------------------------------------------------------------------------------

  @Test
  void aProviderThatDoesNotAnswerInTimeIsUnknown() {
    adyen.stubFor(post(urlEqualTo("/v71/payments"))
        .willReturn(aResponse().withStatus(200).withBody(resource("authorised.json")).withFixedDelay(2_000)));
    connector = connector(baseUrl(), Duration.ofMillis(200));
    assertThat(connector.authorize(request(STORED_CARD)).block(WAIT)).isEqualTo(new ProviderOutcome.Unknown("timeout"));
  }

  @Test
  void aTruncatedBodyIsUnknown() {
    stub(200, "{\"pspReference\":\"993617895204576J\",\"resultCo");
    assertThat(authorize(request(STORED_CARD))).isEqualTo(new ProviderOutcome.Unknown("malformed_response"));
  }

  @Test
  void aBrokenChunkedBodyIsUnknown() {
    fault(Fault.MALFORMED_RESPONSE_CHUNK);
    assertThat(authorize(request(STORED_CARD))).isInstanceOf(ProviderOutcome.Unknown.class);
  }

  @Test
  void anHtmlPageInsteadOfJsonIsUnknown() {
    adyen.stubFor(post(urlEqualTo("/v71/payments")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "text/html").withBody(resource("error-page.html"))));
    assertThat(authorize(request(STORED_CARD))).isEqualTo(new ProviderOutcome.Unknown("malformed_response"));
  }

  @Test
  void aResetConnectionIsUnknown() {
    fault(Fault.CONNECTION_RESET_BY_PEER);
    assertThat(authorize(request(STORED_CARD))).isInstanceOf(ProviderOutcome.Unknown.class);
  }

  @Test
  void aConnectionClosedWithoutAnAnswerIsUnknown() {
    fault(Fault.EMPTY_RESPONSE);
    assertThat(authorize(request(STORED_CARD))).isInstanceOf(ProviderOutcome.Unknown.class);
  }

  @Test
  void anEmptyAnswerIsUnknown() {
    stub(200, "");
    assertThat(authorize(request(STORED_CARD))).isEqualTo(new ProviderOutcome.Unknown("empty_response"));
  }

  @Test
  void aRefusedConnectionIsNotSent() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    connector = connector("http://127.0.0.1:" + closedPort, Duration.ofSeconds(1));
    assertThat(connector.authorize(request(STORED_CARD)).block(WAIT))
        .isEqualTo(new ProviderOutcome.NotSent("connection_refused"));
  }

  // --- reconciliation by replay -----------------------------------------------------------------------------------

  @Test
  void replaysTheSameBytesUnderTheSameKey() {
    stub(200, resource("authorised.json"));
    ProviderRequest request = request(ENCRYPTED_CARD);
    authorize(request);
    ChargeStatus status = connector.status(query(request, NOW.minus(Duration.ofMinutes(5)))).block(WAIT);
    assertThat(status).isEqualTo(new ChargeStatus.Charged("993617895204576J"));
    List<ServeEvent> sent = sent();
    assertThat(sent).hasSize(2);
    assertThat(sent.get(1).getRequest().getBody()).isEqualTo(sent.get(0).getRequest().getBody());
    assertThat(sent.get(1).getRequest().getHeader("Idempotency-Key"))
        .isEqualTo(sent.get(0).getRequest().getHeader("Idempotency-Key"));
  }

  static Stream<Arguments> replayedAnswers() {
    return Stream.of(
        Arguments.of(200, "authorised.json", new ChargeStatus.Charged("993617895204576J")),
        Arguments.of(200, "refused-not-enough-balance.json", new ChargeStatus.Declined("not_enough_balance", false)),
        Arguments.of(200, "refused-issuer-unavailable.json", new ChargeStatus.Declined("issuer_unavailable", true)),
        Arguments.of(200, "cancelled.json", new ChargeStatus.Declined("cancelled", false)),
        Arguments.of(200, "redirect-shopper.json",
            new ChargeStatus.ActionRequired("JLCMPCQ8HXSKGK82", "RedirectShopper")),
        Arguments.of(200, "challenge-shopper.json",
            new ChargeStatus.ActionRequired("LTQ4SNZ9S8M6DD82", "ChallengeShopper")),
        Arguments.of(200, "identify-shopper.json", new ChargeStatus.ActionRequired("", "IdentifyShopper")),
        Arguments.of(200, "pending.json", new ChargeStatus.Unavailable("provider_pending")),
        Arguments.of(200, "received.json", new ChargeStatus.Unavailable("provider_pending")),
        Arguments.of(200, "error.json", new ChargeStatus.Unavailable("provider_error")),
        Arguments.of(200, "partially-authorised.json", new ChargeStatus.Unavailable("provider_partially_authorised")),
        Arguments.of(409, "error-409-in-progress.json", new ChargeStatus.Unavailable("provider_request_in_progress")),
        Arguments.of(500, "error-500.json", new ChargeStatus.Unavailable("provider_status_500")),
        Arguments.of(502, "error-page.html", new ChargeStatus.Unavailable("provider_status_502")),
        // A replay refused before processing says nothing about the first request.
        Arguments.of(422, "error-422-invalid-card-number.json",
            new ChargeStatus.Unavailable("provider_rejected_422_101")),
        Arguments.of(401, "error-401-unauthorized.json", new ChargeStatus.Unavailable("provider_rejected_401_000")));
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @MethodSource("replayedAnswers")
  void mapsEachReplayedAnswer(int status, String file, ChargeStatus expected) {
    stub(status, resource(file));
    connector = connector(baseUrl(), Duration.ofSeconds(5));
    ProviderRequest request = request(STORED_CARD);
    assertThat(connector.status(query(request, NOW.minus(Duration.ofDays(6)))).block(WAIT)).isEqualTo(expected);
    assertSentOnce(STORED_CARD_BODY, "pi_3f2a9c_1");
  }

  @Test
  void aReplayThatTimesOutIsUnavailable() {
    adyen.stubFor(post(urlEqualTo("/v71/payments"))
        .willReturn(aResponse().withStatus(200).withBody(resource("authorised.json")).withFixedDelay(2_000)));
    connector = connector(baseUrl(), Duration.ofMillis(200));
    assertThat(connector.status(query(request(STORED_CARD), NOW)).block(WAIT))
        .isEqualTo(new ChargeStatus.Unavailable("timeout"));
  }

  @Test
  void doesNotReplayWithoutTheChargeAsSent() {
    connector = connector(baseUrl(), Duration.ofSeconds(5));
    assertThat(connector.status(StatusQuery.byReference("pi_3f2a9c_1", NOW)).block(WAIT))
        .isEqualTo(new ChargeStatus.Unavailable("cannot_replay"));
    assertThat(sent()).isEmpty();
  }

  @Test
  void doesNotReplayOnceAdyenMayHaveForgottenTheKey() {
    connector = connector(baseUrl(), Duration.ofSeconds(5));
    Instant sentAt = NOW.minus(AdyenConnector.IDEMPOTENCY_WINDOW);
    assertThat(connector.status(query(request(STORED_CARD), sentAt)).block(WAIT))
        .isEqualTo(new ChargeStatus.Unavailable("idempotency_window_passed"));
    assertThat(sent()).isEmpty();
  }

  // --- helpers ------------------------------------------------------------------------------------------------------

  private ProviderOutcome authorize(ProviderRequest request) {
    if (connector == null) {
      connector = connector(baseUrl(), Duration.ofSeconds(5));
    }
    return connector.authorize(request).block(WAIT);
  }

  private static void assertSentOnce(String body, String idempotencyKey) {
    adyen.verify(1, postRequestedFor(urlEqualTo("/v71/payments"))
        .withHeader("X-API-Key", equalTo(API_KEY))
        .withHeader("Idempotency-Key", equalTo(idempotencyKey))
        .withHeader("Content-Type", equalTo("application/json")));
    // Byte for byte, so that a replay matches the first request.
    assertThat(new String(sent().get(0).getRequest().getBody(), StandardCharsets.UTF_8)).isEqualTo(body);
  }

  private static List<ServeEvent> sent() {
    // WireMock lists the newest first.
    return adyen.getAllServeEvents().reversed();
  }

  private static void stub(int status, String body) {
    adyen.stubFor(post(urlEqualTo("/v71/payments")).willReturn(aResponse().withStatus(status)
        .withHeader("Content-Type", "application/json").withBody(body)));
  }

  private static void fault(Fault fault) {
    adyen.stubFor(post(urlEqualTo("/v71/payments")).willReturn(aResponse().withFault(fault)));
  }

  private static String baseUrl() {
    return "http://127.0.0.1:" + adyen.getPort();
  }

  private static AdyenConnector connector(String baseUrl, Duration readTimeout) {
    return new AdyenConnector(new ConnectorSettings("adyen", URI.create(baseUrl), API_KEY, MERCHANT,
        Duration.ofSeconds(1), readTimeout, 4), JsonMapper.builder().build(), CLOCK);
  }

  private static ProviderRequest request(String token) {
    return new ProviderRequest("pi_3f2a9c", 1, "adyen", "pi_3f2a9c_1", 1299, "EUR", token);
  }

  private static StatusQuery query(ProviderRequest charge, Instant sentAt) {
    return new StatusQuery(charge.idempotencyKey(), charge, null, sentAt);
  }

  private static String resource(String name) {
    return ContractStubs.body("/adyen/" + name);
  }
}
