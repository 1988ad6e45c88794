package dev.paymentrouter.provider.connector.adyen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.provider.connector.ConnectorSettings;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

/** What the Adyen factory accepts as configuration and as payment tokens. */
class AdyenConnectorFactoryTest {

  final AdyenConnectorFactory factory = new AdyenConnectorFactory(JsonMapper.builder().build(), Clock.systemUTC());

  @Test
  void isTheFactoryOfTypeAdyen() {
    assertThat(factory.type()).isEqualTo("adyen");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "https://checkout-test.adyen.com",
      "https://1797a841fbb37ca7-AdyenDemo-checkout-live.adyenpayments.com/checkout",
      "http://127.0.0.1:8089",
      "http://localhost:8089",
      "http://[::1]:8089"})
  void acceptsACompleteConfiguration(String baseUrl) {
    assertThat(factory.configurationProblems(settings(baseUrl, "AQE_key", "PaymentRouterECOM"))).isEmpty();
  }

  @Test
  void listsEveryMissingSettingWithItsProperty() {
    assertThat(factory.configurationProblems(settings("https://checkout-test.adyen.com", " ", null)))
        .hasSize(2)
        .anySatisfy(problem -> assertThat(problem).startsWith("payment-router.providers.adyen-eu.api-key is required"))
        .anySatisfy(problem ->
            assertThat(problem).startsWith("payment-router.providers.adyen-eu.merchant-account is required"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://checkout-test.adyen.com", "http://10.0.0.7:8089", "ftp://checkout-test.adyen.com"})
  void refusesABaseUrlThatWouldSendTheKeyInClearText(String baseUrl) {
    assertThat(factory.configurationProblems(settings(baseUrl, "AQE_key", "PaymentRouterECOM")))
        .containsExactly("payment-router.providers.adyen-eu.base-url must be https (http only for a loopback address, "
            + "or with payment-router.providers.adyen-eu.plain-http=true)");
  }

  @Test
  void takesPlainHttpToAnotherHostOnlyWhenTheOperatorSaysSo() {
    // A simulator in another container (docker-compose's beta): the operator opts in per provider.
    ConnectorSettings plain = settings("http://beta:9102", "AQE_key", "PaymentRouterECOM");
    assertThat(factory.configurationProblems(new ConnectorSettings(plain.provider(), plain.baseUrl(), plain.apiKey(),
        plain.merchantAccount(), plain.connectTimeout(), plain.readTimeout(), plain.maxConnections(), true))).isEmpty();
    assertThat(factory.configurationProblems(plain)).singleElement().asString().contains("must be https");
  }

  @Test
  void refusesABaseUrlThatNamesAnApiVersion() {
    assertThat(factory.configurationProblems(settings("https://checkout-test.adyen.com/v71", "AQE_key", "M")))
        .singleElement().asString().contains("must not name an API version");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "shopper-42:M5N7TQ4TG5PFWR50",
      "abc:1",
      // Split at the last colon: the shopper reference is the merchant's and may hold colons.
      "tenant:7:shopper:8416038790273850",
      // The simulators' magic tokens in this form.
      "shopper-1:tok_visa",
      "{\"type\":\"scheme\",\"encryptedCardNumber\":\"test_4111111111111111\"}",
      "{\"type\":\"googlepay\",\"googlePayToken\":\"==Payload as retrieved from Google Pay response==\"}"})
  void usesAStoredCardOrPaymentMethodDetails(String token) {
    assertThat(factory.canUse(token)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      " ",
      "tok_visa",
      "pm_1Nxyz",
      // A shopper reference of fewer than 3 characters, or none.
      "ab:M5N7TQ4TG5PFWR50",
      ":M5N7TQ4TG5PFWR50",
      "   :M5N7TQ4TG5PFWR50",
      // The stored payment method id is alphanumeric (underscores let through), at most 64 characters.
      "shopper-42:",
      "shopper-42:M5N7-TQ4T",
      "shopper-42:M5N7TQ4TG5PFWR50AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      // JSON, but not payment method details.
      "{\"encryptedCardNumber\":\"test_4111111111111111\"}",
      "{\"type\":\"\"}",
      "{\"type\":7}",
      "{\"type\":\"scheme\"",
      "[{\"type\":\"scheme\"}]"})
  void refusesAnythingElse(String token) {
    assertThat(factory.canUse(token)).isFalse();
  }

  @Test
  void refusesNoToken() {
    assertThat(factory.canUse(null)).isFalse();
  }

  @Test
  void aShopperReferenceOfAdyensMaximumLengthIsUsable() {
    assertThat(factory.canUse("s".repeat(256) + ":M5N7TQ4TG5PFWR50")).isTrue();
    assertThat(factory.canUse("s".repeat(257) + ":M5N7TQ4TG5PFWR50")).isFalse();
  }

  @Test
  void aTokenNeverShowsInItsParsedForm() {
    assertThat(AdyenToken.parse("shopper-42:M5N7TQ4TG5PFWR50", JsonMapper.builder().build()).orElseThrow())
        .asString().doesNotContain("shopper-42").doesNotContain("M5N7TQ4TG5PFWR50");
  }

  @Test
  void makesAConnectorThatCanBeClosed() {
    factory.create(settings("https://checkout-test.adyen.com", "AQE_key", "PaymentRouterECOM")).close();
  }

  private static ConnectorSettings settings(String baseUrl, String apiKey, String merchantAccount) {
    return new ConnectorSettings("adyen-eu", URI.create(baseUrl), apiKey, merchantAccount, Duration.ofSeconds(1),
        Duration.ofSeconds(5), 8);
  }
}
