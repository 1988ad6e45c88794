package dev.paymentrouter.provider.connector;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.paymentrouter.process.Correlation;
import dev.paymentrouter.provider.connector.adyen.AdyenConnector;
import dev.paymentrouter.provider.connector.stripe.StripeConnector;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.provider.domain.ProviderRequest;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every connector carries the merchant request behind a call on to the provider: its {@code X-Request-Id} and the
 * call's W3C {@code traceparent}, from the call's Reactor context (nothing when the call has no request behind it,
 * as after a recovery), and names the intent and the attempt in the provider's metadata.
 */
class ProviderCorrelationTest {

  @RegisterExtension
  static WireMockExtension provider = WireMockExtension.newInstance()
      .options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort())
      .build();

  static final Duration WAIT = Duration.ofSeconds(10);
  static final JsonMapper JSON = JsonMapper.builder().build();
  static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  static final Correlation REQUEST = new Correlation("req_checkout_42", TRACEPARENT);

  /** The connectors, each with an answer it approves, modelled on the stubs of its contract test. */
  enum Kind {
    SIMULATOR("tok_visa", "/v1/charges", 201, "{\"id\": \"ch_1\", \"status\": \"approved\"}",
        settings -> new SimulatorConnector(settings, JSON)),
    STRIPE("pm_card_visa", "/v1/payment_intents", 200, ContractStubs.body("/stripe/payment_intent_succeeded.json"),
        settings -> new StripeConnector(settings, JSON, Clock.systemUTC())),
    ADYEN("shopper-42:M5N7TQ4TG5PFWR50", "/v71/payments", 200, ContractStubs.body("/adyen/authorised.json"),
        settings -> new AdyenConnector(settings, JSON, Clock.systemUTC()));

    final String token;
    final String path;
    final int status;
    final String answer;
    final Function<ConnectorSettings, ProviderConnector> connector;

    Kind(String token, String path, int status, String answer,
        Function<ConnectorSettings, ProviderConnector> connector) {
      this.token = token;
      this.path = path;
      this.status = status;
      this.answer = answer;
      this.connector = connector;
    }
  }

  ProviderConnector connector;

  @AfterEach
  void close() {
    if (connector != null) {
      connector.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void sendsTheRequestIdAndTheTraceOfTheCallOnToTheProvider(Kind kind) {
    LoggedRequest sent = authorize(kind, REQUEST);

    assertThat(sent.getHeader("X-Request-Id")).isEqualTo("req_checkout_42");
    assertThat(sent.getHeader("traceparent")).isEqualTo(TRACEPARENT);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void sendsNeitherHeaderForACallNoRequestCaused(Kind kind) {
    LoggedRequest sent = authorize(kind, Correlation.NONE);

    assertThat(sent.containsHeader("X-Request-Id")).isFalse();
    assertThat(sent.containsHeader("traceparent")).isFalse();
  }

  @Test
  void theSimulatorAndAdyenGetTheIntentAndTheAttemptNumberInTheirMetadata() {
    JsonNode simulator = JSON.readTree(authorize(Kind.SIMULATOR, REQUEST).getBodyAsString()).path("metadata");
    assertThat(simulator.path("payment_router_intent").asString("")).isEqualTo("pi_3f2a9c");
    assertThat(simulator.path("payment_router_attempt").asString("")).isEqualTo("2");

    provider.resetAll();
    close();
    JsonNode adyen = JSON.readTree(authorize(Kind.ADYEN, REQUEST).getBodyAsString()).path("metadata");
    // Adyen takes keys of at most 20 characters and string values.
    assertThat(adyen.path("router_intent").asString("")).isEqualTo("pi_3f2a9c");
    assertThat(adyen.path("router_attempt").asString("")).isEqualTo("2");
  }

  /** Authorizes attempt 2 of intent pi_3f2a9c with {@code correlation} in the call's context; the request sent. */
  private LoggedRequest authorize(Kind kind, Correlation correlation) {
    provider.stubFor(post(kind.path).willReturn(aResponse().withStatus(kind.status)
        .withHeader("Content-Type", "application/json").withBody(kind.answer)));
    connector = kind.connector.apply(new ConnectorSettings(kind.name().toLowerCase(Locale.ROOT),
        URI.create(provider.baseUrl()), "sk_test_correlation", "PaymentRouterECOM", Duration.ofSeconds(1),
        Duration.ofSeconds(5), 4));
    ProviderRequest request = new ProviderRequest("pi_3f2a9c", 2, kind.name().toLowerCase(Locale.ROOT), "pi_3f2a9c_2",
        1299, "EUR", kind.token);

    ProviderOutcome outcome = connector.authorize(request).contextWrite(correlation::into).block(WAIT);

    assertThat(outcome).isInstanceOf(ProviderOutcome.Approved.class);
    List<LoggedRequest> sent = provider.findAll(postRequestedFor(urlPathEqualTo(kind.path)));
    assertThat(sent).hasSize(1);
    return sent.getFirst();
  }
}
