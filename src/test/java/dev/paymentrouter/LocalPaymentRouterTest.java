package dev.paymentrouter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.paymentrouter.simulator.SimulatorDialect;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** Local mode tells its simulators the port the router will listen on before either starts. */
class LocalPaymentRouterTest {

  @Test
  void tellsTheSimulatorsTheServerPortOfTheApplicationsConfigurationWhenNothingOverridesIt() {
    assumeThat(System.getenv("SERVER_PORT")).as("a SERVER_PORT of this machine would override it").isNull();
    assumeThat(System.getProperty("server.port")).isNull();
    assertThat(LocalPaymentRouter.routerPort(new String[0])).isEqualTo(LocalPaymentRouter.DEFAULT_ROUTER_PORT);
  }

  @Test
  void tellsTheSimulatorsTheServerPortGivenOnTheCommandLine() {
    assertThat(LocalPaymentRouter.routerPort(new String[] {"--server.port=18080"})).isEqualTo(18080);
  }

  @Test
  void choosesAFreePortForServerPortZeroSoThatTheSimulatorsCanBeToldIt() {
    assertThat(LocalPaymentRouter.routerPort(new String[] {"--server.port=0"})).isBetween(1, 65_535);
  }

  @Test
  void theStripeAndAdyenSimulatorsNotifyTheirReceiverOnTheRoutersPort() {
    assertThat(LocalPaymentRouter.provider("alpha", 9101, SimulatorDialect.STRIPE, 18080).notificationTarget())
        .isEqualTo(URI.create("http://127.0.0.1:18080/webhooks/stripe/alpha"));
    assertThat(LocalPaymentRouter.provider("beta", 9102, SimulatorDialect.ADYEN, 18080).notificationTarget())
        .isEqualTo(URI.create("http://127.0.0.1:18080/webhooks/adyen/beta"));
    assertThat(LocalPaymentRouter.provider("gamma", 9103, SimulatorDialect.NATIVE, 18080).notificationTarget())
        .isNull();
  }
}
