package dev.paymentrouter.provider.connector;

import java.util.List;

/** Creates connectors of one provider type; supervisors call it again to restart a crashed connector. */
public interface ProviderConnectorFactory {

  /** The provider type this factory serves, as named in configuration ({@code type}). */
  String type();

  /** A fresh connector for this provider. May throw; the supervisor counts that as a crash. */
  ProviderConnector create(ConnectorSettings settings);

  /**
   * What is missing or wrong in these settings for this type (a credential, a merchant account), each naming its
   * property under {@code payment-router.providers.<name>.}; empty when they will do. Checked at start-up, so that a
   * router that could not authenticate never starts taking payments.
   */
  default List<String> configurationProblems(ConnectorSettings settings) {
    return List.of();
  }

  /**
   * Whether a payment method token has a form this provider type can charge (a Stripe PaymentMethod id, an Adyen
   * stored payment method with its shopper). Routing offers a provider only a token it can use.
   */
  default boolean canUse(String token) {
    return token != null && !token.isBlank();
  }
}
