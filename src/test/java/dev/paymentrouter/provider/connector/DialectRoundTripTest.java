package dev.paymentrouter.provider.connector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.provider.connector.adyen.AdyenConnectorFactory;
import dev.paymentrouter.provider.connector.stripe.StripeConnectorFactory;
import dev.paymentrouter.provider.domain.ChargeStatus;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.provider.domain.ProviderRequest;
import dev.paymentrouter.provider.domain.StatusQuery;
import dev.paymentrouter.simulator.ProviderSimulator;
import dev.paymentrouter.simulator.SimulatorDialect;
import dev.paymentrouter.simulator.SimulatorSettings;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real connectors against the simulator speaking their provider's dialect: what local mode, docker-compose and
 * the chaos run rely on. The contract tests pin each connector to the provider's published examples; this pins the
 * simulator to the connectors, so that a simulator answer a connector misreads cannot hide behind a green chaos run.
 */
class DialectRoundTripTest {

  static final Duration WAIT = Duration.ofSeconds(10);
  static final String API_KEY = "sk_test_dialectRoundTrip0001";
  static final String MERCHANT_ACCOUNT = "RouterTestECOM";
  static final JsonMapper JSON = JsonMapper.builder().build();

  /** The two real dialects and the connector type that speaks each. */
  enum Dialect {
    STRIPE(SimulatorDialect.STRIPE, new StripeConnectorFactory(JSON, Clock.systemUTC()), "tok_"),
    ADYEN(SimulatorDialect.ADYEN, new AdyenConnectorFactory(JSON, Clock.systemUTC()), "shopper-1:tok_");

    final SimulatorDialect simulator;
    final ProviderConnectorFactory factory;
    final String tokenPrefix;

    Dialect(SimulatorDialect simulator, ProviderConnectorFactory factory, String tokenPrefix) {
      this.simulator = simulator;
      this.factory = factory;
      this.tokenPrefix = tokenPrefix;
    }

    /** The magic token {@code tok_<name>} in this dialect's token form. */
    String token(String name) {
      return tokenPrefix + name;
    }
  }

  static ProviderSimulator stripe;
  static ProviderSimulator adyen;
  ProviderConnector connector;

  @BeforeAll
  static void simulators() {
    stripe = ProviderSimulator.start(SimulatorSettings.local("stripe-sim").withApiKey(API_KEY)
        .withDialect(SimulatorDialect.STRIPE));
    adyen = ProviderSimulator.start(SimulatorSettings.local("adyen-sim").withApiKey(API_KEY)
        .withMerchantAccount(MERCHANT_ACCOUNT).withDialect(SimulatorDialect.ADYEN));
  }

  @AfterAll
  static void stop() {
    stripe.close();
    adyen.close();
  }

  @AfterEach
  void close() {
    if (connector != null) {
      connector.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void anApprovalIsApprovedAndChargesOnce(Dialect dialect) {
    ProviderRequest request = request(dialect, "visa");
    ProviderOutcome outcome = connector(dialect, API_KEY, Duration.ofSeconds(5)).authorize(request).block(WAIT);
    assertThat(outcome).isInstanceOf(ProviderOutcome.Approved.class);
    assertThat(simulator(dialect).ledger().approvedCountFor(request.idempotencyKey())).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void aHardDeclineIsHardAndASoftOneSoft(Dialect dialect) {
    connector(dialect, API_KEY, Duration.ofSeconds(5));
    ProviderOutcome hard = connector.authorize(request(dialect, "insufficient_funds")).block(WAIT);
    ProviderOutcome soft = connector.authorize(request(dialect, "issuer_unavailable")).block(WAIT);
    assertThat(hard).isInstanceOfSatisfying(ProviderOutcome.Declined.class,
        declined -> assertThat(declined.retryableElsewhere()).isFalse());
    assertThat(soft).isInstanceOfSatisfying(ProviderOutcome.Declined.class,
        declined -> assertThat(declined.retryableElsewhere()).isTrue());
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void aCustomerActionIsNeitherApprovedNorAFailure(Dialect dialect) {
    ProviderOutcome outcome = connector(dialect, API_KEY, Duration.ofSeconds(5))
        .authorize(request(dialect, "requires_action")).block(WAIT);
    assertThat(outcome).isInstanceOf(ProviderOutcome.ActionRequired.class);
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void theProvidersRateLimitIsNotSentAndItsServerErrorUnknown(Dialect dialect) {
    connector(dialect, API_KEY, Duration.ofSeconds(5));
    assertThat(connector.authorize(request(dialect, "rate_limited")).block(WAIT))
        .isInstanceOf(ProviderOutcome.NotSent.class);
    assertThat(connector.authorize(request(dialect, "error")).block(WAIT))
        .isInstanceOf(ProviderOutcome.Unknown.class);
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void aRefusedKeyIsAConfigurationErrorAndChargesNothing(Dialect dialect) {
    ProviderRequest request = request(dialect, "visa");
    ProviderOutcome outcome = connector(dialect, "sk_test_wrongKeyForThisSimulator", Duration.ofSeconds(5))
        .authorize(request).block(WAIT);
    assertThat(outcome).isInstanceOfSatisfying(ProviderOutcome.NotSent.class,
        notSent -> assertThat(notSent.configurationError()).isTrue());
    assertThat(simulator(dialect).ledger().approvedCountFor(request.idempotencyKey())).isZero();
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void aLostAnswerIsUnknownAndReconciliationFindsTheOneCharge(Dialect dialect) {
    ProviderRequest request = request(dialect, "lost_response");
    connector(dialect, API_KEY, Duration.ofMillis(300));
    assertThat(connector.authorize(request).block(WAIT)).isInstanceOf(ProviderOutcome.Unknown.class);

    ChargeStatus status = connector.status(new StatusQuery(request.idempotencyKey(), request, null, Instant.now()))
        .block(WAIT);

    assertThat(status).isInstanceOf(ChargeStatus.Charged.class);
    assertThat(simulator(dialect).ledger().approvedCountFor(request.idempotencyKey())).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void reconcilingACallThatNeverArrivedChargesOnceUnderItsKey(Dialect dialect) {
    // The replay is the first request the provider sees under this key: it charges now, and only once.
    ProviderRequest request = request(dialect, "visa");
    connector(dialect, API_KEY, Duration.ofSeconds(5));
    StatusQuery query = new StatusQuery(request.idempotencyKey(), request, null, Instant.now());
    ChargeStatus first = connector.status(query).block(WAIT);
    ChargeStatus second = connector.status(query).block(WAIT);
    assertThat(first).isInstanceOf(ChargeStatus.Charged.class);
    assertThat(second).isEqualTo(first);
    assertThat(simulator(dialect).ledger().approvedCountFor(request.idempotencyKey())).isEqualTo(1);
  }

  private ProviderConnector connector(Dialect dialect, String apiKey, Duration readTimeout) {
    ProviderSimulator simulator = simulator(dialect);
    connector = dialect.factory.create(new ConnectorSettings(simulator.name(), URI.create(simulator.baseUrl()), apiKey,
        MERCHANT_ACCOUNT, Duration.ofSeconds(1), readTimeout, 8));
    return connector;
  }

  private static ProviderSimulator simulator(Dialect dialect) {
    return dialect == Dialect.STRIPE ? stripe : adyen;
  }

  private static ProviderRequest request(Dialect dialect, String magic) {
    String intent = "pi_RT" + UUID.randomUUID().toString().replace("-", "").substring(0, 20).toUpperCase();
    return new ProviderRequest(intent, 1, dialect.name().toLowerCase(), intent + "_1", 1299, "EUR",
        dialect.token(magic));
  }
}
