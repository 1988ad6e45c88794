package dev.paymentrouter.provider.connector.adyen;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
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
import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.ModificationRequest.Kind;
import dev.paymentrouter.provider.domain.ModificationRequest;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Adyen connector's captures, cancels and refunds against stubbed answers modelled on Adyen's Checkout API v71
 * (see {@code src/test/resources/adyen/README.md}): what it sends, and the outcome each answer maps to.
 */
class AdyenModificationsContractTest {

  @RegisterExtension
  static WireMockExtension adyen = WireMockExtension.newInstance()
      .options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort())
      .build();

  static final Duration WAIT = Duration.ofSeconds(10);
  static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final String API_KEY = "AQE_test_api_key";
  static final String MERCHANT = "PaymentRouterECOM";
  static final String PAYMENT = "993617894903480A";

  AdyenConnector connector;

  @AfterEach
  void closeConnector() {
    if (connector != null) {
      connector.close();
    }
  }

  // --- what is sent -----------------------------------------------------------------------------------------------

  /** Each kind: its path, its body byte for byte (spec examples for PaymentCaptureRequest, ...), its answer. */
  static Stream<Arguments> modifications() {
    return Stream.of(
        Arguments.of(Kind.CAPTURE, "/captures", "capture-received.json",
            "{\"merchantAccount\":\"PaymentRouterECOM\",\"amount\":{\"value\":1000,\"currency\":\"EUR\"},"
                + "\"reference\":\"pi_3f2a9c_capture_1\"}",
            new ModificationOutcome.Pending("993617894906488A")),
        // A cancel releases the whole authorization: no amount.
        Arguments.of(Kind.CANCEL, "/cancels", "cancel-received.json",
            "{\"merchantAccount\":\"PaymentRouterECOM\",\"reference\":\"pi_3f2a9c_cancel_1\"}",
            new ModificationOutcome.Pending("993617894906489B")),
        Arguments.of(Kind.REFUND, "/refunds", "refund-received.json",
            "{\"merchantAccount\":\"PaymentRouterECOM\",\"amount\":{\"value\":1000,\"currency\":\"EUR\"},"
                + "\"reference\":\"pi_3f2a9c_refund_1\",\"merchantRefundReason\":\"CUSTOMER REQUEST\"}",
            new ModificationOutcome.Pending("993617894906490C")));
  }

  @ParameterizedTest(name = "{0} -> {4}")
  @MethodSource("modifications")
  void sendsEachModificationToItsPaymentsPathUnderItsOwnKeyAndMapsReceivedToPending(
      Kind kind, String operation, String answer, String body, ModificationOutcome expected) {
    String path = "/v71/payments/" + PAYMENT + operation;
    stub(path, 201, resource(answer));
    ModificationRequest request = request(kind, 1000, "requested_by_customer");
    assertThat(modify(request)).isEqualTo(expected);
    adyen.verify(1, postRequestedFor(urlEqualTo(path))
        .withHeader("X-API-Key", equalTo(API_KEY))
        .withHeader("Idempotency-Key", equalTo(request.idempotencyKey()))
        .withHeader("Content-Type", equalTo("application/json")));
    assertThat(sent().getFirst().getRequest().getBodyAsString()).isEqualTo(body);
  }

  @Test
  void sendsThePartialCaptureAmountAsAsked() {
    stub("/v71/payments/" + PAYMENT + "/captures", 201, resource("capture-received.json"));
    modify(request(Kind.CAPTURE, 450, null));
    assertThat(sent().getFirst().getRequest().getBodyAsString()).contains("\"amount\":{\"value\":450,");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(nullValues = "null", value = {
      "fraudulent, FRAUD", "FRAUD, FRAUD", "customer request, CUSTOMER REQUEST", "return, RETURN",
      "duplicate, DUPLICATE", "other, OTHER", "the customer changed their mind, null", "null, null"})
  void namesTheRefundReasonOnlyWhenItIsOneOfAdyens(String reason, String adyenReason) {
    stub("/v71/payments/" + PAYMENT + "/refunds", 201, resource("refund-received.json"));
    modify(request(Kind.REFUND, 1000, reason));
    String body = sent().getFirst().getRequest().getBodyAsString();
    if (adyenReason == null) {
      assertThat(body).doesNotContain("merchantRefundReason");
    } else {
      assertThat(body).endsWith(",\"merchantRefundReason\":\"" + adyenReason + "\"}");
    }
  }

  @Test
  void derivesTheKeyAndTheReferenceFromALongModificationKeyTheSameWayEveryTime() {
    stub("/v71/payments/" + PAYMENT + "/refunds", 201, resource("refund-received.json"));
    ModificationRequest request = new ModificationRequest(Kind.REFUND, "pi_3f2a9c", "adyen",
        "pi_3f2a9c_refund_" + "b".repeat(80), PAYMENT, "pi_3f2a9c_1", 1000, "EUR", null);
    modify(request);
    modify(request);
    List<ServeEvent> sent = sent();
    String key = sent.get(0).getRequest().getHeader("Idempotency-Key");
    assertThat(key).matches("[0-9a-f]{64}").isEqualTo(sent.get(1).getRequest().getHeader("Idempotency-Key"));
    assertThat(sent.get(0).getRequest().getBodyAsString()).contains("\"reference\":\"" + key + "\"");
    assertThat(sent.get(1).getRequest().getBody()).isEqualTo(sent.get(0).getRequest().getBody());
  }

  @Test
  void refusesAPaymentReferenceThatWouldChangeThePathWithoutSendingIt() {
    connector = connector(baseUrl(), Duration.ofSeconds(5));
    ModificationRequest request = new ModificationRequest(Kind.CAPTURE, "pi_3f2a9c", "adyen", "pi_3f2a9c_capture_1",
        "../refunds?x=1", "pi_3f2a9c_1", 1000, "EUR", null);
    assertThat(connector.modify(request).block(WAIT))
        .isEqualTo(new ModificationOutcome.NotSent("invalid_payment_reference"));
    assertThat(connector.modificationStatus(request, NOW).block(WAIT))
        .isEqualTo(new ModificationOutcome.Unknown("cannot_replay"));
    assertThat(sent()).isEmpty();
  }

  @Test
  void sendsNothingWithoutAMerchantAccount() {
    connector = new AdyenConnector(new ConnectorSettings("adyen", URI.create(baseUrl()), API_KEY, null,
        Duration.ofSeconds(1), Duration.ofSeconds(5), 4), JsonMapper.builder().build(), CLOCK);
    assertThat(connector.modify(request(Kind.CANCEL, 1000, null)).block(WAIT))
        .isEqualTo(new ModificationOutcome.NotSent("merchant_account_missing", true));
    assertThat(sent()).isEmpty();
  }

  // --- every row of the outcome table ---------------------------------------------------------------------------

  static Stream<Arguments> answers() {
    return Stream.of(
        // Adyen took something it does not describe the documented way: it may move money.
        Arguments.of(201, "modification-unexpected-status.json",
            new ModificationOutcome.Unknown("unexpected_modification_status")),
        // Validation errors about this payment: refused, nothing moved.
        Arguments.of(422, "error-422-original-psp-reference-required.json",
            new ModificationOutcome.Refused("payment_not_found")),
        Arguments.of(422, "error-422-invalid-amount.json", new ModificationOutcome.Refused("invalid_amount")),
        Arguments.of(422, "error-422-unlisted-code.json", new ModificationOutcome.Refused("rejected_129")),
        // The router's credentials or request: every modification fails until an operator acts.
        Arguments.of(401, "error-401-unauthorized.json",
            new ModificationOutcome.NotSent("provider_rejected_401_000", true)),
        Arguments.of(403, "error-403-invalid-merchant-account.json",
            new ModificationOutcome.NotSent("provider_rejected_403_901", true)),
        Arguments.of(403, "error-403-not-allowed.json",
            new ModificationOutcome.NotSent("provider_rejected_403_010", true)),
        Arguments.of(400, "error-400-unexpected-input.json",
            new ModificationOutcome.NotSent("provider_rejected_400_702", true)),
        Arguments.of(404, "error-page.html", new ModificationOutcome.NotSent("provider_rejected_404", true)),
        // A request under this key is in progress: it may move money.
        Arguments.of(409, "error-409-in-progress.json",
            new ModificationOutcome.Unknown("provider_request_in_progress")),
        Arguments.of(422, "error-422-in-progress.json",
            new ModificationOutcome.Unknown("provider_request_in_progress")),
        Arguments.of(500, "error-500.json", new ModificationOutcome.Unknown("provider_status_500")),
        // Not Adyen's error body: something in between answered, and may have forwarded the request.
        Arguments.of(422, "error-page.html", new ModificationOutcome.Unknown("provider_status_422")),
        Arguments.of(502, "error-page.html", new ModificationOutcome.Unknown("provider_status_502")));
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @MethodSource("answers")
  void mapsEachAnswer(int status, String file, ModificationOutcome expected) {
    stub("/v71/payments/" + PAYMENT + "/captures", status, resource(file));
    assertThat(modify(request(Kind.CAPTURE, 1000, null))).isEqualTo(expected);
  }

  @Test
  void mapsARateLimitToNotSent() {
    stub("/v71/payments/" + PAYMENT + "/refunds", 429, "");
    assertThat(modify(request(Kind.REFUND, 1000, null)))
        .isEqualTo(new ModificationOutcome.NotSent("provider_rate_limited"));
  }

  // --- broken exchanges -------------------------------------------------------------------------------------------

  @Test
  void aProviderThatDoesNotAnswerInTimeIsUnknown() {
    adyen.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(201)
        .withBody(resource("refund-received.json")).withFixedDelay(2_000)));
    connector = connector(baseUrl(), Duration.ofMillis(200));
    assertThat(connector.modify(request(Kind.REFUND, 1000, null)).block(WAIT))
        .isEqualTo(new ModificationOutcome.Unknown("timeout"));
  }

  @Test
  void aTruncatedBodyIsUnknown() {
    stub("/v71/payments/" + PAYMENT + "/captures", 201, "{\"pspReference\":\"993617894906488A\",\"sta");
    assertThat(modify(request(Kind.CAPTURE, 1000, null)))
        .isEqualTo(new ModificationOutcome.Unknown("malformed_response"));
  }

  @Test
  void anEmptyAnswerIsUnknown() {
    stub("/v71/payments/" + PAYMENT + "/captures", 201, "");
    assertThat(modify(request(Kind.CAPTURE, 1000, null))).isEqualTo(new ModificationOutcome.Unknown("empty_response"));
  }

  @ParameterizedTest
  @EnumSource(value = Fault.class, names = {"CONNECTION_RESET_BY_PEER", "EMPTY_RESPONSE", "MALFORMED_RESPONSE_CHUNK"})
  void aBrokenExchangeIsUnknown(Fault fault) {
    adyen.stubFor(post(anyUrl()).willReturn(aResponse().withFault(fault)));
    assertThat(modify(request(Kind.REFUND, 1000, null))).isInstanceOf(ModificationOutcome.Unknown.class);
  }

  @Test
  void aRefusedConnectionIsNotSent() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    connector = connector("http://127.0.0.1:" + closedPort, Duration.ofSeconds(1));
    assertThat(connector.modify(request(Kind.CAPTURE, 1000, null)).block(WAIT))
        .isEqualTo(new ModificationOutcome.NotSent("connection_refused"));
  }

  // --- reconciliation by replay ---------------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Kind.class)
  void replaysTheIdenticalRequestUnderTheSameKey(Kind kind) {
    String operation = switch (kind) {
      case CAPTURE -> "captures";
      case CANCEL -> "cancels";
      case REFUND -> "refunds";
    };
    String answer = operation.substring(0, operation.length() - 1) + "-received.json";
    stub("/v71/payments/" + PAYMENT + "/" + operation, 201, resource(answer));
    connector = connector(baseUrl(), Duration.ofSeconds(5));
    ModificationRequest request = request(kind, 1000, "duplicate");
    ModificationOutcome first = connector.modify(request).block(WAIT);
    ModificationOutcome replayed = connector.modificationStatus(request, NOW.minus(Duration.ofDays(6))).block(WAIT);
    assertThat(replayed).isEqualTo(first).isInstanceOf(ModificationOutcome.Pending.class);
    List<ServeEvent> sent = sent();
    assertThat(sent).hasSize(2);
    assertThat(sent.get(1).getRequest().getUrl()).isEqualTo(sent.get(0).getRequest().getUrl());
    assertThat(sent.get(1).getRequest().getBody()).isEqualTo(sent.get(0).getRequest().getBody());
    assertThat(sent.get(1).getRequest().getHeader("Idempotency-Key"))
        .isEqualTo(sent.get(0).getRequest().getHeader("Idempotency-Key"));
  }

  static Stream<Arguments> replayedAnswers() {
    return Stream.of(
        Arguments.of(201, "capture-received.json", new ModificationOutcome.Pending("993617894906488A")),
        Arguments.of(201, "modification-unexpected-status.json",
            new ModificationOutcome.Unknown("unexpected_modification_status")),
        // A replay refused or turned away proves nothing about the first request: never refused, never not sent.
        Arguments.of(422, "error-422-original-psp-reference-required.json",
            new ModificationOutcome.Unknown("replay_refused_payment_not_found")),
        Arguments.of(422, "error-422-invalid-amount.json",
            new ModificationOutcome.Unknown("replay_refused_invalid_amount")),
        Arguments.of(401, "error-401-unauthorized.json",
            new ModificationOutcome.Unknown("replay_provider_rejected_401_000")),
        Arguments.of(429, "error-page.html", new ModificationOutcome.Unknown("replay_provider_rate_limited")),
        Arguments.of(409, "error-409-in-progress.json",
            new ModificationOutcome.Unknown("provider_request_in_progress")),
        Arguments.of(500, "error-500.json", new ModificationOutcome.Unknown("provider_status_500")),
        Arguments.of(502, "error-page.html", new ModificationOutcome.Unknown("provider_status_502")));
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @MethodSource("replayedAnswers")
  void mapsEachReplayedAnswer(int status, String file, ModificationOutcome expected) {
    stub("/v71/payments/" + PAYMENT + "/captures", status, resource(file));
    connector = connector(baseUrl(), Duration.ofSeconds(5));
    assertThat(connector.modificationStatus(request(Kind.CAPTURE, 1000, null), NOW.minus(Duration.ofMinutes(5)))
        .block(WAIT)).isEqualTo(expected);
    assertThat(sent()).hasSize(1);
  }

  @Test
  void aReplayOverARefusedConnectionIsUnknown() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    connector = connector("http://127.0.0.1:" + closedPort, Duration.ofSeconds(1));
    assertThat(connector.modificationStatus(request(Kind.REFUND, 1000, null), NOW).block(WAIT))
        .isEqualTo(new ModificationOutcome.Unknown("connection_refused"));
  }

  @Test
  void doesNotReplayOnceAdyenMayHaveForgottenTheKey() {
    connector = connector(baseUrl(), Duration.ofSeconds(5));
    Instant sentAt = NOW.minus(AdyenConnector.IDEMPOTENCY_WINDOW);
    assertThat(connector.modificationStatus(request(Kind.REFUND, 1000, null), sentAt).block(WAIT))
        .isEqualTo(new ModificationOutcome.Unknown("idempotency_window_passed"));
    assertThat(sent()).isEmpty();
  }

  // --- helpers ----------------------------------------------------------------------------------------------------

  private ModificationOutcome modify(ModificationRequest request) {
    if (connector == null) {
      connector = connector(baseUrl(), Duration.ofSeconds(5));
    }
    return connector.modify(request).block(WAIT);
  }

  private static ModificationRequest request(Kind kind, long amount, String reason) {
    String key = "pi_3f2a9c_" + kind.name().toLowerCase(Locale.ROOT) + "_1";
    return new ModificationRequest(kind, "pi_3f2a9c", "adyen", key, PAYMENT, "pi_3f2a9c_1", amount, "EUR", reason);
  }

  private static List<ServeEvent> sent() {
    // WireMock lists the newest first.
    return adyen.getAllServeEvents().reversed();
  }

  private static void stub(String path, int status, String body) {
    adyen.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(status)
        .withHeader("Content-Type", "application/json").withBody(body)));
  }

  private static String baseUrl() {
    return "http://127.0.0.1:" + adyen.getPort();
  }

  private static AdyenConnector connector(String baseUrl, Duration readTimeout) {
    return new AdyenConnector(new ConnectorSettings("adyen", URI.create(baseUrl), API_KEY, MERCHANT,
        Duration.ofSeconds(1), readTimeout, 4), JsonMapper.builder().build(), CLOCK);
  }

  private static String resource(String name) {
    return ContractStubs.body("/adyen/" + name);
  }
}
