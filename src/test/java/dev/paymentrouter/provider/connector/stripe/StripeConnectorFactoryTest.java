package dev.paymentrouter.provider.connector.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.provider.connector.ConnectorSettings;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

/** What a Stripe provider's settings must hold, and which tokens it can charge. */
class StripeConnectorFactoryTest {

  final StripeConnectorFactory factory = new StripeConnectorFactory(JsonMapper.builder().build(), Clock.systemUTC());

  @Test
  void servesTheStripeType() {
    assertThat(factory.type()).isEqualTo("stripe");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sk_test_51Abc", "sk_live_51Abc", "rk_live_51Abc", "rk_test_51Abc"})
  void acceptsASecretOrRestrictedKey(String key) {
    assertThat(factory.configurationProblems(settings(key))).isEmpty();
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"  "})
  void requiresAnApiKey(String key) {
    assertThat(factory.configurationProblems(settings(key)))
        .containsExactly("payment-router.providers.stripe-eu.api-key is required: a Stripe secret key (sk_...) or"
            + " restricted key (rk_...)");
  }

  @Test
  void refusesAPublishableKeyWithoutQuotingIt() {
    assertThat(factory.configurationProblems(settings("pk_live_secretPart123")))
        .singleElement().asString()
        .startsWith("payment-router.providers.stripe-eu.api-key is a publishable key")
        .doesNotContain("secretPart123");
  }

  @Test
  void refusesAKeyOfAnotherShapeWithoutQuotingIt() {
    assertThat(factory.configurationProblems(settings("psp_secret_value")))
        .singleElement().asString()
        .startsWith("payment-router.providers.stripe-eu.api-key does not look like a Stripe secret key")
        .doesNotContain("psp_secret_value");
  }

  @ParameterizedTest
  @ValueSource(strings = {"pm_card_visa", "pm_1PgafyB7WZ01zgkW", "tok_visa", "card_1Abc", "src_1Abc"})
  void canUseStripeObjectIds(String token) {
    assertThat(factory.canUse(token)).isTrue();
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"tok_visa:cus_1", "{\"card\":\"4242\"}", "pm_", "pi_3Abc", "cus_1Abc", "4242424242424242",
      "pm_card visa", "PM_card_visa", "pm_card-visa", "adyen:8415/shopper-1"})
  void cannotUseOtherTokens(String token) {
    assertThat(factory.canUse(token)).isFalse();
  }

  private static ConnectorSettings settings(String apiKey) {
    return new ConnectorSettings("stripe-eu", URI.create("https://api.stripe.com"), apiKey, null,
        Duration.ofSeconds(1), Duration.ofSeconds(5), 8);
  }
}
