package dev.paymentrouter.provider.runtime;

import dev.paymentrouter.limits.ClusterBuckets;
import dev.paymentrouter.limits.Permits;
import dev.paymentrouter.platform.LocalMode;
import dev.paymentrouter.platform.PhasedLifecycle;
import dev.paymentrouter.provider.connector.ProviderConnectorFactory;
import dev.paymentrouter.provider.connector.SimulatorConnectorFactory;
import dev.paymentrouter.provider.connector.adyen.AdyenConnectorFactory;
import dev.paymentrouter.provider.connector.stripe.StripeConnectorFactory;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.CompositeReactiveHealthContributor;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/** Wires the provider supervisors from configuration and exposes their health and metrics. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ProvidersProperties.class)
class ProviderConfiguration {

  @Bean
  SimulatorConnectorFactory simulatorConnectorFactory(JsonMapper json) {
    return new SimulatorConnectorFactory(json);
  }

  @Bean
  StripeConnectorFactory stripeConnectorFactory(JsonMapper json, Clock clock) {
    return new StripeConnectorFactory(json, clock);
  }

  @Bean
  AdyenConnectorFactory adyenConnectorFactory(JsonMapper json, Clock clock) {
    return new AdyenConnectorFactory(json, clock);
  }

  @Bean
  CircuitBreakerRegistry providerCircuitBreakers() {
    return CircuitBreakerRegistry.ofDefaults();
  }

  @Bean
  ProviderDirectory providerDirectory(
      ProvidersProperties properties,
      List<ProviderConnectorFactory> factories,
      Clock clock,
      CircuitBreakerRegistry providerCircuitBreakers,
      ProviderScoreboard providerScoreboard,
      MeterRegistry meters,
      Environment environment,
      ObjectProvider<ClusterBuckets> clusterBuckets,
      ObjectProvider<Tracer> tracer,
      ObjectProvider<Propagator> propagator) {
    List<ProviderSettings> settings = properties.toSettings(LocalMode.isOn(environment), factories);
    if (settings.isEmpty()) {
      throw new IllegalStateException("no provider configured: set payment-router.providers.<name>.base-url");
    }
    ProviderCallMeters calls = new ProviderCallMeters(meters, settings.stream().map(ProviderSettings::name).toList());
    // The replicas share each provider's buckets unless cluster limits are off (then every replica has its own).
    ClusterBuckets shared = clusterBuckets.getIfAvailable();
    Permits.Source permits = shared == null ? Permits.Source.local(clock) : shared;
    // A span per provider call when the node traces (Micrometer Tracing on OpenTelemetry; see README "Tracing").
    Tracer spans = tracer.getIfAvailable(() -> Tracer.NOOP);
    ProviderCallTracing tracing = spans == Tracer.NOOP || propagator.getIfAvailable() == null
        ? ProviderCallTracing.NONE
        : new ProviderCallSpans(spans, propagator.getObject());
    return new ProviderDirectory(settings, factories, clock, Schedulers.parallel(), providerCircuitBreakers,
        providerScoreboard, calls, permits, tracing);
  }

  /** Starts supervisors before the web server takes traffic and stops them after it stopped. */
  @Bean
  SmartLifecycle providerLifecycle(ProviderDirectory directory) {
    return new PhasedLifecycle(directory::start, directory::stop, PhasedLifecycle.BEFORE_WEB_SERVER);
  }

  @Bean("providers")
  CompositeReactiveHealthContributor providersHealthContributor(ProviderDirectory directory) {
    return ProviderHealth.of(directory);
  }

  @Bean
  MeterBinder providerMetrics(ProviderDirectory directory, CircuitBreakerRegistry providerCircuitBreakers) {
    return registry -> {
      TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(providerCircuitBreakers).bindTo(registry);
      for (ProviderSupervisor supervisor : directory.all()) {
        bindGauges(registry, supervisor);
      }
    };
  }

  private static void bindGauges(MeterRegistry registry, ProviderSupervisor supervisor) {
    String provider = supervisor.provider();
    Gauge.builder("payment_router.provider.queue.depth", supervisor, s -> s.health().queueDepth())
        .tag("provider", provider).description("calls waiting for a worker").register(registry);
    Gauge.builder("payment_router.provider.in_flight", supervisor, s -> s.health().inFlight())
        .tag("provider", provider).description("calls running").register(registry);
    Gauge.builder("payment_router.provider.tokens", supervisor, s -> s.gatekeeper().availableTokens())
        .tag("provider", provider).description("rate-limit tokens available").register(registry);
    Gauge.builder("payment_router.provider.up", supervisor,
            s -> s.state() == ProviderSupervisor.State.RUNNING ? 1 : 0)
        .tag("provider", provider).description("1 while the supervisor runs its children").register(registry);
    ProviderSettings.PoolSettings pool = supervisor.settings().pool();
    Gauge.builder("payment_router.provider.concurrency", pool, ProviderSettings.PoolSettings::concurrency)
        .tag("provider", provider).description("most calls running at once (the pool's workers)").register(registry);
    Gauge.builder("payment_router.provider.queue.capacity", pool, ProviderSettings.PoolSettings::queueCapacity)
        .tag("provider", provider).description("most calls waiting for a worker").register(registry);
    FunctionCounter.builder("payment_router.provider.restarts", supervisor, s -> s.health().totalRestarts())
        .tag("provider", provider).description("times the supervisor restarted the connector and pool")
        .register(registry);
    FunctionCounter.builder("payment_router.provider.down_time", supervisor, s -> s.downTime().toNanos() / 1e9)
        .tag("provider", provider).baseUnit("seconds")
        .description("time the supervisor was restarting the provider's children or had marked it down")
        .register(registry);
    // Resilience4j's own meters show the state; this counts the changes, which a scrape interval can hide.
    Map<CircuitBreaker.State, Counter> transitions = new EnumMap<>(CircuitBreaker.State.class);
    for (CircuitBreaker.State to : CircuitBreaker.State.values()) {
      transitions.put(to, Counter.builder("payment_router.provider.breaker.transitions")
          .tag("provider", provider).tag("to", to.name().toLowerCase(Locale.ROOT))
          .description("circuit breaker state changes, by the state entered").register(registry));
    }
    supervisor.gatekeeper().circuitBreaker().getEventPublisher()
        .onStateTransition(event -> transitions.get(event.getStateTransition().getToState()).increment());
  }
}
