package dev.paymentrouter.provider.connector.stripe;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.paymentrouter.provider.connector.ContractStubs.closedPort;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.paymentrouter.provider.connector.ConnectorSettings;
import dev.paymentrouter.provider.connector.ContractStubs;
import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.ModificationRequest.Kind;
import dev.paymentrouter.provider.domain.ModificationRequest;
import java.io.IOException;
import java.net.URI;
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
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * Captures, cancels and refunds against a stubbed Stripe: for every row of {@link StripeModifications}, what the
 * connector sent and what it made of the answer; then broken transports, and how an unknown or pending modification
 * is reconciled (look first, then replay the identical request under the same key).
 */
class StripeModificationContractTest {

  static final Duration WAIT = Duration.ofSeconds(10);
  static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
  static final String API_KEY = "sk_test_contractKey0000";
  static final String INTENT = "pi_01J9Z3Q8RZK6W2B4N7T5V3X1YA";
  static final String PAYMENT_INTENT = "pi_3QStripeTest00001";
  static final String CHARGE = "ch_3QStripeTest00001";
  static final String REFUND = "re_3QStripeTest00001";
  static final String CAPTURE_KEY = INTENT + "_capture";
  static final String CANCEL_KEY = INTENT + "_cancel";
  static final String REFUND_KEY = INTENT + "_refund_1";
  static final ModificationRequest CAPTURE = new ModificationRequest(
      Kind.CAPTURE, INTENT, "stripe", CAPTURE_KEY, PAYMENT_INTENT, INTENT + "_1", 1000, "EUR", null);
  static final ModificationRequest CANCEL = new ModificationRequest(
      Kind.CANCEL, INTENT, "stripe", CANCEL_KEY, PAYMENT_INTENT, INTENT + "_1", 1299, "EUR", "requested_by_customer");
  static final ModificationRequest REFUND_REQUEST = new ModificationRequest(
      Kind.REFUND, INTENT, "stripe", REFUND_KEY, PAYMENT_INTENT, INTENT + "_1", 500, "EUR", "requested_by_customer");
  static final String CAPTURE_PATH = "/v1/payment_intents/" + PAYMENT_INTENT + "/capture";
  static final String CANCEL_PATH = "/v1/payment_intents/" + PAYMENT_INTENT + "/cancel";
  static final String REFUND_LIST = "/v1/refunds?payment_intent=" + PAYMENT_INTENT + "&limit=100";
  /** The exact forms: fixed field order, Stripe's enums only, our keys in the capture's and refund's metadata. */
  static final String CAPTURE_FORM = "amount_to_capture=1000&metadata[payment_router_modification]=" + CAPTURE_KEY;
  static final String CANCEL_FORM = "cancellation_reason=requested_by_customer";
  static final String REFUND_FORM = "payment_intent=" + PAYMENT_INTENT + "&amount=500&reason=requested_by_customer"
      + "&metadata[payment_router_intent]=" + INTENT + "&metadata[payment_router_modification]=" + REFUND_KEY;

  @RegisterExtension
  static WireMockExtension stripe = WireMockExtension.newInstance()
      .options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort())
      .build();

  StripeConnector connector;

  @AfterEach
  void closeConnector() {
    if (connector != null) {
      connector.close();
    }
  }

  static Stream<Arguments> answersToACapture() {
    return Stream.of(
        Arguments.of(200, "payment_intent_captured.json", new ModificationOutcome.Succeeded(CHARGE)),
        Arguments.of(200, "payment_intent_capture_processing.json", new ModificationOutcome.Pending(PAYMENT_INTENT)),
        Arguments.of(200, "payment_intent_held.json",
            new ModificationOutcome.Unknown("unexpected_payment_intent_status")),
        Arguments.of(200, "refund_succeeded.json", new ModificationOutcome.Unknown("unexpected_response")),
        Arguments.of(200, "bad_gateway.html", new ModificationOutcome.Unknown("malformed_response")),
        Arguments.of(400, "error_payment_intent_unexpected_state.json",
            new ModificationOutcome.Refused("payment_intent_unexpected_state")),
        Arguments.of(400, "error_charge_expired_for_capture.json",
            new ModificationOutcome.Refused("charge_expired_for_capture")),
        Arguments.of(400, "error_amount_too_large_refund.json", new ModificationOutcome.Refused("amount_too_large")),
        Arguments.of(404, "error_resource_missing_payment_intent.json",
            new ModificationOutcome.Refused("resource_missing")),
        Arguments.of(402, "error_capture_declined_402.json", new ModificationOutcome.Refused("card_declined")),
        Arguments.of(402, "error_invalid_request_402.json",
            new ModificationOutcome.Refused("payment_intent_payment_attempt_failed")),
        Arguments.of(402, "bad_gateway.html", new ModificationOutcome.Unknown("provider_status_402")),
        Arguments.of(400, "bad_gateway.html", new ModificationOutcome.Unknown("provider_status_400")),
        Arguments.of(400, "error_unlisted_invalid_request.json", new ModificationOutcome.NotSent("email_invalid")),
        Arguments.of(400, "error_parameter_unknown.json", new ModificationOutcome.NotSent("parameter_unknown", true)),
        Arguments.of(404, "error_unrecognized_url.json", new ModificationOutcome.NotSent("provider_status_404", true)),
        Arguments.of(401, "error_invalid_api_key.json", new ModificationOutcome.NotSent("provider_unauthorized", true)),
        Arguments.of(401, "error_api_key_expired.json", new ModificationOutcome.NotSent("api_key_expired", true)),
        Arguments.of(403, "error_permission.json", new ModificationOutcome.NotSent("provider_forbidden", true)),
        Arguments.of(429, "error_rate_limit.json", new ModificationOutcome.NotSent("provider_rate_limited")),
        Arguments.of(429, "error_lock_timeout.json", new ModificationOutcome.NotSent("provider_lock_timeout")),
        Arguments.of(409, "error_idempotency_key_in_use.json",
            new ModificationOutcome.Unknown("provider_idempotency_key_in_use")),
        Arguments.of(400, "error_idempotency_error.json",
            new ModificationOutcome.Unknown("provider_idempotency_error")),
        Arguments.of(500, "error_api_error.json", new ModificationOutcome.Unknown("provider_status_500")),
        Arguments.of(502, "bad_gateway.html", new ModificationOutcome.Unknown("provider_status_502")));
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @MethodSource("answersToACapture")
  void postsTheCaptureUnderItsOwnKeyAndMapsEachAnswer(int status, String file, ModificationOutcome expected) {
    stripe.stubFor(post(CAPTURE_PATH).willReturn(answer(status, file)));
    connector = connector(Duration.ofSeconds(5));

    assertThat(connector.modify(CAPTURE).block(WAIT)).isEqualTo(expected);
    stripe.verify(exactly(1), sent(CAPTURE_PATH, CAPTURE_KEY, CAPTURE_FORM));
  }

  static Stream<Arguments> answersToACancel() {
    return Stream.of(
        Arguments.of(200, "payment_intent_canceled_by_router.json", new ModificationOutcome.Succeeded(PAYMENT_INTENT)),
        Arguments.of(200, "payment_intent_captured.json",
            new ModificationOutcome.Unknown("unexpected_payment_intent_status")),
        Arguments.of(400, "error_payment_intent_unexpected_state.json",
            new ModificationOutcome.Refused("payment_intent_unexpected_state")),
        Arguments.of(409, "error_idempotency_key_in_use.json",
            new ModificationOutcome.Unknown("provider_idempotency_key_in_use")),
        Arguments.of(500, "error_api_error.json", new ModificationOutcome.Unknown("provider_status_500")));
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @MethodSource("answersToACancel")
  void postsTheCancelUnderItsOwnKeyAndMapsEachAnswer(int status, String file, ModificationOutcome expected) {
    stripe.stubFor(post(CANCEL_PATH).willReturn(answer(status, file)));
    connector = connector(Duration.ofSeconds(5));

    assertThat(connector.modify(CANCEL).block(WAIT)).isEqualTo(expected);
    stripe.verify(exactly(1), sent(CANCEL_PATH, CANCEL_KEY, CANCEL_FORM));
  }

  @Test
  void leavesOutACancellationReasonStripeDoesNotKnow() {
    stripe.stubFor(post(CANCEL_PATH).willReturn(answer(200, "payment_intent_canceled_by_router.json")));
    connector = connector(Duration.ofSeconds(5));
    ModificationRequest cancel = new ModificationRequest(
        Kind.CANCEL, INTENT, "stripe", CANCEL_KEY, PAYMENT_INTENT, INTENT + "_1", 1299, "EUR", "customer changed mind");

    assertThat(connector.modify(cancel).block(WAIT)).isEqualTo(new ModificationOutcome.Succeeded(PAYMENT_INTENT));
    List<LoggedRequest> sent = stripe.findAll(postRequestedFor(urlEqualTo(CANCEL_PATH)));
    assertThat(sent).singleElement().satisfies(request -> {
      assertThat(request.getBodyAsString()).isEmpty();
      assertThat(request.getHeader("Idempotency-Key")).isEqualTo(CANCEL_KEY);
    });
  }

  static Stream<Arguments> answersToARefund() {
    return Stream.of(
        Arguments.of(200, "refund_succeeded.json", new ModificationOutcome.Succeeded(REFUND)),
        Arguments.of(200, "refund_pending.json", new ModificationOutcome.Pending(REFUND)),
        Arguments.of(200, "refund_requires_action.json", new ModificationOutcome.Pending(REFUND)),
        Arguments.of(200, "refund_failed.json", new ModificationOutcome.Refused("expired_or_canceled_card")),
        Arguments.of(200, "refund_canceled.json", new ModificationOutcome.Refused("refund_canceled")),
        Arguments.of(200, "payment_intent_captured.json", new ModificationOutcome.Unknown("unexpected_response")),
        Arguments.of(400, "error_charge_already_refunded.json",
            new ModificationOutcome.Refused("charge_already_refunded")),
        Arguments.of(400, "error_amount_too_large_refund.json", new ModificationOutcome.Refused("amount_too_large")),
        Arguments.of(400, "error_charge_disputed.json", new ModificationOutcome.Refused("charge_disputed")),
        Arguments.of(400, "error_balance_insufficient.json", new ModificationOutcome.Refused("balance_insufficient")),
        Arguments.of(401, "error_invalid_api_key.json", new ModificationOutcome.NotSent("provider_unauthorized", true)),
        Arguments.of(429, "error_rate_limit.json", new ModificationOutcome.NotSent("provider_rate_limited")),
        Arguments.of(409, "error_idempotency_key_in_use.json",
            new ModificationOutcome.Unknown("provider_idempotency_key_in_use")),
        Arguments.of(400, "error_idempotency_error.json",
            new ModificationOutcome.Unknown("provider_idempotency_error")),
        Arguments.of(500, "error_api_error.json", new ModificationOutcome.Unknown("provider_status_500")));
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @MethodSource("answersToARefund")
  void postsTheRefundUnderItsOwnKeyAndMapsEachAnswer(int status, String file, ModificationOutcome expected) {
    stripe.stubFor(post("/v1/refunds").willReturn(answer(status, file)));
    connector = connector(Duration.ofSeconds(5));

    assertThat(connector.modify(REFUND_REQUEST).block(WAIT)).isEqualTo(expected);
    stripe.verify(exactly(1), sent("/v1/refunds", REFUND_KEY, REFUND_FORM));
  }

  @Test
  void leavesOutARefundReasonStripeDoesNotKnow() {
    stripe.stubFor(post("/v1/refunds").willReturn(answer(200, "refund_succeeded.json")));
    connector = connector(Duration.ofSeconds(5));
    ModificationRequest refund = new ModificationRequest(
        Kind.REFUND, INTENT, "stripe", REFUND_KEY, PAYMENT_INTENT, INTENT + "_1", 500, "EUR", "abandoned");

    assertThat(connector.modify(refund).block(WAIT)).isEqualTo(new ModificationOutcome.Succeeded(REFUND));
    stripe.verify(exactly(1),
        sent("/v1/refunds", REFUND_KEY, REFUND_FORM.replace("&reason=requested_by_customer", "")));
  }

  @Test
  void neverBooksAnotherModificationsRefund() {
    stripe.stubFor(post("/v1/refunds").willReturn(answer(200, "refund_succeeded.json")));
    connector = connector(Duration.ofSeconds(5));
    ModificationRequest other = new ModificationRequest(
        Kind.REFUND, INTENT, "stripe", INTENT + "_refund_2", PAYMENT_INTENT, INTENT + "_1", 500, "EUR", null);

    assertThat(connector.modify(other).block(WAIT))
        .isEqualTo(new ModificationOutcome.Unknown("provider_reference_mismatch"));
  }

  @Test
  void aStripeThatDoesNotAnswerInTimeLeavesTheRefundUnknown() {
    stripe.stubFor(post("/v1/refunds").willReturn(answer(200, "refund_succeeded.json").withFixedDelay(2_000)));
    connector = connector(Duration.ofMillis(300));

    assertThat(connector.modify(REFUND_REQUEST).block(WAIT)).isEqualTo(new ModificationOutcome.Unknown("timeout"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"CONNECTION_RESET_BY_PEER", "EMPTY_RESPONSE", "RANDOM_DATA_THEN_CLOSE"})
  void aConnectionBrokenAfterTheCaptureLeftIsUnknown(Fault fault) {
    stripe.stubFor(post(CAPTURE_PATH).willReturn(aResponse().withFault(fault)));
    connector = connector(Duration.ofSeconds(5));

    assertThat(connector.modify(CAPTURE).block(WAIT)).isInstanceOf(ModificationOutcome.Unknown.class);
  }

  @Test
  void aRefusedConnectionIsNotSentButNeverForAStatus() throws IOException {
    connector = new StripeConnector(settings(closedPort(), Duration.ofSeconds(1)), JsonMapper.builder().build(),
        Clock.fixed(NOW, ZoneOffset.UTC));

    assertThat(connector.modify(REFUND_REQUEST).block(WAIT))
        .isEqualTo(new ModificationOutcome.NotSent("connection_refused"));
    // Asking about a refund that may have been made: an unreachable Stripe proves nothing about it.
    assertThat(connector.modificationStatus(REFUND_REQUEST, Instant.now()).block(WAIT))
        .isEqualTo(new ModificationOutcome.Unknown("connection_refused"));
  }

  // Reconciliation of refunds: the PaymentIntent's refund list first, a replay only when the refund is not there.

  @Test
  void findsTheRefundByItsKeyInThePaymentIntentsRefundsWithoutReplaying() {
    stripe.stubFor(get(REFUND_LIST).willReturn(answer(200, "refunds_found.json")));
    connector = connector(Duration.ofSeconds(5));

    assertThat(connector.modificationStatus(REFUND_REQUEST, Instant.now()).block(WAIT))
        .isEqualTo(new ModificationOutcome.Pending(REFUND));
    stripe.verify(exactly(1), authenticated(getRequestedFor(urlEqualTo(REFUND_LIST)))
        .withHeader("Idempotency-Key", absent()));
    stripe.verify(exactly(0), postRequestedFor(anyUrl()));
  }

  @Test
  void readsFurtherPagesOfRefundsBeforeReplaying() {
    stripe.stubFor(get(REFUND_LIST).willReturn(answer(200, "refunds_page_1.json")));
    stripe.stubFor(get(REFUND_LIST + "&starting_after=re_3QStripeOther0001")
        .willReturn(answer(200, "refunds_page_2.json")));
    connector = connector(Duration.ofSeconds(5));

    assertThat(connector.modificationStatus(REFUND_REQUEST, Instant.now()).block(WAIT))
        .isEqualTo(new ModificationOutcome.Succeeded(REFUND));
    stripe.verify(exactly(0), postRequestedFor(anyUrl()));
  }

  @Test
  void replaysTheIdenticalRefundWhenTheListDoesNotHaveIt() {
    connector = connector(Duration.ofSeconds(5));
    stripe.stubFor(post("/v1/refunds").willReturn(answer(500, "error_api_error.json")));
    assertThat(connector.modify(REFUND_REQUEST).block(WAIT))
        .isEqualTo(new ModificationOutcome.Unknown("provider_status_500"));

    // The refund list shows only another modification's refund; the replay gets (or makes) ours, once.
    stripe.resetMappings();
    stripe.stubFor(get(REFUND_LIST).willReturn(answer(200, "refunds_none.json")));
    stripe.stubFor(post("/v1/refunds").willReturn(answer(200, "refund_succeeded.json")
        .withHeader("Idempotent-Replayed", "true")));
    assertThat(connector.modificationStatus(REFUND_REQUEST, Instant.now()).block(WAIT))
        .isEqualTo(new ModificationOutcome.Succeeded(REFUND));

    List<LoggedRequest> sent = stripe.findAll(postRequestedFor(urlEqualTo("/v1/refunds")));
    assertThat(sent).hasSize(2);
    assertThat(sent.get(1).getBody()).isEqualTo(sent.get(0).getBody());
    stripe.verify(exactly(2), sent("/v1/refunds", REFUND_KEY, REFUND_FORM));
  }

  static Stream<Arguments> answersToAReplayedRefund() {
    return Stream.of(
        // The list proved no refund of ours exists, so a refusal of the replay is the refund's answer.
        Arguments.of(400, "error_charge_already_refunded.json",
            new ModificationOutcome.Refused("charge_already_refunded")),
        Arguments.of(500, "error_api_error.json", new ModificationOutcome.Unknown("provider_status_500")),
        Arguments.of(409, "error_idempotency_key_in_use.json",
            new ModificationOutcome.Unknown("provider_idempotency_key_in_use")),
        // A replay turned away proves nothing about the original: never NotSent from a status query.
        Arguments.of(429, "error_rate_limit.json", new ModificationOutcome.Unknown("provider_rate_limited")),
        Arguments.of(401, "error_invalid_api_key.json", new ModificationOutcome.Unknown("provider_unauthorized")));
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @MethodSource("answersToAReplayedRefund")
  void mapsTheAnswerToAReplayedRefund(int status, String file, ModificationOutcome expected) {
    stripe.stubFor(get(REFUND_LIST).willReturn(answer(200, "refunds_none.json")));
    stripe.stubFor(post("/v1/refunds").willReturn(answer(status, file)));
    connector = connector(Duration.ofSeconds(5));

    assertThat(connector.modificationStatus(REFUND_REQUEST, Instant.now()).block(WAIT)).isEqualTo(expected);
    stripe.verify(exactly(1), sent("/v1/refunds", REFUND_KEY, REFUND_FORM));
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"500, error_api_error.json", "200, bad_gateway.html", "200, payment_intent_captured.json"})
  void neverReplaysARefundWhenTheListCannotBeRead(int status, String file) {
    stripe.stubFor(get(REFUND_LIST).willReturn(answer(status, file)));
    connector = connector(Duration.ofSeconds(5));

    assertThat(connector.modificationStatus(REFUND_REQUEST, Instant.now()).block(WAIT))
        .isInstanceOf(ModificationOutcome.Unknown.class);
    stripe.verify(exactly(0), postRequestedFor(anyUrl()));
  }

  // Reconciliation of captures and cancels: the PaymentIntent first, a replay only while the change could happen.

  static Stream<Arguments> paymentIntentsReadForACapture() {
    return Stream.of(
        Arguments.of("payment_intent_captured.json", new ModificationOutcome.Succeeded(CHARGE)),
        Arguments.of("payment_intent_canceled_by_router.json",
            new ModificationOutcome.Refused("payment_intent_canceled")),
        Arguments.of("payment_intent_requires_payment_method.json",
            new ModificationOutcome.Refused("payment_intent_unexpected_state")),
        Arguments.of("payment_intent_processing.json", new ModificationOutcome.Unknown("payment_intent_processing")),
        // Captured, but not the amount this capture asked for: someone else captured it.
        Arguments.of("payment_intent_succeeded.json", new ModificationOutcome.Unknown("captured_amount_differs")));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("paymentIntentsReadForACapture")
  void readsTheCapturesOutcomeFromThePaymentIntentWithoutReplaying(String file, ModificationOutcome expected) {
    stripe.stubFor(get("/v1/payment_intents/" + PAYMENT_INTENT).willReturn(answer(200, file)));
    connector = connector(Duration.ofSeconds(5));

    assertThat(connector.modificationStatus(CAPTURE, Instant.now()).block(WAIT)).isEqualTo(expected);
    stripe.verify(exactly(1), authenticated(getRequestedFor(urlEqualTo("/v1/payment_intents/" + PAYMENT_INTENT))));
    stripe.verify(exactly(0), postRequestedFor(anyUrl()));
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
      "200, payment_intent_captured.json, succeeded",
      "400, error_payment_intent_unexpected_state.json, refused",
      "500, error_api_error.json, unknown"})
  void replaysTheCaptureWhileThePaymentIntentIsStillHeld(int status, String file, String expected) {
    stripe.stubFor(get("/v1/payment_intents/" + PAYMENT_INTENT).willReturn(answer(200, "payment_intent_held.json")));
    stripe.stubFor(post(CAPTURE_PATH).willReturn(answer(status, file)));
    connector = connector(Duration.ofSeconds(5));

    ModificationOutcome outcome = connector.modificationStatus(CAPTURE, Instant.now()).block(WAIT);
    assertThat(outcome).isEqualTo(switch (expected) {
      case "succeeded" -> new ModificationOutcome.Succeeded(CHARGE);
      case "refused" -> new ModificationOutcome.Refused("payment_intent_unexpected_state");
      default -> new ModificationOutcome.Unknown("provider_status_500");
    });
    stripe.verify(exactly(1), sent(CAPTURE_PATH, CAPTURE_KEY, CAPTURE_FORM));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"404, error_resource_missing_payment_intent.json", "500, error_api_error.json",
      "200, bad_gateway.html"})
  void aPaymentIntentThatCannotBeReadLeavesTheCaptureUnknown(int status, String file) {
    stripe.stubFor(get("/v1/payment_intents/" + PAYMENT_INTENT).willReturn(answer(status, file)));
    connector = connector(Duration.ofSeconds(5));

    assertThat(connector.modificationStatus(CAPTURE, Instant.now()).block(WAIT))
        .isInstanceOf(ModificationOutcome.Unknown.class);
    stripe.verify(exactly(0), postRequestedFor(anyUrl()));
  }

  static Stream<Arguments> paymentIntentsReadForACancel() {
    return Stream.of(
        Arguments.of("payment_intent_canceled_by_router.json", new ModificationOutcome.Succeeded(PAYMENT_INTENT)),
        Arguments.of("payment_intent_captured.json",
            new ModificationOutcome.Refused("payment_intent_unexpected_state")));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("paymentIntentsReadForACancel")
  void readsTheCancelsOutcomeFromThePaymentIntentWithoutReplaying(String file, ModificationOutcome expected) {
    stripe.stubFor(get("/v1/payment_intents/" + PAYMENT_INTENT).willReturn(answer(200, file)));
    connector = connector(Duration.ofSeconds(5));

    assertThat(connector.modificationStatus(CANCEL, Instant.now()).block(WAIT)).isEqualTo(expected);
    stripe.verify(exactly(0), postRequestedFor(anyUrl()));
  }

  @Test
  void replaysTheCancelWhileThePaymentIntentIsStillHeld() {
    stripe.stubFor(get("/v1/payment_intents/" + PAYMENT_INTENT).willReturn(answer(200, "payment_intent_held.json")));
    stripe.stubFor(post(CANCEL_PATH).willReturn(answer(200, "payment_intent_canceled_by_router.json")));
    connector = connector(Duration.ofSeconds(5));

    assertThat(connector.modificationStatus(CANCEL, Instant.now()).block(WAIT))
        .isEqualTo(new ModificationOutcome.Succeeded(PAYMENT_INTENT));
    stripe.verify(exactly(1), sent(CANCEL_PATH, CANCEL_KEY, CANCEL_FORM));
  }

  private static RequestPatternBuilder sent(String path, String key, String form) {
    return authenticated(postRequestedFor(urlEqualTo(path)))
        .withHeader("Idempotency-Key", equalTo(key))
        .withHeader("Content-Type", equalTo("application/x-www-form-urlencoded"))
        .withRequestBody(equalTo(form));
  }

  private static RequestPatternBuilder authenticated(RequestPatternBuilder request) {
    return request
        .withHeader("Authorization", equalTo("Bearer " + API_KEY))
        .withHeader("Stripe-Version", equalTo(StripeConnector.STRIPE_VERSION));
  }

  private static ResponseDefinitionBuilder answer(int status, String file) {
    return aResponse().withStatus(status)
        .withHeader("Content-Type", file.endsWith(".html") ? "text/html" : "application/json")
        .withHeader("Request-Id", "req_StripeTest0001")
        .withBody(stub(file));
  }

  private static String stub(String file) {
    return ContractStubs.body("/stripe/" + file);
  }

  private static StripeConnector connector(Duration readTimeout) {
    return new StripeConnector(settings(stripe.getPort(), readTimeout), JsonMapper.builder().build(),
        Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private static ConnectorSettings settings(int port, Duration readTimeout) {
    return new ConnectorSettings("stripe", URI.create("http://127.0.0.1:" + port), API_KEY, null,
        Duration.ofSeconds(1), readTimeout, 4);
  }
}
