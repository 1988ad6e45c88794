package dev.paymentrouter.provider.runtime;

import dev.paymentrouter.provider.connector.ConnectorSettings;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything one provider's supervisor needs: how to reach it, its limits, its pool and its restart policy.
 *
 * @param name                  provider name, used in routing and on attempts
 * @param type                  connector type (which {@code ProviderConnectorFactory} makes its connectors)
 * @param connector             how to reach it
 * @param gatekeeper            rate limit and circuit breaker
 * @param pool                  worker pool
 * @param restart               supervisor restart policy
 * @param authorizationValidity how long an authorization this provider made can still be captured (the provider's,
 *                              or the card scheme's, hold on the funds); one nobody captured by then is cancelled
 */
public record ProviderSettings(
    String name,
    String type,
    ConnectorSettings connector,
    GatekeeperSettings gatekeeper,
    PoolSettings pool,
    RestartPolicy restart,
    Duration authorizationValidity) {

  /** How long an authorization stays capturable when the provider's settings do not say: 7 days. */
  public static final Duration DEFAULT_AUTHORIZATION_VALIDITY = Duration.ofDays(7);

  public ProviderSettings {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(connector, "connector");
    Objects.requireNonNull(gatekeeper, "gatekeeper");
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(restart, "restart");
    Objects.requireNonNull(authorizationValidity, "authorizationValidity");
    if (!authorizationValidity.isPositive()) {
      throw new IllegalArgumentException("authorizationValidity must be positive");
    }
  }

  /** Settings whose authorizations stay capturable for the default 7 days. */
  public ProviderSettings(
      String name,
      String type,
      ConnectorSettings connector,
      GatekeeperSettings gatekeeper,
      PoolSettings pool,
      RestartPolicy restart) {
    this(name, type, connector, gatekeeper, pool, restart, DEFAULT_AUTHORIZATION_VALIDITY);
  }

  /**
   * The worker pool of one provider.
   *
   * @param concurrency   calls in flight at most
   * @param queueCapacity calls waiting for a worker at most
   * @param callTimeout   longest a call may take before its outcome is unknown
   * @param queueTimeout  longest a call may wait for a worker
   */
  public record PoolSettings(int concurrency, int queueCapacity, Duration callTimeout, Duration queueTimeout) {}

  /**
   * How the supervisor restarts crashed children.
   *
   * @param maxRestarts    restarts allowed within {@code window}; one more marks the provider down
   * @param window         the sliding window restarts are counted in
   * @param backoffInitial delay before the first restart
   * @param backoffMax     longest delay between restarts
   * @param downCooldown   how long a provider stays down before the supervisor tries it again
   */
  public record RestartPolicy(
      int maxRestarts, Duration window, Duration backoffInitial, Duration backoffMax, Duration downCooldown) {

    /** Exponential backoff for the n-th restart in the window (1-based), capped. */
    public Duration backoff(int restartNumber) {
      long factor = 1L << Math.min(20, Math.max(0, restartNumber - 1));
      Duration delay = backoffInitial.multipliedBy(factor);
      return delay.compareTo(backoffMax) > 0 ? backoffMax : delay;
    }
  }
}
