package dev.paymentrouter.provider.connector;

import tools.jackson.databind.json.JsonMapper;

/** Makes {@link SimulatorConnector}s for providers of type {@code simulator}. */
public final class SimulatorConnectorFactory implements ProviderConnectorFactory {

  private final JsonMapper json;

  public SimulatorConnectorFactory(JsonMapper json) {
    this.json = json;
  }

  @Override
  public String type() {
    return "simulator";
  }

  @Override
  public ProviderConnector create(ConnectorSettings settings) {
    return new SimulatorConnector(settings, json);
  }
}
