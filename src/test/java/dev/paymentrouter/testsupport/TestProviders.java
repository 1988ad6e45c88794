package dev.paymentrouter.testsupport;

import dev.paymentrouter.provider.connector.ConnectorSettings;
import dev.paymentrouter.provider.connector.ProviderConnector;
import dev.paymentrouter.provider.connector.ProviderConnectorFactory;
import dev.paymentrouter.provider.runtime.GatekeeperSettings;
import dev.paymentrouter.provider.runtime.ProviderDirectory;
import dev.paymentrouter.provider.runtime.ProviderSettings;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import reactor.core.scheduler.Schedulers;

/** Provider directories for tests that need the providers' names and health but never call them. */
public final class TestProviders {

  private TestProviders() {}

  /** A directory of approving scripted providers with these names, not started. */
  public static ProviderDirectory directory(String... names) {
    ProviderConnectorFactory approving = new ProviderConnectorFactory() {
      @Override
      public String type() {
        return "scripted";
      }

      @Override
      public ProviderConnector create(ConnectorSettings settings) {
        return ScriptedConnector.approving();
      }
    };
    List<ProviderSettings> settings = Arrays.stream(names)
        .map(name -> settings(name, "scripted",
            new GatekeeperSettings(100, 100, 50, 100, Duration.ofSeconds(3), Duration.ofSeconds(10), 20, 10, 3), 3))
        .toList();
    return new ProviderDirectory(settings, List.of(approving), Clock.systemUTC(), Schedulers.parallel(),
        CircuitBreakerRegistry.ofDefaults());
  }

  /**
   * Settings of a provider nothing real answers for: a pool of 4 with a 200 ms call timeout, and a supervisor that
   * restarts after 20-100 ms and cools down for 300 ms once it gave up.
   */
  public static ProviderSettings settings(String name, String type, GatekeeperSettings gatekeeper, int maxRestarts) {
    return new ProviderSettings(
        name,
        type,
        new ConnectorSettings(name, URI.create("http://127.0.0.1:1"), null, null, Duration.ofSeconds(1),
            Duration.ofSeconds(1), 4),
        gatekeeper,
        new ProviderSettings.PoolSettings(4, 8, Duration.ofMillis(200), Duration.ofSeconds(1)),
        new ProviderSettings.RestartPolicy(maxRestarts, Duration.ofMinutes(1), Duration.ofMillis(20),
            Duration.ofMillis(100), Duration.ofMillis(300)));
  }
}
