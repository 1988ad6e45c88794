package dev.paymentrouter.provider.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.provider.domain.ProviderRequest;
import dev.paymentrouter.simulator.ProviderSimulator;
import dev.paymentrouter.simulator.SimulatorSettings;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** A provider's own event loops: its calls run on them, no other provider's do, and they close with its connector. */
class ProviderChannelsTest {

  static final Duration WAIT = Duration.ofSeconds(10);
  static ProviderSimulator simulator;

  @BeforeAll
  static void startSimulator() {
    simulator = ProviderSimulator.start(SimulatorSettings.local("sim"));
  }

  @AfterAll
  static void stopSimulator() {
    simulator.close();
  }

  @Test
  void eachProviderCallsOnItsOwnLoopsAndTheyCloseWithItsConnector() {
    SimulatorConnector alpha = connector("alpha", 1);
    SimulatorConnector beta = connector("beta", 1);
    try {
      assertThat(threadOfAnswer(alpha)).startsWith("provider-alpha-");
      assertThat(threadOfAnswer(beta)).startsWith("provider-beta-");
    } finally {
      alpha.close();
    }

    await().atMost(WAIT).until(() -> !loopThreadAlive("provider-alpha-"));
    // The other provider's loops are untouched by its neighbour's shutdown.
    assertThat(threadOfAnswer(beta)).startsWith("provider-beta-");
    beta.close();
    await().atMost(WAIT).until(() -> !loopThreadAlive("provider-beta-"));
  }

  @Test
  void withoutLoopsOfItsOwnAProviderSharesReactorNettysLoops() {
    ConnectorSettings settings = settings("gamma", 0);
    try (ProviderChannels channels = ProviderChannels.of(settings)) {
      assertThat(channels.loops()).isEmpty();
    }
    SimulatorConnector gamma = new SimulatorConnector(settings, JsonMapper.builder().build());
    try {
      assertThat(threadOfAnswer(gamma)).doesNotStartWith("provider-");
    } finally {
      gamma.close();
    }
  }

  @Test
  void closingTheChannelsDisposesTheirLoops() {
    ProviderChannels channels = ProviderChannels.of(settings("delta", 1));
    assertThat(channels.loops()).get().matches(loops -> !loops.isDisposed());

    channels.close();

    await().atMost(WAIT).until(() -> channels.loops().orElseThrow().isDisposed());
  }

  /** The thread the connector hands its outcome on: the event loop its call ran on. */
  private static String threadOfAnswer(SimulatorConnector connector) {
    return connector.authorize(request())
        .doOnNext(outcome -> assertThat(outcome).isInstanceOf(ProviderOutcome.Approved.class))
        .flatMap(outcome -> Mono.fromCallable(() -> Thread.currentThread().getName()))
        .block(WAIT);
  }

  private static boolean loopThreadAlive(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(thread -> thread.isAlive() && thread.getName().startsWith(prefix));
  }

  private static SimulatorConnector connector(String provider, int eventLoops) {
    return new SimulatorConnector(settings(provider, eventLoops), JsonMapper.builder().build());
  }

  private static ConnectorSettings settings(String provider, int eventLoops) {
    return new ConnectorSettings(provider, URI.create(simulator.baseUrl()), null, null, Duration.ofSeconds(1),
        Duration.ofSeconds(5), 8, false, false, eventLoops);
  }

  private static ProviderRequest request() {
    String intent = "pi_" + UUID.randomUUID().toString().replace("-", "");
    return new ProviderRequest(intent, 1, "sim", intent + "_1", 1299, "EUR", "tok_visa");
  }
}
