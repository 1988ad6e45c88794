package dev.paymentrouter.provider.connector;

import org.springframework.web.reactive.function.client.WebClient;

/** Makes {@link SimulatorConnector}s for providers of type {@code simulator}. */
public final class SimulatorConnectorFactory implements ProviderConnectorFactory {

  private final WebClient.Builder builder;

  public SimulatorConnectorFactory(WebClient.Builder builder) {
    this.builder = builder;
  }

  @Override
  public String type() {
    return "simulator";
  }

  @Override
  public ProviderConnector create(ConnectorSettings settings) {
    return new SimulatorConnector(settings, builder);
  }
}
