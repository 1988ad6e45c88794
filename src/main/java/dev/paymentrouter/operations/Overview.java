package dev.paymentrouter.operations;

import dev.paymentrouter.intent.runtime.IntentStore;
import dev.paymentrouter.intent.runtime.IntentStore.UnresolvedIntent;
import dev.paymentrouter.operations.OperatorStore.Action;
import dev.paymentrouter.operations.OperatorStore.RecentIntent;
import dev.paymentrouter.provider.runtime.ProviderDirectory;
import dev.paymentrouter.provider.runtime.ProviderScoreboard;
import dev.paymentrouter.provider.runtime.ProviderSettings;
import dev.paymentrouter.provider.runtime.ProviderSupervisor;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * What the operator page shows, as {@code GET /operator/v1/overview} answers it: this replica's providers (circuit,
 * drain, limiter, pool, supervisor, recent success rate), the latest intents of every merchant with their attempts,
 * the intents waiting for an operator, and the latest operator actions.
 */
record Overview(Instant at, String node, List<ProviderView> providers, List<RecentIntent> recentIntents,
    long unresolvedCount, List<UnresolvedIntent> unresolved, List<Action> recentActions) {

  /** One provider on this replica; {@code successRate} is null until enough recent calls. */
  record ProviderView(String name, String type, String supervisor, String circuit, boolean forcedOpen,
      boolean drained, String availability, long tokensAvailable, int inFlight, int queued, int workers,
      int queueCapacity, int restartsInWindow, long totalRestarts, Double successRate, String lastCrash,
      String lastConfigurationError) {}

  static final int RECENT = 20;
  static final int UNRESOLVED = 50;
  static final int ACTIONS = 10;

  /** Reads the overview: providers from memory, intents from the database. */
  static Mono<Overview> read(ProviderDirectory providers, ProviderScoreboard scoreboard, OperatorStore operators,
      IntentStore intents, Clock clock, String node) {
    List<ProviderView> views = providers(providers, scoreboard.successRates());
    return Mono.zip(operators.recentIntents(RECENT).collectList(), intents.countUnresolved(),
            intents.unresolved(UNRESOLVED).collectList(), operators.actions(ACTIONS).collectList())
        .map(read -> new Overview(clock.instant(), node, views, read.getT1(), read.getT2(), read.getT3(),
            read.getT4()));
  }

  private static List<ProviderView> providers(ProviderDirectory providers, Map<String, Double> rates) {
    return providers.all().stream().map(supervisor -> {
      ProviderSupervisor.HealthView health = supervisor.health();
      ProviderSettings.PoolSettings pool = supervisor.settings().pool();
      return new ProviderView(health.provider(), health.type(), health.state().name(), health.circuitState(),
          supervisor.gatekeeper().forcedOpen(), providers.drained(health.provider()), health.availability().name(),
          health.availableTokens(), health.inFlight(), health.queueDepth(), pool.concurrency(),
          pool.queueCapacity(), health.restartsInWindow(), health.totalRestarts(), rates.get(health.provider()),
          health.lastCrash(), health.lastConfigurationError());
    }).toList();
  }
}
