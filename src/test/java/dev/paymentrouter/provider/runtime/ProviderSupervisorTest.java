package dev.paymentrouter.provider.runtime;

import static dev.paymentrouter.testsupport.ScriptedConnector.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paymentrouter.provider.connector.ConnectorSettings;
import dev.paymentrouter.provider.connector.ProviderConnector;
import dev.paymentrouter.provider.connector.ProviderConnectorFactory;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.provider.domain.ProviderRequest;
import dev.paymentrouter.provider.domain.RouterRefusal;
import dev.paymentrouter.routing.domain.ProviderAvailability;
import dev.paymentrouter.testsupport.ScriptedConnector;
import dev.paymentrouter.testsupport.TestProviders;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

class ProviderSupervisorTest {

  static final Duration WAIT = Duration.ofSeconds(10);

  /** Makes connectors that crash (signal an error) on the token {@code tok_crash} and approve the rest. */
  static final class CrashingFactory implements ProviderConnectorFactory {
    final List<ScriptedConnector> made = new CopyOnWriteArrayList<>();
    final AtomicInteger failStarts = new AtomicInteger();

    @Override
    public String type() {
      return "crashing";
    }

    @Override
    public ProviderConnector create(ConnectorSettings settings) {
      if (failStarts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new IllegalStateException("cannot start");
      }
      ScriptedConnector connector = new ScriptedConnector(request -> "tok_crash".equals(request.paymentToken())
          ? Mono.error(new IllegalStateException("connector bug"))
          : Mono.just(new ProviderOutcome.Approved("ch_" + request.idempotencyKey())));
      made.add(connector);
      return connector;
    }
  }

  final CrashingFactory factory = new CrashingFactory();
  ProviderDirectory directory;

  @AfterEach
  void stop() {
    if (directory != null) {
      directory.stop();
    }
  }

  @Test
  void restartsACrashedConnectorAndServesAgain() {
    ProviderSupervisor alpha = start("alpha", 3).find("alpha").orElseThrow();

    assertThat(alpha.submit(crash("alpha")).block(WAIT)).isEqualTo(new ProviderOutcome.Unknown("connector_crashed"));
    assertThat(alpha.state()).isEqualTo(ProviderSupervisor.State.RESTARTING);
    assertThat(alpha.submit(request("alpha", 2)).block(WAIT))
        .isEqualTo(new ProviderOutcome.RouterRefused(RouterRefusal.PROVIDER_RESTARTING));

    // After the backoff a fresh connector serves, and the crashed one is closed once its calls had time to end.
    await().atMost(WAIT).until(() -> alpha.state() == ProviderSupervisor.State.RUNNING);
    assertThat(factory.made).hasSize(2);
    assertThat(alpha.submit(request("alpha", 3)).block(WAIT)).isInstanceOf(ProviderOutcome.Approved.class);
    await().atMost(WAIT).until(() -> factory.made.getFirst().isClosed());
    assertThat(alpha.health().totalRestarts()).isEqualTo(1);
    assertThat(alpha.health().lastCrash()).isEqualTo("IllegalStateException");
  }

  @Test
  void marksTheProviderDownAfterTooManyRestartsAndRecoversAfterTheCoolDown() {
    ProviderSupervisor alpha = start("alpha", 2).find("alpha").orElseThrow();

    // Three crashes within the window: one more than the two restarts allowed.
    for (int i = 0; i < 3; i++) {
      await().atMost(WAIT).until(() -> alpha.state() == ProviderSupervisor.State.RUNNING);
      alpha.submit(crash("alpha")).block(WAIT);
    }

    assertThat(alpha.state()).isEqualTo(ProviderSupervisor.State.DOWN);
    assertThat(alpha.availability()).isEqualTo(ProviderAvailability.UNAVAILABLE);
    assertThat(alpha.submit(request("alpha", 9)).block(WAIT))
        .isEqualTo(new ProviderOutcome.RouterRefused(RouterRefusal.PROVIDER_DOWN));
    assertThat(ProviderHealth.health(alpha.health()).getStatus().getCode()).isEqualTo("DOWN");

    // After the cool-down the supervisor tries again and the provider serves.
    await().atMost(WAIT).until(() -> alpha.state() == ProviderSupervisor.State.RUNNING);
    assertThat(alpha.submit(request("alpha", 10)).block(WAIT)).isInstanceOf(ProviderOutcome.Approved.class);
  }

  @Test
  void countsAConnectorThatFailsToStartAsACrash() {
    factory.failStarts.set(1);
    ProviderSupervisor alpha = start("alpha", 3).find("alpha").orElseThrow();

    assertThat(alpha.state()).isEqualTo(ProviderSupervisor.State.RESTARTING);
    await().atMost(WAIT).until(() -> alpha.state() == ProviderSupervisor.State.RUNNING);
    assertThat(alpha.health().totalRestarts()).isEqualTo(1);
  }

  @Test
  void oneProvidersCrashesLeaveTheOtherProvidersServing() {
    ProviderDirectory providers = start(List.of("alpha", "beta"), 1);
    ProviderSupervisor alpha = providers.find("alpha").orElseThrow();
    ProviderSupervisor beta = providers.find("beta").orElseThrow();

    alpha.submit(crash("alpha")).block(WAIT);
    await().atMost(WAIT).until(() -> alpha.state() == ProviderSupervisor.State.RUNNING);
    alpha.submit(crash("alpha")).block(WAIT);
    assertThat(alpha.state()).isEqualTo(ProviderSupervisor.State.DOWN);

    for (int i = 0; i < 20; i++) {
      assertThat(providers.dispatch(request("beta", i)).block(WAIT)).isInstanceOf(ProviderOutcome.Approved.class);
    }
    assertThat(beta.state()).isEqualTo(ProviderSupervisor.State.RUNNING);
    assertThat(beta.health().totalRestarts()).isZero();
    assertThat(providers.snapshot().availability("alpha")).isEqualTo(ProviderAvailability.UNAVAILABLE);
    assertThat(providers.snapshot().availability("beta")).isEqualTo(ProviderAvailability.AVAILABLE);
  }

  private ProviderDirectory start(String provider, int maxRestarts) {
    return start(List.of(provider), maxRestarts);
  }

  private ProviderDirectory start(List<String> providers, int maxRestarts) {
    List<ProviderSettings> settings = providers.stream().map(name -> settings(name, maxRestarts)).toList();
    directory = new ProviderDirectory(settings, List.of(factory), Clock.systemUTC(), Schedulers.parallel(),
        CircuitBreakerRegistry.ofDefaults());
    directory.start();
    return directory;
  }

  private static ProviderSettings settings(String name, int maxRestarts) {
    // A breaker that stays closed in these tests: crashes are the supervisor's business here.
    return TestProviders.settings(name, "crashing",
        new GatekeeperSettings(1_000, 1_000, 100, 100, Duration.ofSeconds(5), Duration.ofSeconds(5), 100, 100, 1),
        maxRestarts);
  }

  private static ProviderRequest crash(String provider) {
    return new ProviderRequest("pi_CRASH", 1, provider, "pi_CRASH_1", 100, "EUR", "tok_crash");
  }
}
