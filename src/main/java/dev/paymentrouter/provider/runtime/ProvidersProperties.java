package dev.paymentrouter.provider.runtime;

import dev.paymentrouter.provider.connector.ConnectorSettings;
import dev.paymentrouter.provider.connector.ProviderConnectorFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The providers, from configuration under {@code payment-router.providers.<name>}. Every setting has a default
 * but the connector type (which only local mode may leave out: it means the simulator there), the base URL (but for
 * Stripe's) and the credentials a type needs ({@code api-key}, Adyen's {@code merchant-account}).
 * Order of declaration is the default routing order.
 */
@ConfigurationProperties("payment-router")
public record ProvidersProperties(Map<String, Provider> providers) {

  public ProvidersProperties {
    providers = providers == null ? Map.of() : new LinkedHashMap<>(providers);
  }

  /** One provider. */
  public record Provider(
      String type,
      URI baseUrl,
      String apiKey,
      String merchantAccount,
      @DefaultValue("1s") Duration connectTimeout,
      @DefaultValue("7d") Duration authorizationValidity,
      List<String> webhookSecrets,
      List<String> webhookHmacKeys,
      @DefaultValue("false") boolean plainHttp,
      // HTTP/2 to the provider (see ConnectorSettings): off unless the operator knows the provider speaks it.
      @DefaultValue("false") boolean http2,
      // Threads of the provider's own event loops; 0 shares Reactor Netty's loops with every other provider.
      @DefaultValue("0") int eventLoops,
      @DefaultValue RateLimit rateLimit,
      @DefaultValue CircuitBreaker circuitBreaker,
      @DefaultValue Pool pool,
      @DefaultValue Supervisor supervisor) {

    @Override
    public String toString() {
      // The credential stays out of logs and binding errors.
      return "Provider[" + type + " at " + baseUrl + (apiKey == null ? "" : ", api-key ***")
          + (merchantAccount == null ? "" : ", merchant-account " + merchantAccount) + "]";
    }
  }

  /** Bucket4j token buckets: sustained rate and burst of charges, and of status queries apart. */
  public record RateLimit(
      @DefaultValue("100") int permitsPerSecond,
      @DefaultValue("100") int burst,
      @DefaultValue("10") int statusQueriesPerSecond,
      @DefaultValue("10") int statusQueryBurst) {}

  /** Resilience4j circuit breaker thresholds. */
  public record CircuitBreaker(
      @DefaultValue("50") float failureRateThreshold,
      @DefaultValue("100") float slowCallRateThreshold,
      @DefaultValue("3s") Duration slowCallDuration,
      @DefaultValue("10s") Duration waitInOpenState,
      @DefaultValue("20") int slidingWindowSize,
      @DefaultValue("10") int minimumCalls,
      @DefaultValue("3") int permittedCallsInHalfOpen) {}

  /** The worker pool. */
  public record Pool(
      @DefaultValue("64") int concurrency,
      @DefaultValue("256") int queueCapacity,
      @DefaultValue("5s") Duration callTimeout,
      @DefaultValue("2s") Duration queueTimeout) {}

  /** The supervisor's restart policy. */
  public record Supervisor(
      @DefaultValue("5") int maxRestarts,
      @DefaultValue("60s") Duration window,
      @DefaultValue("200ms") Duration backoffInitial,
      @DefaultValue("5s") Duration backoffMax,
      @DefaultValue("30s") Duration downCooldown) {}

  /** The connector type local mode assumes for a provider that names none. */
  public static final String LOCAL_DEFAULT_TYPE = "simulator";

  /** The API a provider of a known public type answers on when no base URL is configured. */
  private static final Map<String, URI> DEFAULT_BASE_URLS = Map.of("stripe", URI.create("https://api.stripe.com"));

  /**
   * Settings per provider, in declaration order. Refuses (listing every problem at once) a provider without a base
   * URL (Stripe has a default; Adyen's depends on the account's test or live environment), whose type is missing
   * (outside local mode) or is none of the factories' types, whose settings its type finds lacking (a missing
   * credential, an Adyen merchant account), or whose authorization validity is not positive (every authorization
   * would be cancelled at once): a payment sent with the wrong protocol or credentials is worse than a router that
   * does not start.
   */
  public List<ProviderSettings> toSettings(
      boolean localMode, Collection<? extends ProviderConnectorFactory> factories) {
    Map<String, ProviderConnectorFactory> byType = new LinkedHashMap<>();
    factories.forEach(factory -> byType.put(factory.type(), factory));
    Set<String> knownTypes = new TreeSet<>(byType.keySet());
    List<String> problems = new ArrayList<>();
    List<ProviderSettings> settings = new ArrayList<>();
    providers.forEach((name, provider) -> {
      String prefix = "payment-router.providers." + name;
      String type = provider.type() == null || provider.type().isBlank()
          ? (localMode ? LOCAL_DEFAULT_TYPE : null)
          : provider.type().trim();
      URI baseUrl = provider.baseUrl() != null ? provider.baseUrl() : DEFAULT_BASE_URLS.get(type);
      if (baseUrl == null) {
        problems.add(prefix + ".base-url is required");
      }
      if (provider.eventLoops() < 0) {
        problems.add(prefix + ".event-loops must be 0 (shared loops) or positive, not " + provider.eventLoops());
      }
      Duration validity = provider.authorizationValidity();
      if (validity == null || !validity.isPositive()) {
        problems.add(prefix + ".authorization-validity must be positive, not " + validity);
      }
      List<String> hmacKeys = provider.webhookHmacKeys() == null ? List.of() : provider.webhookHmacKeys();
      for (int i = 0; i < hmacKeys.size(); i++) {
        if (!isHexKey(hmacKeys.get(i))) {
          // The key itself stays out of the message.
          problems.add(prefix + ".webhook-hmac-keys[" + i + "] must be hexadecimal (Adyen's HMAC key)");
        }
      }
      if (type == null) {
        problems.add(prefix + ".type is required: one of " + knownTypes);
      } else if (!byType.containsKey(type)) {
        problems.add(prefix + ".type '" + type + "' is unknown: one of " + knownTypes);
      } else if (baseUrl != null && provider.eventLoops() >= 0) {
        ConnectorSettings connector = connectorSettings(name, baseUrl, provider);
        List<String> lacking = byType.get(type).configurationProblems(connector);
        problems.addAll(lacking);
        if (lacking.isEmpty() && validity != null && validity.isPositive()
            && hmacKeys.stream().allMatch(ProvidersProperties::isHexKey)) {
          settings.add(toSettings(name, type, connector, provider));
        }
      }
    });
    if (!problems.isEmpty()) {
      throw new IllegalStateException("Invalid provider configuration:\n  - " + String.join("\n  - ", problems));
    }
    return settings;
  }

  private static ConnectorSettings connectorSettings(String name, URI baseUrl, Provider p) {
    return new ConnectorSettings(name, baseUrl, p.apiKey(), p.merchantAccount(), p.connectTimeout(),
        p.pool().callTimeout(), p.pool().concurrency(), p.plainHttp(), p.http2(), p.eventLoops());
  }

  private static ProviderSettings toSettings(String name, String type, ConnectorSettings connector, Provider p) {
    return new ProviderSettings(
        name,
        type,
        connector,
        new GatekeeperSettings(
            p.rateLimit().permitsPerSecond(), p.rateLimit().burst(),
            p.circuitBreaker().failureRateThreshold(), p.circuitBreaker().slowCallRateThreshold(),
            p.circuitBreaker().slowCallDuration(), p.circuitBreaker().waitInOpenState(),
            p.circuitBreaker().slidingWindowSize(), p.circuitBreaker().minimumCalls(),
            p.circuitBreaker().permittedCallsInHalfOpen(), p.rateLimit().statusQueriesPerSecond(),
            p.rateLimit().statusQueryBurst()),
        new ProviderSettings.PoolSettings(
            p.pool().concurrency(), p.pool().queueCapacity(), p.pool().callTimeout(), p.pool().queueTimeout()),
        new ProviderSettings.RestartPolicy(
            p.supervisor().maxRestarts(), p.supervisor().window(), p.supervisor().backoffInitial(),
            p.supervisor().backoffMax(), p.supervisor().downCooldown()),
        p.authorizationValidity(),
        new ProviderSettings.WebhookKeys(p.webhookSecrets(), p.webhookHmacKeys()));
  }

  private static boolean isHexKey(String key) {
    return key != null && !key.isEmpty() && key.length() % 2 == 0
        && key.chars().allMatch(c -> Character.digit(c, 16) >= 0);
  }
}
