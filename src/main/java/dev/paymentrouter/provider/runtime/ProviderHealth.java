package dev.paymentrouter.provider.runtime;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.CompositeReactiveHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Status;
import reactor.core.publisher.Mono;

/**
 * Actuator health of every provider, one component each: {@code UP} when serving, {@code DEGRADED} while its
 * circuit is not closed or its children restart, {@code DOWN} once its supervisor gave up on it.
 */
public final class ProviderHealth {

  /** A provider that still runs but is being protected or restarted. */
  public static final Status DEGRADED = new Status("DEGRADED", "provider circuit not closed or restarting");

  private ProviderHealth() {}

  /** The composite contributor for all providers, in configured order. */
  public static CompositeReactiveHealthContributor of(ProviderDirectory directory) {
    Map<String, ReactiveHealthIndicator> indicators = new LinkedHashMap<>();
    for (ProviderSupervisor supervisor : directory.all()) {
      indicators.put(supervisor.provider(), () -> Mono.fromSupplier(() -> health(supervisor.health())));
    }
    return CompositeReactiveHealthContributor.fromMap(indicators);
  }

  static Health health(ProviderSupervisor.HealthView view) {
    Status status = switch (view.state()) {
      case RUNNING -> "CLOSED".equals(view.circuitState()) ? Status.UP : DEGRADED;
      case STARTING, RESTARTING -> DEGRADED;
      case DOWN, STOPPED -> Status.DOWN;
    };
    Health.Builder builder = Health.status(status)
        .withDetail("type", view.type())
        .withDetail("supervisor", view.state().name())
        .withDetail("circuit", view.circuitState())
        .withDetail("availability", view.availability().name())
        .withDetail("availableTokens", view.availableTokens())
        .withDetail("inFlight", view.inFlight())
        .withDetail("queueDepth", view.queueDepth())
        .withDetail("restartsInWindow", view.restartsInWindow())
        .withDetail("totalRestarts", view.totalRestarts());
    if (view.lastCrash() != null) {
      builder.withDetail("lastCrash", view.lastCrash());
    }
    if (view.lastConfigurationError() != null) {
      // The provider refused the router's credentials or account: payments cannot go there until it is fixed.
      builder.withDetail("lastConfigurationError", view.lastConfigurationError());
    }
    return builder.build();
  }
}
