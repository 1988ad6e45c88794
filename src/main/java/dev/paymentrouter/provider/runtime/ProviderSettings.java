package dev.paymentrouter.provider.runtime;

import dev.paymentrouter.provider.connector.ConnectorSettings;
import java.time.Duration;
import java.util.List;
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
 * @param webhookKeys           what its incoming notifications are verified with (none: every one is refused)
 */
public record ProviderSettings(
    String name,
    String type,
    ConnectorSettings connector,
    GatekeeperSettings gatekeeper,
    PoolSettings pool,
    RestartPolicy restart,
    Duration authorizationValidity,
    WebhookKeys webhookKeys) {

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
    webhookKeys = webhookKeys == null ? WebhookKeys.NONE : webhookKeys;
  }

  /** Settings without webhook keys: the provider's notifications are all refused. */
  public ProviderSettings(String name, String type, ConnectorSettings connector, GatekeeperSettings gatekeeper,
      PoolSettings pool, RestartPolicy restart, Duration authorizationValidity) {
    this(name, type, connector, gatekeeper, pool, restart, authorizationValidity, WebhookKeys.NONE);
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
   * The secrets a provider's notifications are signed with: Stripe's endpoint secrets ({@code whsec_...}), Adyen's
   * hex HMAC keys. Several at once, so that a rotation at the provider loses no notification.
   */
  public record WebhookKeys(List<String> secrets, List<String> hmacKeys) {

    /** No keys: nothing can be verified, so nothing is taken. */
    public static final WebhookKeys NONE = new WebhookKeys(List.of(), List.of());

    public WebhookKeys {
      secrets = secrets == null ? List.of() : List.copyOf(secrets);
      hmacKeys = hmacKeys == null ? List.of() : List.copyOf(hmacKeys);
    }

    @Override
    public String toString() {
      // Secrets stay out of logs and binding errors.
      return "WebhookKeys[" + secrets.size() + " secrets, " + hmacKeys.size() + " hmac keys]";
    }
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
