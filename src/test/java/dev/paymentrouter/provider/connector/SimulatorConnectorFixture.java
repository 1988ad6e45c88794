package dev.paymentrouter.provider.connector;

import dev.paymentrouter.simulator.ProviderSimulator;
import dev.paymentrouter.simulator.SimulatorBehaviour;
import dev.paymentrouter.simulator.SimulatorSettings;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * A simulator on a random local port for the test class, and the connector a test makes to it, closed after each
 * test while the simulator goes back to answering reliably.
 */
abstract class SimulatorConnectorFixture {

  static final Duration WAIT = Duration.ofSeconds(10);
  static ProviderSimulator simulator;
  SimulatorConnector connector;

  @BeforeAll
  static void startSimulator() {
    simulator = ProviderSimulator.start(SimulatorSettings.local("sim").withApiKey("psp_secret"));
  }

  @AfterAll
  static void stopSimulator() {
    simulator.close();
  }

  @AfterEach
  void closeConnector() {
    if (connector != null) {
      connector.close();
    }
    simulator.update(SimulatorBehaviour.reliable());
  }
}
