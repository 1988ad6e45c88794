package dev.paymentrouter.provider.connector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.provider.connector.adyen.AdyenConnectorFactory;
import dev.paymentrouter.provider.connector.stripe.StripeConnectorFactory;
import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.ModificationRequest;
import dev.paymentrouter.provider.domain.ModificationRequest.Kind;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.provider.domain.ProviderRequest;
import dev.paymentrouter.simulator.ProviderSimulator;
import dev.paymentrouter.simulator.SimulatorDialect;
import dev.paymentrouter.simulator.SimulatorLedger;
import dev.paymentrouter.simulator.SimulatorSettings;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every connector against the simulator of its dialect, through a payment's whole life: authorize only, capture
 * part of it (the rest is released), refund twice, and a third refund that would give back more than was taken. The
 * simulators' ledgers keep the money rules, so what the router is told and what moved can be held side by side.
 */
class ModificationRoundTripTest {

  static final Duration WAIT = Duration.ofSeconds(10);
  static final String API_KEY = "sk_test_modificationRoundTrip1";
  static final String MERCHANT_ACCOUNT = "RoundTripECOM";
  static final JsonMapper JSON = JsonMapper.builder().build();

  /** Each dialect, its connector, its token form, and what it answers a modification the money rules allow. */
  enum Dialect {
    NATIVE(SimulatorDialect.NATIVE, "simulator", "tok_visa", ModificationOutcome.Succeeded.class),
    STRIPE(SimulatorDialect.STRIPE, "stripe", "tok_visa", ModificationOutcome.Succeeded.class),
    // Adyen confirms every modification later (by webhook): its answer is "received".
    ADYEN(SimulatorDialect.ADYEN, "adyen", "shopper-1:tok_visa", ModificationOutcome.Pending.class);

    final SimulatorDialect simulator;
    final String type;
    final String token;
    final Class<? extends ModificationOutcome> accepted;

    Dialect(SimulatorDialect simulator, String type, String token, Class<? extends ModificationOutcome> accepted) {
      this.simulator = simulator;
      this.type = type;
      this.token = token;
      this.accepted = accepted;
    }

    ProviderConnectorFactory factory() {
      return switch (this) {
        case NATIVE -> new SimulatorConnectorFactory(JSON);
        case STRIPE -> new StripeConnectorFactory(JSON, Clock.systemUTC());
        case ADYEN -> new AdyenConnectorFactory(JSON, Clock.systemUTC());
      };
    }
  }

  ProviderSimulator simulator;
  ProviderConnector connector;

  @AfterEach
  void close() {
    if (connector != null) {
      connector.close();
    }
    if (simulator != null) {
      simulator.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void authorizeCapturePartRefundTwiceAndNeverGiveBackMoreThanWasTaken(Dialect dialect) {
    start(dialect);
    String intent = "pi_MR" + UUID.randomUUID().toString().replace("-", "").substring(0, 20).toUpperCase(Locale.ROOT);
    ProviderRequest authorization = new ProviderRequest(intent, 1, dialect.type, intent + "_1", 1000, "EUR",
        dialect.token, true);

    ProviderOutcome authorized = connector.authorize(authorization).block(WAIT);
    assertThat(authorized).isInstanceOf(ProviderOutcome.Approved.class);
    String payment = ((ProviderOutcome.Approved) authorized).providerReference();
    // Held, not taken: the ledger counts no money before the capture.
    assertThat(simulator.ledger().approvedCountFor(authorization.idempotencyKey())).isZero();

    assertThat(modify(Kind.CAPTURE, intent, payment, "c1", 600)).isInstanceOf(dialect.accepted);
    assertThat(modify(Kind.REFUND, intent, payment, "r1", 200)).isInstanceOf(dialect.accepted);
    assertThat(modify(Kind.REFUND, intent, payment, "r2", 300)).isInstanceOf(dialect.accepted);
    ModificationOutcome tooMuch = modify(Kind.REFUND, intent, payment, "r3", 200);
    if (dialect != Dialect.ADYEN) {
      assertThat(tooMuch).isInstanceOf(ModificationOutcome.Refused.class);
    }

    SimulatorLedger.Totals totals = simulator.ledger().totalsFor(authorization.idempotencyKey());
    assertThat(totals).isEqualTo(new SimulatorLedger.Totals(600, 400, 500));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void aModificationReplayedUnderItsKeyMovesMoneyOnce(Dialect dialect) {
    start(dialect);
    String intent = "pi_MR" + UUID.randomUUID().toString().replace("-", "").substring(0, 20).toUpperCase(Locale.ROOT);
    ProviderRequest charge = new ProviderRequest(intent, 1, dialect.type, intent + "_1", 1000, "EUR", dialect.token);
    String payment = ((ProviderOutcome.Approved) connector.authorize(charge).block(WAIT)).providerReference();

    ModificationRequest refund = request(Kind.REFUND, intent, payment, "r1", 400);
    ModificationOutcome first = connector.modify(refund).block(WAIT);
    ModificationOutcome replayed = connector.modify(refund).block(WAIT);
    ModificationOutcome status = connector.modificationStatus(refund, Instant.now()).block(WAIT);

    assertThat(first).isInstanceOf(dialect.accepted);
    assertThat(replayed).isEqualTo(first);
    assertThat(status).isInstanceOf(dialect.accepted);
    assertThat(simulator.ledger().totalsFor(charge.idempotencyKey()).refunded()).isEqualTo(400);
  }

  private void start(Dialect dialect) {
    simulator = ProviderSimulator.start(SimulatorSettings.local("mr-" + dialect.type).withDialect(dialect.simulator)
        .withApiKey(API_KEY).withMerchantAccount(MERCHANT_ACCOUNT));
    connector = dialect.factory().create(new ConnectorSettings(simulator.name(), URI.create(simulator.baseUrl()),
        API_KEY, MERCHANT_ACCOUNT, Duration.ofSeconds(1), Duration.ofSeconds(5), 8));
  }

  private ModificationOutcome modify(Kind kind, String intent, String payment, String id, long amount) {
    return connector.modify(request(kind, intent, payment, id, amount)).block(WAIT);
  }

  private static ModificationRequest request(Kind kind, String intent, String payment, String id, long amount) {
    return new ModificationRequest(kind, intent, "provider", intent + "_" + id, payment, intent + "_1", amount, "EUR",
        kind == Kind.REFUND ? "requested_by_customer" : null);
  }
}
