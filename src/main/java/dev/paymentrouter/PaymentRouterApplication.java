package dev.paymentrouter;

import dev.paymentrouter.simulator.ProviderSimulatorMain;
import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The payment router. {@code java -jar payment-router.jar} runs the router; {@code java -jar payment-router.jar
 * simulator} runs a provider simulator instead (configured by {@code SIMULATOR_*} environment variables), so one
 * image serves both roles.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class PaymentRouterApplication {

  public static void main(String[] args) throws InterruptedException {
    if (args.length > 0 && "simulator".equals(args[0])) {
      ProviderSimulatorMain.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    SpringApplication.run(PaymentRouterApplication.class, args);
  }
}
