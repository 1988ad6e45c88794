package dev.paymentrouter.provider.connector;

/** Creates connectors of one provider type; supervisors call it again to restart a crashed connector. */
public interface ProviderConnectorFactory {

  /** The provider type this factory serves, as named in configuration ({@code type}). */
  String type();

  /** A fresh connector for this provider. May throw; the supervisor counts that as a crash. */
  ProviderConnector create(ConnectorSettings settings);
}
