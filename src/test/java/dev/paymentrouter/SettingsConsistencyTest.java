package dev.paymentrouter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paymentrouter.intent.runtime.IntentProperties;
import dev.paymentrouter.intent.runtime.RecoveryProperties;
import dev.paymentrouter.intent.runtime.StorageProperties;
import dev.paymentrouter.provider.connector.SimulatorConnectorFactory;
import dev.paymentrouter.provider.connector.adyen.AdyenConnectorFactory;
import dev.paymentrouter.provider.connector.stripe.StripeConnectorFactory;
import dev.paymentrouter.provider.runtime.ProvidersProperties;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import tools.jackson.databind.json.JsonMapper;

/** Settings that only make sense together are checked together, and every violation is named at once. */
class SettingsConsistencyTest {

  static final JsonMapper JSON = JsonMapper.builder().build();
  static final SimulatorConnectorFactory SIMULATOR = new SimulatorConnectorFactory(JSON);
  static final StripeConnectorFactory STRIPE = new StripeConnectorFactory(JSON, Clock.systemUTC());
  static final AdyenConnectorFactory ADYEN = new AdyenConnectorFactory(JSON, Clock.systemUTC());

  static final Map<String, String> PROVIDERS = Map.of(
      "payment-router.providers.alpha.type", "simulator",
      "payment-router.providers.alpha.base-url", "http://127.0.0.1:9101",
      "payment-router.providers.beta.type", "simulator",
      "payment-router.providers.beta.base-url", "http://127.0.0.1:9102");

  @Test
  void theDefaultsFitTogether() {
    assertThat(problems(Map.of(), 20)).isEmpty();
  }

  @Test
  void aLeaseSettleTimeOrDrainTimeoutNoLongerThanACallIsRefusedNamingEachProperty() {
    List<String> problems = problems(Map.of(
        "payment-router.providers.beta.pool.call-timeout", "20s",
        "payment-router.providers.beta.pool.queue-timeout", "10s",
        "payment-router.recovery.settle-time", "30s"), 20);

    // beta's longest call is 30 s: longer than the 30 s lease (equal is not enough), the 30 s settle time and
    // the 15 s drain timeout; alpha's defaults (5 s + 2 s) fit.
    assertThat(problems).containsExactlyInAnyOrder(
        "payment-router.recovery.lease (30s) must exceed "
            + "payment-router.providers.beta.pool.call-timeout + queue-timeout (30s)",
        "payment-router.recovery.settle-time (30s) must exceed "
            + "payment-router.providers.beta.pool.call-timeout + queue-timeout (30s)",
        "payment-router.intents.drain-timeout (15s) must exceed "
            + "payment-router.providers.beta.pool.call-timeout + queue-timeout (30s)");
  }

  @Test
  void writersMustLeaveConnectionsInThePool() {
    assertThat(problems(Map.of("payment-router.storage.writers", "4"), 4)).containsExactly(
        "payment-router.storage.writers (4) must stay below spring.r2dbc.pool.max-size (4)");
    assertThat(problems(Map.of("payment-router.storage.writers", "4"), 5)).isEmpty();
  }

  @Test
  void aProviderWithoutATypeIsRefusedOutsideLocalModeAndMeansTheSimulatorInIt() {
    ProvidersProperties untyped = bind(Map.of("payment-router.providers.alpha.base-url", "http://127.0.0.1:9101",
        "payment-router.providers.beta.type", "stripe",
        "payment-router.providers.beta.base-url", "http://127.0.0.1:9102",
        "payment-router.providers.gamma.type", "simulator"), "payment-router", ProvidersProperties.class);

    assertThatThrownBy(() -> untyped.toSettings(false, List.of(SIMULATOR)))
        .hasMessageContaining("payment-router.providers.alpha.type is required: one of [simulator]")
        .hasMessageContaining("payment-router.providers.beta.type 'stripe' is unknown: one of [simulator]")
        .hasMessageContaining("payment-router.providers.gamma.base-url is required");

    ProvidersProperties local = bind(Map.of("payment-router.providers.alpha.base-url", "http://127.0.0.1:9101"),
        "payment-router", ProvidersProperties.class);
    assertThat(local.toSettings(true, List.of(SIMULATOR))).singleElement()
        .satisfies(settings -> assertThat(settings.type()).isEqualTo("simulator"));
  }

  @Test
  void everyProviderTypeChecksItsOwnSettingsAndAllProblemsAreListedWithoutTheKeys() {
    ProvidersProperties providers = bind(Map.of(
        "payment-router.providers.stripe.type", "stripe",
        "payment-router.providers.stripe.api-key", "pk_live_publishableKeyCannotCharge",
        "payment-router.providers.adyen.type", "adyen",
        "payment-router.providers.adyen.base-url", "https://checkout-test.adyen.com",
        "payment-router.providers.adyen.api-key", "AQE1adyenKey"), "payment-router", ProvidersProperties.class);

    // Stripe needs no base URL (its default), but a secret key; Adyen its merchant account.
    assertThatThrownBy(() -> providers.toSettings(false, List.of(SIMULATOR, STRIPE, ADYEN)))
        .hasMessageContaining("payment-router.providers.stripe.api-key is a publishable key")
        .hasMessageContaining("payment-router.providers.adyen.merchant-account")
        .message().doesNotContain("pk_live_publishableKeyCannotCharge").doesNotContain("AQE1adyenKey");
  }

  @Test
  void aStripeProviderWithASettleTimeShorterThanItsSearchLagIsWarnedAbout() {
    Map<String, String> stripe = Map.of("payment-router.providers.alpha.type", "stripe",
        "payment-router.recovery.settle-time", "30s");
    ProvidersProperties providers = bind(stripe, "payment-router", ProvidersProperties.class);

    assertThat(SettingsConsistency.warnings(providers, bind(stripe, "payment-router.recovery",
        RecoveryProperties.class))).anySatisfy(warning ->
            assertThat(warning).contains("'alpha'", "settle-time (30s)", "Stripe's search lag"));
    assertThat(SettingsConsistency.warnings(providers, bind(Map.of(), "payment-router.recovery",
        RecoveryProperties.class))).isEmpty();
  }

  @Test
  void aSettleTimeThatEndsBeforeACallSentAtTheEndOfTheLeaseIsDecidedIsWarnedAbout() {
    // Lease 10 s plus alpha's call timeout 5 s: a charge sent at the lease's end is decided by 15 s.
    Map<String, String> settings = Map.of("payment-router.providers.alpha.type", "simulator",
        "payment-router.recovery.lease", "10s", "payment-router.recovery.settle-time", "12s");
    ProvidersProperties providers = bind(settings, "payment-router", ProvidersProperties.class);

    assertThat(SettingsConsistency.warnings(providers, bind(settings, "payment-router.recovery",
        RecoveryProperties.class))).singleElement().asString().contains("'alpha'", "settle-time (12s)", "(15s)");
    assertThat(SettingsConsistency.warnings(providers, bind(Map.of("payment-router.recovery.lease", "10s",
        "payment-router.recovery.settle-time", "15s"), "payment-router.recovery", RecoveryProperties.class)))
        .isEmpty();
  }

  private static List<String> problems(Map<String, String> overrides, int poolSize) {
    Map<String, String> all = new HashMap<>(PROVIDERS);
    all.putAll(overrides);
    return SettingsConsistency.problems(
        bind(all, "payment-router", ProvidersProperties.class),
        bind(all, "payment-router.recovery", RecoveryProperties.class),
        bind(all, "payment-router.intents", IntentProperties.class),
        bind(all, "payment-router.storage", StorageProperties.class),
        poolSize);
  }

  private static <T> T bind(Map<String, String> properties, String prefix, Class<T> type) {
    return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate(prefix, type);
  }
}
