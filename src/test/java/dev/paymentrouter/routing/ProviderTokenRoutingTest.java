package dev.paymentrouter.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.simulator.ProviderSimulator;
import dev.paymentrouter.simulator.SimulatorDialect;
import dev.paymentrouter.simulator.SimulatorSettings;
import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import dev.paymentrouter.testsupport.TestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A card tokenized at one processor cannot be charged at another: with alpha on Stripe's API (the Stripe connector),
 * beta on Adyen's (the Adyen connector) and gamma on the simulator's own, an intent is offered only to the providers
 * it holds a usable token for, whatever happens at the others.
 */
class ProviderTokenRoutingTest extends RouterIntegrationTest {

  static final String PROVIDER_KEY = "sk_test_tokenRoutingProviders1";
  static final ProviderSimulator STRIPE = ProviderSimulator.start(SimulatorSettings.local("stripe-routing")
      .withDialect(SimulatorDialect.STRIPE).withApiKey(PROVIDER_KEY));
  static final ProviderSimulator ADYEN = ProviderSimulator.start(SimulatorSettings.local("adyen-routing")
      .withDialect(SimulatorDialect.ADYEN).withApiKey(PROVIDER_KEY).withMerchantAccount("RoutingECOM"));

  IntentClient merchant;

  @DynamicPropertySource
  static void stripeAndAdyen(DynamicPropertyRegistry registry) {
    registry.add("payment-router.providers.alpha.type", () -> "stripe");
    registry.add("payment-router.providers.alpha.base-url", STRIPE::baseUrl);
    registry.add("payment-router.providers.alpha.api-key", () -> PROVIDER_KEY);
    registry.add("payment-router.providers.beta.type", () -> "adyen");
    registry.add("payment-router.providers.beta.base-url", ADYEN::baseUrl);
    registry.add("payment-router.providers.beta.api-key", () -> PROVIDER_KEY);
    registry.add("payment-router.providers.beta.merchant-account", () -> "RoutingECOM");
  }

  @AfterAll
  static void stopSimulators() {
    STRIPE.close();
    ADYEN.close();
  }

  @BeforeEach
  void merchant() {
    STRIPE.reset();
    ADYEN.reset();
    merchant = new IntentClient(client, newMerchant());
  }

  @Test
  void anIntentWithOnlyAStripeTokenNeverGoesToAdyenEvenWhenStripeDeclinesSoftly() {
    // A soft decline would fail over to the next provider; there is none this card can be charged at.
    JsonNode intent = merchant.created(body("\"tokens\": {\"alpha\": \"tok_issuer_unavailable\"}"));

    assertThat(intent.path("status").stringValue()).isEqualTo("failed");
    assertThat(intent.path("failureCode").stringValue()).isEqualTo("issuer_not_available");
    assertThat(intent.path("attempts")).hasSize(1);
    assertThat(intent.at("/attempts/0/provider").stringValue()).isEqualTo("alpha");
    assertThat(intent.at("/attempts/0/routing/skipped/beta").stringValue()).isEqualTo("no_token");
    String id = intent.path("id").stringValue();
    assertThat(chargesOf(ADYEN, id)).isZero();
    assertThat(chargesOf(TestEnvironment.simulator("gamma"), id)).isZero();
  }

  @Test
  void aStripeFormTokenIsNotOfferedToAdyenButToProvidersThatCanUseIt() {
    // A Stripe id as the provider-agnostic token: Stripe and the native simulator can use it, Adyen's form it is not.
    JsonNode intent = merchant.created(body("\"token\": \"tok_issuer_unavailable\""));

    assertThat(intent.at("/attempts/0/provider").stringValue()).isEqualTo("alpha");
    assertThat(intent.at("/attempts/0/routing/skipped/beta").stringValue()).isEqualTo("token_not_usable");
    assertThat(intent.at("/attempts/1/provider").stringValue()).isEqualTo("gamma");
    assertThat(chargesOf(ADYEN, intent.path("id").stringValue())).isZero();
  }

  @Test
  void anIntentWithAnAdyenTokenGoesToAdyenThroughItsConnector() {
    JsonNode intent = merchant.created(body("\"tokens\": {\"beta\": \"shopper-7:tok_visa\"}"));

    assertThat(intent.path("status").stringValue()).isEqualTo("succeeded");
    assertThat(intent.at("/attempts/0/provider").stringValue()).isEqualTo("beta");
    String attemptKey = intent.path("id").stringValue() + "_1";
    assertThat(ADYEN.ledger().approvedCountFor(attemptKey)).isEqualTo(1);
    assertThat(chargesOf(STRIPE, intent.path("id").stringValue())).isZero();
  }

  @Test
  void aCustomerActionAtStripeEndsTheIntentRequiringActionWithoutFailover() {
    JsonNode intent = merchant.created(body(
        "\"token\": \"tok_requires_action\", \"tokens\": {\"beta\": \"shopper-7:tok_visa\"}"));

    assertThat(intent.path("status").stringValue()).isEqualTo("requires_action");
    assertThat(intent.at("/nextAction/provider").stringValue()).isEqualTo("alpha");
    assertThat(intent.at("/nextAction/providerReference").stringValue()).startsWith("pi_");
    assertThat(intent.path("attempts")).hasSize(1);
    assertThat(chargesOf(ADYEN, intent.path("id").stringValue())).isZero();
  }

  @Test
  void aTokenMayNameItsProviderByTypeWhenThatProviderIsTheOnlyOneOfItsType() {
    // "stripe" and "adyen" are the types of alpha and beta, each the only one of its type.
    JsonNode intent = merchant.created(body("\"tokens\": {\"adyen\": \"shopper-7:tok_visa\"}"));

    assertThat(intent.at("/attempts/0/provider").stringValue()).isEqualTo("beta");
    assertThat(intent.at("/attempts/0/status").stringValue()).isEqualTo("approved");
    merchant.create(body("\"tokens\": {\"alpha\": \"tok_visa\", \"stripe\": \"tok_mastercard\"}"))
        .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
        .expectBody().jsonPath("$.errors[0].code").isEqualTo("duplicate_provider");
  }

  @Test
  void anIntentNoProviderCanChargeIsRefusedWithoutStoringIt() {
    merchant.create(body("\"tokens\": {\"beta\": \"not-an-adyen-token\"}"))
        .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
        .expectBody().jsonPath("$.code").isEqualTo("payment_method_unusable");
  }

  /** What a provider's ledger holds for any attempt of this intent, approved or not. */
  private static long chargesOf(ProviderSimulator provider, String intentId) {
    return provider.ledger().charges().stream().filter(charge -> charge.reference().startsWith(intentId + "_"))
        .count();
  }

  private static String body(String tokens) {
    return "{\"amount\": 2500, \"currency\": \"EUR\", \"paymentMethod\": {\"type\": \"card\", " + tokens + "}}";
  }
}
