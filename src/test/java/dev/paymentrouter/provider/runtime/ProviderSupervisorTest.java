package dev.paymentrouter.provider.runtime;

import static dev.paymentrouter.testsupport.ScriptedConnector.capture;
import static dev.paymentrouter.testsupport.ScriptedConnector.modification;
import static dev.paymentrouter.testsupport.ScriptedConnector.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paymentrouter.provider.connector.ConnectorSettings;
import dev.paymentrouter.provider.connector.ProviderConnector;
import dev.paymentrouter.provider.connector.ProviderConnectorFactory;
import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.ModificationRequest;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.provider.domain.ProviderRequest;
import dev.paymentrouter.provider.domain.RouterRefusal;
import dev.paymentrouter.routing.domain.ProviderAvailability;
import dev.paymentrouter.testsupport.MutableClock;
import dev.paymentrouter.testsupport.ScriptedConnector;
import dev.paymentrouter.testsupport.TestProviders;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

class ProviderSupervisorTest {

  static final Duration WAIT = Duration.ofSeconds(10);

  /**
   * Makes connectors that crash (signal an error) on the token {@code tok_crash}, never answer on {@code tok_hang}
   * and approve the rest; and whose captures, cancels and refunds crash, hang, are refused for a bad key or are
   * refused for an expired authorization on the reasons {@code crash}, {@code hang}, {@code unauthorized} and
   * {@code expired}, and succeed otherwise.
   */
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
      ScriptedConnector connector = new ScriptedConnector(request -> switch (request.paymentToken()) {
        case "tok_crash" -> Mono.error(new IllegalStateException("connector bug"));
        case "tok_hang" -> Mono.never();
        default -> Mono.just(new ProviderOutcome.Approved("ch_" + request.idempotencyKey()));
      }, modification -> switch (String.valueOf(modification.reason())) {
        case "crash" -> Mono.error(new IllegalStateException("connector bug"));
        case "hang" -> Mono.never();
        case "unauthorized" -> Mono.just(new ModificationOutcome.NotSent("provider_unauthorized", true));
        case "expired" -> Mono.just(new ModificationOutcome.Refused("authorization_expired"));
        default -> Mono.just(new ModificationOutcome.Succeeded("mod_" + modification.idempotencyKey()));
      });
      made.add(connector);
      return connector;
    }
  }

  final CrashingFactory factory = new CrashingFactory();
  final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
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
    // The restart's back-off was down time; it ended when the children ran again, so the total stops there.
    Duration down = alpha.downTime();
    assertThat(down).isPositive();
    assertThat(alpha.submit(request("alpha", 4)).block(WAIT)).isInstanceOf(ProviderOutcome.Approved.class);
    assertThat(alpha.downTime()).isEqualTo(down);
  }

  @Test
  void tellsTheListenerOfEveryCallTheRouterDidNotMakeAndWhy() {
    List<RouterRefusal> refusals = new CopyOnWriteArrayList<>();
    ProviderCallListener listener = new ProviderCallListener() {
      @Override
      public void completed(String provider, ProviderOutcome outcome, Duration elapsed) { }

      @Override
      public void refused(String provider, RouterRefusal reason) {
        assertThat(provider).isEqualTo("alpha");
        refusals.add(reason);
      }
    };
    ProviderSupervisor alpha = startAlpha(limits(1, 10), new ProviderScoreboard(100, 20), listener)
        .find("alpha").orElseThrow();

    assertThat(alpha.submit(request("alpha", 1)).block(WAIT)).isInstanceOf(ProviderOutcome.Approved.class);
    alpha.submit(request("alpha", 2)).block(WAIT);
    alpha.modify(capture("alpha", 3)).block(WAIT);
    alpha.gatekeeper().circuitBreaker().transitionToForcedOpenState();
    alpha.submit(request("alpha", 4)).block(WAIT);

    assertThat(refusals).containsExactly(RouterRefusal.RATE_LIMITED, RouterRefusal.RATE_LIMITED,
        RouterRefusal.CIRCUIT_OPEN);
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

  @Test
  void aModificationTakesAChargesTokenAndIsRefusedWhenTheBucketIsEmpty() {
    ProviderSupervisor alpha = startAlpha(limits(2, 10)).find("alpha").orElseThrow();

    // 1. A capture is a call to the provider's API like a charge: it takes one of the two tokens.
    assertThat(alpha.modify(capture("alpha", 1)).block(WAIT)).isInstanceOf(ModificationOutcome.Succeeded.class);
    assertThat(alpha.gatekeeper().availableTokens()).isEqualTo(1);
    // 2. The charge after it finds the bucket one lower and takes the last token.
    assertThat(alpha.submit(request("alpha", 2)).block(WAIT)).isInstanceOf(ProviderOutcome.Approved.class);
    assertThat(alpha.gatekeeper().availableTokens()).isZero();
    // 3. Bucket empty: the router sends neither a capture nor a charge, and says it was itself.
    assertThat(alpha.modify(capture("alpha", 3)).block(WAIT))
        .isEqualTo(new ModificationOutcome.RouterRefused(RouterRefusal.RATE_LIMITED));
    assertThat(alpha.submit(request("alpha", 4)).block(WAIT))
        .isEqualTo(new ProviderOutcome.RouterRefused(RouterRefusal.RATE_LIMITED));
    assertThat(factory.made.getFirst().modifications()).containsExactly(capture("alpha", 1));
    // 4. A second later one token has come back (one per second).
    clock.advance(Duration.ofSeconds(1));
    assertThat(alpha.modify(capture("alpha", 3)).block(WAIT)).isInstanceOf(ModificationOutcome.Succeeded.class);
  }

  @Test
  void aModificationsConfigurationErrorOpensTheBreakerAndAnOpenBreakerRefusesModifications() {
    ProviderSupervisor alpha = startAlpha(limits(100, 10)).find("alpha").orElseThrow();

    // 1. The provider refuses the key: the caller hears it (nothing moved), and the breaker opens at once.
    assertThat(alpha.modify(refund("alpha", 1, "unauthorized")).block(WAIT))
        .isEqualTo(new ModificationOutcome.NotSent("provider_unauthorized", true));
    await().atMost(WAIT).until(() -> "OPEN".equals(alpha.gatekeeper().circuitState()));
    assertThat(alpha.health().lastConfigurationError()).startsWith("provider_unauthorized at ");

    // 2. Neither modifications nor charges go while it is open, and they cost no token.
    long tokens = alpha.gatekeeper().availableTokens();
    assertThat(alpha.modify(capture("alpha", 2)).block(WAIT))
        .isEqualTo(new ModificationOutcome.RouterRefused(RouterRefusal.CIRCUIT_OPEN));
    assertThat(alpha.submit(request("alpha", 3)).block(WAIT))
        .isEqualTo(new ProviderOutcome.RouterRefused(RouterRefusal.CIRCUIT_OPEN));
    assertThat(alpha.gatekeeper().availableTokens()).isEqualTo(tokens);
    assertThat(factory.made.getFirst().modifications()).hasSize(1);
  }

  @Test
  void aModificationIsRefusedWhenThePoolAndItsQueueAreFull() {
    // Calls that may run for a minute: the charges below hold their workers for the whole test.
    ProviderSettings slow = TestProviders.settings("alpha", "crashing", limits(100, 10), 3);
    ProviderSettings.PoolSettings pool = slow.pool();
    ProviderSupervisor alpha = start(new ProviderSettings(slow.name(), slow.type(), slow.connector(), slow.gatekeeper(),
        new ProviderSettings.PoolSettings(pool.concurrency(), pool.queueCapacity(), Duration.ofMinutes(1),
            Duration.ofMinutes(1)), slow.restart()), new ProviderScoreboard(100, 20), ProviderCallListener.NONE)
        .find("alpha").orElseThrow();

    // Four workers and eight queue slots, all taken by charges that never answer.
    for (int i = 0; i < 12; i++) {
      alpha.submit(new ProviderRequest("pi_H" + i, 1, "alpha", "pi_H" + i + "_1", 100, "EUR", "tok_hang"))
          .subscribe();
    }

    assertThat(alpha.modify(capture("alpha", 1)).block(WAIT))
        .isEqualTo(new ModificationOutcome.RouterRefused(RouterRefusal.POOL_FULL));
    assertThat(factory.made.getFirst().modifications()).isEmpty();
  }

  @Test
  void aModificationThatOutlastsTheCallTimeoutIsUnknown() {
    ProviderSupervisor alpha = startAlpha(limits(100, 10)).find("alpha").orElseThrow();

    // The provider may have captured: unknown (asked again later), never refused.
    assertThat(alpha.modify(refund("alpha", 1, "hang")).block(WAIT))
        .isEqualTo(new ModificationOutcome.Unknown("timeout"));
    assertThat(alpha.state()).isEqualTo(ProviderSupervisor.State.RUNNING);
  }

  @Test
  void aCrashingModificationRestartsTheChildrenAndTheProviderServesAgain() {
    ProviderSupervisor alpha = startAlpha(limits(100, 10)).find("alpha").orElseThrow();

    assertThat(alpha.modify(refund("alpha", 1, "crash")).block(WAIT))
        .isEqualTo(new ModificationOutcome.Unknown("connector_crashed"));
    assertThat(alpha.state()).isEqualTo(ProviderSupervisor.State.RESTARTING);
    assertThat(alpha.modify(capture("alpha", 2)).block(WAIT))
        .isEqualTo(new ModificationOutcome.RouterRefused(RouterRefusal.PROVIDER_RESTARTING));

    // After the backoff a fresh connector serves modifications and charges.
    await().atMost(WAIT).until(() -> alpha.state() == ProviderSupervisor.State.RUNNING);
    assertThat(factory.made).hasSize(2);
    assertThat(alpha.modify(capture("alpha", 3)).block(WAIT)).isInstanceOf(ModificationOutcome.Succeeded.class);
    assertThat(alpha.submit(request("alpha", 4)).block(WAIT)).isInstanceOf(ProviderOutcome.Approved.class);
    assertThat(alpha.health().totalRestarts()).isEqualTo(1);
  }

  @Test
  void modificationStatusQueriesUseTheStatusBucketAndNeedNoBreakerPermission() {
    ProviderSupervisor alpha = startAlpha(limits(100, 2)).find("alpha").orElseThrow();
    Instant sentAt = clock.instant();
    alpha.modify(refund("alpha", 9, "unauthorized")).block(WAIT);
    await().atMost(WAIT).until(() -> "OPEN".equals(alpha.gatekeeper().circuitState()));
    long chargeTokens = alpha.gatekeeper().availableTokens();

    // 1. The breaker is open, yet the router asks what became of a capture: that is how it learns after an outage.
    assertThat(alpha.modificationStatus(capture("alpha", 1), sentAt).block(WAIT))
        .isInstanceOf(ModificationOutcome.Succeeded.class);
    assertThat(alpha.modificationStatus(capture("alpha", 2), sentAt).block(WAIT))
        .isInstanceOf(ModificationOutcome.Succeeded.class);
    // 2. The status bucket (two at once) is used up: the router did not ask, and charges kept every token.
    assertThat(alpha.modificationStatus(capture("alpha", 3), sentAt).block(WAIT))
        .isEqualTo(new ModificationOutcome.RouterRefused(RouterRefusal.RATE_LIMITED));
    assertThat(alpha.gatekeeper().availableTokens()).isEqualTo(chargeTokens);
    assertThat(factory.made.getFirst().modificationStatusQueries()).hasSize(2);
  }

  @Test
  void aModificationStatusQueryThatHangsOrFailsLeavesTheOutcomeUnknown() {
    ProviderSupervisor alpha = startAlpha(limits(100, 10)).find("alpha").orElseThrow();
    Instant sentAt = clock.instant();

    assertThat(alpha.modificationStatus(refund("alpha", 1, "hang"), sentAt).block(WAIT))
        .isEqualTo(new ModificationOutcome.Unknown("timeout"));
    assertThat(alpha.modificationStatus(refund("alpha", 2, "crash"), sentAt).block(WAIT))
        .isEqualTo(new ModificationOutcome.Unknown("status_query_failed"));
    assertThat(alpha.state()).isEqualTo(ProviderSupervisor.State.RUNNING);
  }

  @Test
  void modificationsChangeNeitherTheScoreboardNorTheChargeMetrics() {
    ProviderScoreboard scoreboard = new ProviderScoreboard(10, 1);
    List<ProviderOutcome> timed = new CopyOnWriteArrayList<>();
    ProviderDirectory providers = startAlpha(limits(100, 10), scoreboard,
        (provider, outcome, elapsed) -> timed.add(outcome));
    ProviderSupervisor alpha = providers.find("alpha").orElseThrow();

    // Captured, refused for an expired authorization, lost: none says how charges fare on this provider.
    alpha.modify(capture("alpha", 1)).block(WAIT);
    alpha.modify(refund("alpha", 2, "expired")).block(WAIT);
    alpha.modify(refund("alpha", 3, "hang")).block(WAIT);
    assertThat(scoreboard.successRates()).isEmpty();
    assertThat(providers.snapshot().successRate("alpha")).isEmpty();
    assertThat(timed).isEmpty();

    // A charge does.
    alpha.submit(request("alpha", 4)).block(WAIT);
    await().atMost(WAIT).until(() -> scoreboard.successRate("alpha").isPresent());
    assertThat(scoreboard.successRates()).containsEntry("alpha", 1.0);
    assertThat(timed).singleElement().isInstanceOf(ProviderOutcome.Approved.class);
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

  /** Alpha alone on the fake clock, three restarts allowed, with these limits. */
  private ProviderDirectory startAlpha(GatekeeperSettings limits) {
    return startAlpha(limits, new ProviderScoreboard(100, 20), ProviderCallListener.NONE);
  }

  private ProviderDirectory startAlpha(
      GatekeeperSettings limits, ProviderScoreboard scoreboard, ProviderCallListener listener) {
    return start(TestProviders.settings("alpha", "crashing", limits, 3), scoreboard, listener);
  }

  private ProviderDirectory start(
      ProviderSettings settings, ProviderScoreboard scoreboard, ProviderCallListener listener) {
    directory = new ProviderDirectory(List.of(settings), List.of(factory), clock, Schedulers.parallel(),
        CircuitBreakerRegistry.ofDefaults(), scoreboard, listener);
    directory.start();
    return directory;
  }

  /**
   * A burst of {@code burst} calls refilled at one per second, and of {@code statusBurst} status queries likewise; a
   * breaker only a configuration error opens (its window is never filled in these tests).
   */
  private static GatekeeperSettings limits(int burst, int statusBurst) {
    return new GatekeeperSettings(
        1, burst, 50, 100, Duration.ofSeconds(5), Duration.ofSeconds(10), 100, 100, 1, 1, statusBurst);
  }

  private static ModificationRequest refund(String provider, int n, String reason) {
    return modification(ModificationRequest.Kind.REFUND, provider, n, reason);
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
