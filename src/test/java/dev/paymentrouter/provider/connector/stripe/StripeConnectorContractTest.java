package dev.paymentrouter.provider.connector.stripe;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
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
import dev.paymentrouter.provider.domain.ChargeStatus;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.provider.domain.ProviderRequest;
import dev.paymentrouter.provider.domain.StatusQuery;
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
 * The connector against a stubbed Stripe: for every row of {@link StripeClassification}, what it sent and what it
 * made of the answer; then broken transports, and the three ways of reconciling an unknown outcome.
 */
class StripeConnectorContractTest {

  static final Duration WAIT = Duration.ofSeconds(10);
  static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
  static final String API_KEY = "sk_test_contractKey0000";
  static final String INTENT = "pi_01J9Z3Q8RZK6W2B4N7T5V3X1YA";
  static final String ATTEMPT = INTENT + "_1";
  static final String PAYMENT_INTENT = "pi_3QStripeTest00001";
  static final ProviderRequest REQUEST = new ProviderRequest(INTENT, 1, "stripe", ATTEMPT, 1299, "EUR", "pm_card_visa");
  /** The exact form the request must become: bracket notation, lower-case currency, fixed field order. */
  static final String FORM = "amount=1299&currency=eur&payment_method=pm_card_visa&confirm=true"
      + "&capture_method=automatic&automatic_payment_methods[enabled]=true"
      + "&automatic_payment_methods[allow_redirects]=never"
      + "&metadata[payment_router_intent]=" + INTENT + "&metadata[payment_router_attempt]=" + ATTEMPT;
  static final String SEARCH_QUERY = "metadata['payment_router_attempt']:'" + ATTEMPT + "'";

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

  static Stream<Arguments> answersOfTheChargeCall() {
    return Stream.of(
        Arguments.of(200, "payment_intent_succeeded.json", new ProviderOutcome.Approved(PAYMENT_INTENT)),
        Arguments.of(200, "payment_intent_requires_capture.json", new ProviderOutcome.Approved(PAYMENT_INTENT)),
        Arguments.of(200, "payment_intent_requires_action.json",
            new ProviderOutcome.ActionRequired(PAYMENT_INTENT, "use_stripe_sdk")),
        Arguments.of(200, "payment_intent_processing.json",
            new ProviderOutcome.Unknown("provider_processing", PAYMENT_INTENT)),
        Arguments.of(200, "payment_intent_requires_payment_method.json",
            new ProviderOutcome.Declined("insufficient_funds", false)),
        Arguments.of(200, "payment_intent_requires_payment_method_unconfirmed.json",
            new ProviderOutcome.Unknown("payment_intent_unconfirmed", PAYMENT_INTENT)),
        Arguments.of(200, "payment_intent_canceled.json",
            new ProviderOutcome.Declined("payment_intent_canceled", false)),
        Arguments.of(200, "payment_intent_requires_confirmation.json",
            new ProviderOutcome.Unknown("unexpected_payment_intent_status", PAYMENT_INTENT)),
        Arguments.of(200, "search_none.json", new ProviderOutcome.Unknown("unexpected_response")),
        Arguments.of(200, "bad_gateway.html", new ProviderOutcome.Unknown("malformed_response")),
        Arguments.of(402, "error_card_error_without_decline_code.json",
            new ProviderOutcome.Declined("expired_card", false)),
        Arguments.of(402, "error_invalid_request_402.json", new ProviderOutcome.Unknown("provider_status_402")),
        Arguments.of(429, "error_rate_limit.json", new ProviderOutcome.NotSent("provider_rate_limited")),
        Arguments.of(429, "error_lock_timeout.json", new ProviderOutcome.NotSent("provider_lock_timeout")),
        Arguments.of(401, "error_invalid_api_key.json", new ProviderOutcome.NotSent("provider_unauthorized", true)),
        Arguments.of(401, "error_api_key_expired.json", new ProviderOutcome.NotSent("api_key_expired", true)),
        Arguments.of(403, "error_permission.json", new ProviderOutcome.NotSent("provider_forbidden", true)),
        Arguments.of(400, "error_parameter_unknown.json", new ProviderOutcome.NotSent("parameter_unknown", true)),
        Arguments.of(400, "error_parameter_invalid_integer.json",
            new ProviderOutcome.NotSent("parameter_invalid_integer", true)),
        Arguments.of(400, "error_resource_missing_payment_method.json",
            new ProviderOutcome.NotSent("payment_method_rejected", false)),
        Arguments.of(400, "error_payment_method_unactivated.json",
            new ProviderOutcome.NotSent("payment_method_rejected", false)),
        Arguments.of(400, "error_amount_too_small.json", new ProviderOutcome.NotSent("amount_too_small", false)),
        Arguments.of(400, "error_unlisted_invalid_request.json", new ProviderOutcome.NotSent("email_invalid", false)),
        Arguments.of(404, "error_unrecognized_url.json", new ProviderOutcome.NotSent("provider_status_404", true)),
        Arguments.of(409, "error_idempotency_key_in_use.json",
            new ProviderOutcome.Unknown("provider_idempotency_key_in_use")),
        Arguments.of(400, "error_idempotency_error.json", new ProviderOutcome.Unknown("provider_idempotency_error")),
        Arguments.of(500, "error_api_error.json", new ProviderOutcome.Unknown("provider_status_500")),
        Arguments.of(502, "bad_gateway.html", new ProviderOutcome.Unknown("provider_status_502")));
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @MethodSource("answersOfTheChargeCall")
  void sendsTheChargeAsAFormAndMapsEachAnswerOfStripe(int status, String file, ProviderOutcome expected) {
    stripe.stubFor(post("/v1/payment_intents").willReturn(answer(status, file)));
    connector = connector(Duration.ofSeconds(5));

    assertThat(connector.authorize(REQUEST).block(WAIT)).isEqualTo(expected);
    stripe.verify(exactly(1), theChargeAsSent());
  }

  @ParameterizedTest(name = "{0} -> retryable elsewhere: {1}")
  @CsvSource({
      "insufficient_funds, false", "stolen_card, false", "lost_card, false", "expired_card, false",
      "incorrect_cvc, false", "fraudulent, false", "do_not_honor, false", "generic_decline, false",
      "card_not_supported, false", "currency_not_supported, false", "pickup_card, false",
      "duplicate_transaction, false", "authentication_required, false", "a_code_stripe_adds_later, false",
      "issuer_not_available, true", "processing_error, true", "try_again_later, true", "reenter_transaction, true",
      "approve_with_id, true"
  })
  void mapsACardDeclineByItsDeclineCode(String declineCode, boolean retryableElsewhere) {
    stripe.stubFor(post("/v1/payment_intents").willReturn(aResponse().withStatus(402)
        .withHeader("Content-Type", "application/json")
        .withBody(stub("error_card_declined.json").replace("DECLINE_CODE", declineCode))));
    connector = connector(Duration.ofSeconds(5));

    assertThat(connector.authorize(REQUEST).block(WAIT))
        .isEqualTo(new ProviderOutcome.Declined(declineCode, retryableElsewhere));
    stripe.verify(exactly(1), theChargeAsSent());
  }

  @Test
  void aStripeThatDoesNotAnswerInTimeIsUnknown() {
    stripe.stubFor(post("/v1/payment_intents").willReturn(answer(200, "payment_intent_succeeded.json")
        .withFixedDelay(2_000)));
    connector = connector(Duration.ofMillis(300));

    assertThat(connector.authorize(REQUEST).block(WAIT)).isEqualTo(new ProviderOutcome.Unknown("timeout"));
  }

  @Test
  void aTruncatedPaymentIntentIsUnknown() {
    String succeeded = stub("payment_intent_succeeded.json");
    stripe.stubFor(post("/v1/payment_intents").willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody(succeeded.substring(0, succeeded.length() / 2))));
    connector = connector(Duration.ofSeconds(5));

    assertThat(connector.authorize(REQUEST).block(WAIT)).isEqualTo(new ProviderOutcome.Unknown("malformed_response"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"CONNECTION_RESET_BY_PEER", "EMPTY_RESPONSE", "RANDOM_DATA_THEN_CLOSE"})
  void aConnectionBrokenAfterTheRequestLeftIsUnknown(Fault fault) {
    stripe.stubFor(post("/v1/payment_intents").willReturn(aResponse().withFault(fault)));
    connector = connector(Duration.ofSeconds(5));

    assertThat(connector.authorize(REQUEST).block(WAIT)).isInstanceOf(ProviderOutcome.Unknown.class);
  }

  @Test
  void aRefusedConnectionIsNotSent() throws IOException {
    connector = new StripeConnector(settings(closedPort(), Duration.ofSeconds(1)), JsonMapper.builder().build(),
        Clock.fixed(NOW, ZoneOffset.UTC));

    assertThat(connector.authorize(REQUEST).block(WAIT)).isEqualTo(new ProviderOutcome.NotSent("connection_refused"));
  }

  static Stream<Arguments> paymentIntentsRetrievedById() {
    return Stream.of(
        Arguments.of("payment_intent_succeeded.json", new ChargeStatus.Charged(PAYMENT_INTENT)),
        Arguments.of("payment_intent_requires_capture.json", new ChargeStatus.Charged(PAYMENT_INTENT)),
        Arguments.of("payment_intent_requires_action.json",
            new ChargeStatus.ActionRequired(PAYMENT_INTENT, "use_stripe_sdk")),
        Arguments.of("payment_intent_requires_payment_method.json",
            new ChargeStatus.Declined("insufficient_funds", false)),
        Arguments.of("payment_intent_canceled.json", new ChargeStatus.Declined("payment_intent_canceled", false)),
        Arguments.of("payment_intent_processing.json", new ChargeStatus.Unavailable("provider_processing")));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("paymentIntentsRetrievedById")
  void retrievesThePaymentIntentWhenStripeNamedIt(String file, ChargeStatus expected) {
    stripe.stubFor(get("/v1/payment_intents/" + PAYMENT_INTENT).willReturn(answer(200, file)));
    connector = connector(Duration.ofSeconds(5));

    assertThat(connector.status(new StatusQuery(ATTEMPT, REQUEST, PAYMENT_INTENT, NOW.minusSeconds(90))).block(WAIT))
        .isEqualTo(expected);
    stripe.verify(exactly(1), authenticated(getRequestedFor(urlEqualTo("/v1/payment_intents/" + PAYMENT_INTENT))));
    stripe.verify(exactly(0), postRequestedFor(anyUrl()));
  }

  @Test
  void replaysTheIdenticalRequestUnderTheSameKeyAndReadsTheStoredAnswer() {
    connector = connector(Duration.ofSeconds(5));
    stripe.stubFor(post("/v1/payment_intents").willReturn(answer(500, "error_api_error.json")));
    assertThat(connector.authorize(REQUEST).block(WAIT)).isEqualTo(new ProviderOutcome.Unknown("provider_status_500"));

    // The original never executed (a fresh 500); this time Stripe answers the replay with the stored PaymentIntent.
    stripe.resetMappings();
    stripe.stubFor(post("/v1/payment_intents").willReturn(answer(200, "payment_intent_succeeded.json")
        .withHeader("Idempotent-Replayed", "true")));
    assertThat(connector.status(new StatusQuery(ATTEMPT, REQUEST, null, NOW.minusSeconds(90))).block(WAIT))
        .isEqualTo(new ChargeStatus.Charged(PAYMENT_INTENT));

    List<LoggedRequest> sent = stripe.findAll(postRequestedFor(urlEqualTo("/v1/payment_intents")));
    assertThat(sent).hasSize(2);
    assertThat(sent.get(1).getBody()).isEqualTo(sent.get(0).getBody());
    assertThat(sent.get(1).getHeader("Idempotency-Key")).isEqualTo(sent.get(0).getHeader("Idempotency-Key"))
        .isEqualTo(ATTEMPT);
    stripe.verify(exactly(2), theChargeAsSent());
    stripe.verify(exactly(0), getRequestedFor(anyUrl()));
  }

  static Stream<Arguments> answersToAReplay() {
    return Stream.of(
        Arguments.of(402, "error_card_error_without_decline_code.json",
            new ChargeStatus.Declined("expired_card", false)),
        Arguments.of(200, "payment_intent_requires_action.json",
            new ChargeStatus.ActionRequired(PAYMENT_INTENT, "use_stripe_sdk")),
        Arguments.of(200, "payment_intent_processing.json", new ChargeStatus.Unavailable("provider_processing")),
        Arguments.of(409, "error_idempotency_key_in_use.json",
            new ChargeStatus.Unavailable("provider_idempotency_key_in_use")),
        Arguments.of(429, "error_rate_limit.json", new ChargeStatus.Unavailable("provider_rate_limited")),
        // A fresh 500: this replay executed the charge just now; a search could miss what it created.
        Arguments.of(500, "error_api_error.json", new ChargeStatus.Unavailable("provider_status_500")));
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @MethodSource("answersToAReplay")
  void mapsTheAnswerToAReplayWithoutSearching(int status, String file, ChargeStatus expected) {
    stripe.stubFor(post("/v1/payment_intents").willReturn(answer(status, file)));
    connector = connector(Duration.ofSeconds(5));

    assertThat(connector.status(new StatusQuery(ATTEMPT, REQUEST, null, NOW.minusSeconds(90))).block(WAIT))
        .isEqualTo(expected);
    stripe.verify(exactly(1), theChargeAsSent());
    stripe.verify(exactly(0), getRequestedFor(anyUrl()));
  }

  @Test
  void aReplayedServerErrorFallsThroughToTheSearch() {
    stripe.stubFor(post("/v1/payment_intents").willReturn(answer(500, "error_api_error.json")
        .withHeader("Idempotent-Replayed", "true")));
    stubSearch("search_succeeded.json");
    connector = connector(Duration.ofSeconds(5));

    assertThat(connector.status(new StatusQuery(ATTEMPT, REQUEST, null, NOW.minusSeconds(90))).block(WAIT))
        .isEqualTo(new ChargeStatus.Charged(PAYMENT_INTENT));
    stripe.verify(exactly(1), theChargeAsSent());
    stripe.verify(exactly(1), theSearch());
  }

  @Test
  void aRefusedReplayExecutedNothingSoTheSearchDecides() {
    stripe.stubFor(post("/v1/payment_intents").willReturn(answer(400, "error_idempotency_error.json")));
    stubSearch("search_none.json");
    connector = connector(Duration.ofSeconds(5));

    assertThat(connector.status(new StatusQuery(ATTEMPT, REQUEST, null, NOW.minusSeconds(90))).block(WAIT))
        .isEqualTo(new ChargeStatus.NotFound());
    stripe.verify(exactly(1), theSearch());
  }

  @Test
  void neverBooksAnotherAttemptsPaymentIntent() {
    stripe.stubFor(get("/v1/payment_intents/" + PAYMENT_INTENT)
        .willReturn(answer(200, "payment_intent_succeeded.json")));
    connector = connector(Duration.ofSeconds(5));

    StatusQuery otherAttempt = new StatusQuery(INTENT + "_2", null, PAYMENT_INTENT, NOW.minusSeconds(90));
    assertThat(connector.status(otherAttempt).block(WAIT))
        .isEqualTo(new ChargeStatus.Unavailable("provider_reference_mismatch"));
  }

  @Test
  void aSearchThatFindsNothingIsNotFound() {
    stubSearch("search_none.json");
    connector = connector(Duration.ofSeconds(5));

    assertThat(connector.status(StatusQuery.byReference(ATTEMPT, NOW.minusSeconds(90))).block(WAIT))
        .isEqualTo(new ChargeStatus.NotFound());
    stripe.verify(exactly(1), theSearch());
  }

  @Test
  void aSearchThatFindsThePaymentIntentIsCharged() {
    stubSearch("search_succeeded.json");
    connector = connector(Duration.ofSeconds(5));

    assertThat(connector.status(StatusQuery.byReference(ATTEMPT, NOW.minusSeconds(90))).block(WAIT))
        .isEqualTo(new ChargeStatus.Charged(PAYMENT_INTENT));
  }

  @Test
  void whenTheSearchFindsSeveralTheChargeWins() {
    stubSearch("search_declined_and_succeeded.json");
    connector = connector(Duration.ofSeconds(5));

    assertThat(connector.status(StatusQuery.byReference(ATTEMPT, NOW.minusSeconds(90))).block(WAIT))
        .isEqualTo(new ChargeStatus.Charged(PAYMENT_INTENT));
  }

  @Test
  void neverReplaysAKeyStripeMayHaveForgotten() {
    stubSearch("search_none.json");
    connector = connector(Duration.ofSeconds(5));

    // Stripe keeps keys at least 24 h; past 23 h a replay might be a new charge, so only the search is asked.
    StatusQuery old = new StatusQuery(ATTEMPT, REQUEST, null, NOW.minus(Duration.ofHours(23)).minusSeconds(1));
    assertThat(connector.status(old).block(WAIT)).isEqualTo(new ChargeStatus.NotFound());
    stripe.verify(exactly(0), postRequestedFor(anyUrl()));
    stripe.verify(exactly(1), theSearch());
  }

  @Test
  void withoutTheChargeToReplayOnlySearches() {
    stubSearch("search_none.json");
    connector = connector(Duration.ofSeconds(5));

    assertThat(connector.status(StatusQuery.byReference(ATTEMPT, NOW.minusSeconds(90))).block(WAIT))
        .isEqualTo(new ChargeStatus.NotFound());
    stripe.verify(exactly(0), postRequestedFor(anyUrl()));
  }

  @Test
  void escapesQuotesInTheSearchQuery() {
    String reference = "it's_1";
    stripe.stubFor(get(urlPathEqualTo("/v1/payment_intents/search"))
        .withQueryParam("query", equalTo("metadata['payment_router_attempt']:'it\\'s_1'"))
        .willReturn(answer(200, "search_none.json")));
    connector = connector(Duration.ofSeconds(5));

    assertThat(connector.status(StatusQuery.byReference(reference, NOW.minusSeconds(90))).block(WAIT))
        .isEqualTo(new ChargeStatus.NotFound());
  }

  @Test
  void aFailedSearchIsUnavailableNeverNotFound() {
    stripe.stubFor(get(urlPathEqualTo("/v1/payment_intents/search")).willReturn(answer(500, "error_api_error.json")));
    connector = connector(Duration.ofSeconds(5));

    assertThat(connector.status(StatusQuery.byReference(ATTEMPT, NOW.minusSeconds(90))).block(WAIT))
        .isEqualTo(new ChargeStatus.Unavailable("provider_status_500"));
  }

  @Test
  void anUnreachableStripeIsUnavailable() throws IOException {
    connector = new StripeConnector(settings(closedPort(), Duration.ofSeconds(1)), JsonMapper.builder().build(),
        Clock.fixed(NOW, ZoneOffset.UTC));

    assertThat(connector.status(StatusQuery.byReference(ATTEMPT, NOW.minusSeconds(90))).block(WAIT))
        .isEqualTo(new ChargeStatus.Unavailable("connection_refused"));
  }

  private static RequestPatternBuilder theChargeAsSent() {
    return authenticated(postRequestedFor(urlEqualTo("/v1/payment_intents")))
        .withHeader("Idempotency-Key", equalTo(ATTEMPT))
        .withHeader("Content-Type", equalTo("application/x-www-form-urlencoded"))
        .withRequestBody(equalTo(FORM));
  }

  private static RequestPatternBuilder theSearch() {
    return authenticated(getRequestedFor(urlPathEqualTo("/v1/payment_intents/search")))
        .withQueryParam("query", equalTo(SEARCH_QUERY));
  }

  private static RequestPatternBuilder authenticated(RequestPatternBuilder request) {
    return request
        .withHeader("Authorization", equalTo("Bearer " + API_KEY))
        .withHeader("Stripe-Version", equalTo(StripeConnector.STRIPE_VERSION));
  }

  private static void stubSearch(String file) {
    stripe.stubFor(get(urlPathEqualTo("/v1/payment_intents/search"))
        .withQueryParam("query", equalTo(SEARCH_QUERY))
        .willReturn(answer(200, file)));
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
