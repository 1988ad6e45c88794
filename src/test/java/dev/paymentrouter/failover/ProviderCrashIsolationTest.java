package dev.paymentrouter.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paymentrouter.provider.connector.ConnectorSettings;
import dev.paymentrouter.provider.connector.ProviderConnector;
import dev.paymentrouter.provider.connector.ProviderConnectorFactory;
import dev.paymentrouter.provider.runtime.ProviderDirectory;
import dev.paymentrouter.provider.runtime.ProviderSupervisor;
import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import dev.paymentrouter.testsupport.ScriptedConnector;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * A provider whose connector crashes on every call: its supervisor restarts it, then gives up and marks it down,
 * health shows it, and the other providers serve throughout. Intents caught in a crash stay unknown: a crash
 * cannot prove that nothing was charged, so they are never sent elsewhere.
 */
@TestPropertySource(properties = {
    "payment-router.providers.omega.type=crashing",
    "payment-router.providers.omega.base-url=http://127.0.0.1:1",
    "payment-router.providers.omega.supervisor.max-restarts=2",
    "payment-router.providers.omega.supervisor.backoff-initial=10ms",
    "payment-router.providers.omega.supervisor.backoff-max=20ms",
    "payment-router.providers.omega.supervisor.down-cool-down=1h",
    "payment-router.routing.default=omega,alpha,beta,gamma"
})
@DirtiesContext
class ProviderCrashIsolationTest extends RouterIntegrationTest {

  /** Connectors of type "crashing" fail with an exception on every call: a poisoned connector. */
  @TestConfiguration
  static class CrashingConnectors {
    static final AtomicInteger CREATED = new AtomicInteger();

    @Bean
    ProviderConnectorFactory crashingConnectorFactory() {
      return new ProviderConnectorFactory() {
        @Override
        public String type() {
          return "crashing";
        }

        @Override
        public ProviderConnector create(ConnectorSettings settings) {
          CREATED.incrementAndGet();
          return new ScriptedConnector(request -> Mono.error(new IllegalStateException("poisoned connector")));
        }
      };
    }
  }

  @Autowired
  ProviderDirectory providers;

  @Test
  void aCrashingProviderIsRestartedThenMarkedDownWhileTheOthersServe() {
    IntentClient intents = new IntentClient(client, newMerchant());
    ProviderSupervisor omega = providers.find("omega").orElseThrow();

    // Each intent routed to omega crashes its connector; the supervisor restarts it twice, then gives up.
    int crashed = 0;
    while (omega.state() != ProviderSupervisor.State.DOWN && crashed < 10) {
      await().atMost(Duration.ofSeconds(10)).until(() -> omega.state() != ProviderSupervisor.State.RESTARTING);
      if (omega.state() == ProviderSupervisor.State.DOWN) {
        break;
      }
      JsonNode intent = intents.created(IntentClient.body(900, "tok_visa"));
      assertThat(intent.get("status").stringValue()).isEqualTo("processing");
      assertThat(intent.at("/attempts/0/provider").stringValue()).isEqualTo("omega");
      assertThat(intent.at("/attempts/0/status").stringValue()).isEqualTo("unknown");
      assertThat(intent.at("/attempts/0/errorCode").stringValue()).isEqualTo("connector_crashed");
      assertThat(intent.get("attempts").size()).isEqualTo(1);
      crashed++;
    }
    assertThat(omega.state()).isEqualTo(ProviderSupervisor.State.DOWN);
    assertThat(crashed).isEqualTo(3);
    assertThat(CrashingConnectors.CREATED.get()).isEqualTo(3);

    // Health shows omega down, with its restart history; the others are up.
    operator.get().uri("/actuator/health").exchange()
        .expectBody()
        .jsonPath("$.components.providers.components.omega.status").isEqualTo("DOWN")
        .jsonPath("$.components.providers.components.omega.details.supervisor").isEqualTo("DOWN")
        .jsonPath("$.components.providers.components.omega.details.totalRestarts").isEqualTo(3)
        .jsonPath("$.components.providers.components.alpha.status").isEqualTo("UP")
        .jsonPath("$.components.providers.components.beta.status").isEqualTo("UP");
    // Readiness does not depend on any provider: one provider down must not take the router out of service.
    management.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();

    // Routing now skips omega; alpha serves every intent.
    for (int i = 0; i < 5; i++) {
      JsonNode intent = intents.created(IntentClient.body(1000 + i, "tok_visa"));
      assertThat(intent.get("status").stringValue()).isEqualTo("succeeded");
      assertThat(intent.get("attempts").size()).isEqualTo(1);
      assertThat(intent.at("/attempts/0/provider").stringValue()).isEqualTo("alpha");
    }
  }
}
