package dev.paymentrouter.provider.runtime;

import dev.paymentrouter.provider.connector.ConnectorSettings;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The providers, from configuration under {@code payment-router.providers.<name>}. Every setting has a default
 * but the base URL. Order of declaration is the default routing order.
 */
@ConfigurationProperties("payment-router")
public record ProvidersProperties(Map<String, Provider> providers) {

  public ProvidersProperties {
    providers = providers == null ? Map.of() : new LinkedHashMap<>(providers);
  }

  /** One provider. */
  public record Provider(
      @DefaultValue("simulator") String type,
      URI baseUrl,
      String apiKey,
      @DefaultValue("1s") Duration connectTimeout,
      @DefaultValue RateLimit rateLimit,
      @DefaultValue CircuitBreaker circuitBreaker,
      @DefaultValue Pool pool,
      @DefaultValue Supervisor supervisor) {}

  /** Bucket4j token bucket: sustained rate and burst. */
  public record RateLimit(@DefaultValue("100") int permitsPerSecond, @DefaultValue("100") int burst) {}

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

  /** Settings per provider, in declaration order; fails with a clear message on an incomplete provider. */
  public List<ProviderSettings> toSettings() {
    return providers.entrySet().stream().map(entry -> toSettings(entry.getKey(), entry.getValue())).toList();
  }

  private static ProviderSettings toSettings(String name, Provider p) {
    if (p.baseUrl() == null) {
      throw new IllegalStateException(
          "provider '" + name + "' has no base URL: set payment-router.providers." + name + ".base-url");
    }
    return new ProviderSettings(
        name,
        p.type(),
        new ConnectorSettings(name, p.baseUrl(), p.apiKey(), p.connectTimeout(), p.pool().callTimeout(),
            p.pool().concurrency()),
        new GatekeeperSettings(
            p.rateLimit().permitsPerSecond(), p.rateLimit().burst(),
            p.circuitBreaker().failureRateThreshold(), p.circuitBreaker().slowCallRateThreshold(),
            p.circuitBreaker().slowCallDuration(), p.circuitBreaker().waitInOpenState(),
            p.circuitBreaker().slidingWindowSize(), p.circuitBreaker().minimumCalls(),
            p.circuitBreaker().permittedCallsInHalfOpen()),
        new ProviderSettings.PoolSettings(
            p.pool().concurrency(), p.pool().queueCapacity(), p.pool().callTimeout(), p.pool().queueTimeout()),
        new ProviderSettings.RestartPolicy(
            p.supervisor().maxRestarts(), p.supervisor().window(), p.supervisor().backoffInitial(),
            p.supervisor().backoffMax(), p.supervisor().downCooldown()));
  }
}
