package dev.paymentrouter.provider.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.paymentrouter.provider.connector.SimulatorConnectorFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import tools.jackson.databind.json.JsonMapper;

class ProvidersPropertiesTest {

  static final SimulatorConnectorFactory SIMULATOR = new SimulatorConnectorFactory(JsonMapper.builder().build());

  @Test
  void anAuthorizationStaysCapturableForSevenDaysUnlessTheProviderSaysOtherwise() {
    List<ProviderSettings> settings = bind(Map.of(
        "payment-router.providers.alpha.type", "simulator",
        "payment-router.providers.alpha.base-url", "http://127.0.0.1:9101",
        "payment-router.providers.beta.type", "simulator",
        "payment-router.providers.beta.base-url", "http://127.0.0.1:9102",
        "payment-router.providers.beta.authorization-validity", "30d",
        "payment-router.providers.gamma.type", "simulator",
        "payment-router.providers.gamma.base-url", "http://127.0.0.1:9103",
        "payment-router.providers.gamma.authorization-validity", "PT72H")).toSettings(false, List.of(SIMULATOR));

    assertThat(settings).extracting(ProviderSettings::name, ProviderSettings::authorizationValidity)
        .containsExactlyInAnyOrder(tuple("alpha", Duration.ofDays(7)), tuple("beta", Duration.ofDays(30)),
            tuple("gamma", Duration.ofHours(72)));
  }

  @Test
  void refusesAnAuthorizationValidityThatIsNotPositiveNamingTheProperty() {
    ProvidersProperties providers = bind(Map.of(
        "payment-router.providers.alpha.type", "simulator",
        "payment-router.providers.alpha.base-url", "http://127.0.0.1:9101",
        "payment-router.providers.alpha.authorization-validity", "0s",
        "payment-router.providers.beta.type", "simulator",
        "payment-router.providers.beta.authorization-validity", "-1d"));

    // Every problem at once: beta also lacks its base URL.
    assertThatThrownBy(() -> providers.toSettings(false, List.of(SIMULATOR)))
        .hasMessageContaining("payment-router.providers.alpha.authorization-validity must be positive, not PT0S")
        .hasMessageContaining("payment-router.providers.beta.authorization-validity must be positive, not PT-24H")
        .hasMessageContaining("payment-router.providers.beta.base-url is required");
  }

  @Test
  void speaksHttp11OnSharedLoopsUnlessAProviderAsksForHttp2OrLoopsOfItsOwn() {
    List<ProviderSettings> settings = bind(ordered(
        "payment-router.providers.alpha.type", "simulator",
        "payment-router.providers.alpha.base-url", "http://127.0.0.1:9101",
        "payment-router.providers.beta.type", "simulator",
        "payment-router.providers.beta.base-url", "http://127.0.0.1:9102",
        "payment-router.providers.beta.http2", "true",
        "payment-router.providers.beta.event-loops", "1")).toSettings(false, List.of(SIMULATOR));

    assertThat(settings).extracting(s -> s.connector().http2(), s -> s.connector().eventLoops())
        .containsExactly(tuple(false, 0), tuple(true, 1));
  }

  @Test
  void refusesNegativeEventLoopsNamingTheProperty() {
    ProvidersProperties providers = bind(Map.of(
        "payment-router.providers.alpha.type", "simulator",
        "payment-router.providers.alpha.base-url", "http://127.0.0.1:9101",
        "payment-router.providers.alpha.event-loops", "-1"));

    assertThatThrownBy(() -> providers.toSettings(false, List.of(SIMULATOR)))
        .hasMessageContaining(
            "payment-router.providers.alpha.event-loops must be 0 (shared loops) or positive, not -1");
  }

  @Test
  void bindsSeveralWebhookSecretsPerProviderAndNoneByDefault() {
    // In order, as a real property source gives them (Map.of's order changes from one JVM to the next).
    List<ProviderSettings> settings = bind(ordered(
        "payment-router.providers.alpha.type", "simulator",
        "payment-router.providers.alpha.base-url", "http://127.0.0.1:9101",
        "payment-router.providers.alpha.webhook-secrets[0]", "whsec_old",
        "payment-router.providers.alpha.webhook-secrets[1]", "whsec_new",
        "payment-router.providers.alpha.webhook-hmac-keys", "0A1B,ffee",
        "payment-router.providers.beta.type", "simulator",
        "payment-router.providers.beta.base-url", "http://127.0.0.1:9102")).toSettings(false, List.of(SIMULATOR));

    assertThat(settings.get(0).webhookKeys().secrets()).containsExactly("whsec_old", "whsec_new");
    assertThat(settings.get(0).webhookKeys().hmacKeys()).containsExactly("0A1B", "ffee");
    assertThat(settings.get(0).webhookKeys().toString()).doesNotContain("whsec_").doesNotContain("0A1B");
    assertThat(settings.get(1).webhookKeys()).isEqualTo(ProviderSettings.WebhookKeys.NONE);
  }

  @Test
  void refusesAnAdyenHmacKeyThatIsNotHexWithoutShowingIt() {
    ProvidersProperties providers = bind(Map.of(
        "payment-router.providers.alpha.type", "simulator",
        "payment-router.providers.alpha.base-url", "http://127.0.0.1:9101",
        "payment-router.providers.alpha.webhook-hmac-keys[0]", "not-a-hex-key"));

    assertThatThrownBy(() -> providers.toSettings(false, List.of(SIMULATOR)))
        .hasMessageContaining("payment-router.providers.alpha.webhook-hmac-keys[0] must be hexadecimal")
        .message().doesNotContain("not-a-hex-key");
  }

  private static Map<String, String> ordered(String... keysAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  private static ProvidersProperties bind(Map<String, String> properties) {
    return new Binder(new MapConfigurationPropertySource(properties))
        .bindOrCreate("payment-router", ProvidersProperties.class);
  }
}
