package dev.paymentrouter.provider.runtime;

import static dev.paymentrouter.testsupport.ScriptedConnector.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.paymentrouter.provider.connector.ConnectorSettings;
import dev.paymentrouter.provider.connector.ProviderConnector;
import dev.paymentrouter.provider.connector.ProviderConnectorFactory;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.provider.domain.ProviderRequest;
import dev.paymentrouter.provider.domain.RouterRefusal;
import dev.paymentrouter.routing.domain.HealthSnapshot;
import dev.paymentrouter.testsupport.MutableClock;
import dev.paymentrouter.testsupport.ScriptedConnector;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

class ProviderScoreboardTest {

  static final ProviderOutcome APPROVED = new ProviderOutcome.Approved("ch_1");
  static final ProviderOutcome TIMED_OUT = new ProviderOutcome.Unknown("timeout");

  @Test
  void reportsNoRateBeforeTheMinimumOfCalls() {
    ProviderScoreboard scoreboard = new ProviderScoreboard(10, 4);
    record(scoreboard, "alpha", APPROVED, 3);
    assertThat(scoreboard.successRate("alpha")).isEmpty();
    assertThat(scoreboard.successRates()).isEmpty();

    // The fourth call reaches the minimum: now the rate is known.
    record(scoreboard, "alpha", TIMED_OUT, 1);
    assertThat(scoreboard.successRate("alpha")).hasValue(0.75);
    assertThat(scoreboard.successRates()).isEqualTo(Map.of("alpha", 0.75));
  }

  @Test
  void ratesOnlyTheLastCallsOfTheWindow() {
    ProviderScoreboard scoreboard = new ProviderScoreboard(4, 2);
    record(scoreboard, "alpha", TIMED_OUT, 4);
    assertThat(scoreboard.successRate("alpha")).hasValue(0.0);

    // Each approval pushes the oldest failure out of the four-call window.
    record(scoreboard, "alpha", APPROVED, 1);
    assertThat(scoreboard.successRate("alpha")).hasValue(0.25);
    record(scoreboard, "alpha", APPROVED, 2);
    assertThat(scoreboard.successRate("alpha")).hasValue(0.75);
    record(scoreboard, "alpha", APPROVED, 10);
    assertThat(scoreboard.successRate("alpha")).hasValue(1.0);
    record(scoreboard, "alpha", TIMED_OUT, 1);
    assertThat(scoreboard.successRate("alpha")).hasValue(0.75);
  }

  @Test
  void leavesOutHardDeclinesAndTheRoutersOwnRefusals() {
    ProviderScoreboard scoreboard = new ProviderScoreboard(10, 2);
    record(scoreboard, "alpha", APPROVED, 2);
    record(scoreboard, "alpha", new ProviderOutcome.Declined("insufficient_funds", false), 5);
    record(scoreboard, "alpha", new ProviderOutcome.RouterRefused(RouterRefusal.CIRCUIT_OPEN), 5);
    assertThat(scoreboard.successRate("alpha")).hasValue(1.0);

    record(scoreboard, "alpha", new ProviderOutcome.Declined("issuer_unavailable", true), 1);
    record(scoreboard, "alpha", new ProviderOutcome.NotSent("connection_refused"), 1);
    assertThat(scoreboard.successRate("alpha")).hasValue(0.5);
  }

  @Test
  void keepsEveryProviderApart() {
    ProviderScoreboard scoreboard = new ProviderScoreboard(10, 2);
    record(scoreboard, "alpha", APPROVED, 2);
    record(scoreboard, "beta", TIMED_OUT, 2);
    record(scoreboard, "gamma", APPROVED, 1);
    assertThat(scoreboard.successRates()).isEqualTo(Map.of("alpha", 1.0, "beta", 0.0));
  }

  @Test
  void countsEveryCallWhenManyThreadsRecordAtOnce() throws Exception {
    ProviderScoreboard scoreboard = new ProviderScoreboard(40_000, 40_000);
    ExecutorService threads = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    try {
      for (int t = 0; t < 8; t++) {
        ProviderOutcome outcome = t % 2 == 0 ? APPROVED : TIMED_OUT;
        done.add(threads.submit(() -> {
          start.await();
          record(scoreboard, "alpha", outcome, 5_000);
          return null;
        }));
      }
      start.countDown();
      for (Future<?> future : done) {
        future.get();
      }
    } finally {
      threads.shutdownNow();
    }
    // A lost update would leave the window short of its 40,000-call minimum, or the rate off exactly half.
    assertThat(scoreboard.successRate("alpha").orElseThrow()).isCloseTo(0.5, within(0.0));
  }

  @Test
  void theSupervisorScoresItsCompletedCallsAndTheSnapshotCarriesTheRates() {
    ProviderScoreboard scoreboard = new ProviderScoreboard(10, 4);
    ProviderConnectorFactory factory = new ProviderConnectorFactory() {
      @Override
      public String type() {
        return "scripted";
      }

      @Override
      public ProviderConnector create(ConnectorSettings settings) {
        return new ScriptedConnector(request -> Mono.just(switch (request.paymentToken()) {
          case "tok_visa" -> new ProviderOutcome.Approved("ch_" + request.idempotencyKey());
          case "tok_decline" -> new ProviderOutcome.Declined("insufficient_funds", false);
          default -> new ProviderOutcome.Unknown("timeout");
        }));
      }
    };
    ProviderDirectory directory = new ProviderDirectory(List.of(settings("alpha", 6), settings("beta", 100)),
        List.of(factory), new MutableClock(Instant.parse("2026-11-27T10:00:00Z")), Schedulers.parallel(),
        CircuitBreakerRegistry.ofDefaults(), scoreboard);
    directory.start();
    try {
      // alpha: 3 approved, 1 unknown, 2 hard declines (not counted), then refused by its bucket of 6 (not counted).
      List<String> tokens = List.of("tok_visa", "tok_visa", "tok_visa", "tok_unknown", "tok_decline", "tok_decline",
          "tok_visa", "tok_visa");
      for (int i = 0; i < tokens.size(); i++) {
        directory.dispatch(new ProviderRequest("pi_S" + i, 1, "alpha", "pi_S" + i + "_1", 100, "EUR", tokens.get(i)))
            .block(Duration.ofSeconds(10));
      }
      // beta: too few calls for a rate.
      directory.dispatch(request("beta", 1)).block(Duration.ofSeconds(10));

      HealthSnapshot snapshot = directory.snapshot();
      assertThat(snapshot.successRates()).isEqualTo(Map.of("alpha", 0.75));
      assertThat(snapshot.successRate("beta")).isEmpty();
    } finally {
      directory.stop();
    }
  }

  @Test
  void refusesAWindowItCouldNeverFill() {
    assertThatThrownBy(() -> new ProviderScoreboard(0, 1)).hasMessageContaining("window");
    assertThatThrownBy(() -> new ProviderScoreboard(10, 11)).hasMessageContaining("minimum-calls");
    assertThatThrownBy(() -> new ProviderScoreboard(10, 0)).hasMessageContaining("minimum-calls");
  }

  private static ProviderSettings settings(String name, int burst) {
    return new ProviderSettings(
        name,
        "scripted",
        new ConnectorSettings(name, URI.create("http://127.0.0.1:1"), null, null, Duration.ofSeconds(1),
            Duration.ofSeconds(1), 4),
        // With the test's clock standing still the bucket never refills; the breaker stays closed.
        new GatekeeperSettings(1, burst, 100, 100, Duration.ofSeconds(5), Duration.ofSeconds(5), 100, 100, 1),
        new ProviderSettings.PoolSettings(4, 8, Duration.ofSeconds(2), Duration.ofSeconds(1)),
        new ProviderSettings.RestartPolicy(3, Duration.ofMinutes(1), Duration.ofMillis(20), Duration.ofMillis(100),
            Duration.ofMillis(300)));
  }

  private static void record(ProviderScoreboard scoreboard, String provider, ProviderOutcome outcome, int times) {
    for (int i = 0; i < times; i++) {
      scoreboard.record(provider, outcome);
    }
  }

  @Test
  void ranksByTheClustersTallyOnceItHasTheMinimumOfCallsAndByItsOwnUntilThen() {
    ProviderScoreboard scoreboard = new ProviderScoreboard(10, 5);
    for (int i = 0; i < 10; i++) {
      scoreboard.record("alpha", new ProviderOutcome.Approved("ch_" + i));
    }

    // Too few calls in the cluster's sum: this node's own window still decides.
    scoreboard.useCluster(Map.of("alpha", new ProviderScoreboard.Tally(0, 4)));
    assertThat(scoreboard.successRate("alpha")).hasValue(1.0);

    // The cluster saw alpha fail three times in four (this node's ten successes are part of that sum).
    scoreboard.useCluster(Map.of(
        "alpha", new ProviderScoreboard.Tally(10, 30), "beta", new ProviderScoreboard.Tally(9, 1)));
    assertThat(scoreboard.successRate("alpha")).hasValue(0.25);
    assertThat(scoreboard.successRates()).containsEntry("alpha", 0.25).containsEntry("beta", 0.9);
    assertThat(scoreboard.tallies()).containsEntry("alpha", new ProviderScoreboard.Tally(10, 0));
  }
}
