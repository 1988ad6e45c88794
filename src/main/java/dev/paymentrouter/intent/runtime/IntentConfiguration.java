package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.provider.runtime.ProviderDirectory;
import dev.paymentrouter.routing.domain.RoutingPolicy;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import tools.jackson.databind.json.JsonMapper;

/** Wires the intent runtime: store, registry and what each process needs. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(IntentProperties.class)
class IntentConfiguration {

  @Bean
  IntentStore intentStore(DatabaseClient db, ReactiveTransactionManager transactions, JsonMapper json) {
    return new IntentStore(db, TransactionalOperator.create(transactions), json);
  }

  @Bean
  IntentRouting intentRouting(RoutingPolicy policy, ProviderDirectory providers) {
    return new IntentRouting(policy, providers);
  }

  @Bean
  IntentMetrics intentMetrics(MeterRegistry registry) {
    return new IntentMetrics(registry);
  }

  @Bean
  IntentRegistry intentRegistry(
      IntentProperties properties,
      Clock clock,
      IntentStore store,
      IntentRouting routing,
      ProviderDirectory providers,
      IntentMetrics metrics,
      MeterRegistry meters) {
    IntentRegistry registry = new IntentRegistry(properties.maxActive(), new IntentIds(clock));
    registry.bind(new IntentProcess.IntentRuntime(
        store, routing, providers, clock, registry, metrics, properties.mailboxCapacity()));
    Gauge.builder("payment_router.intents.active", registry, IntentRegistry::active)
        .description("live intent processes on this node").register(meters);
    return registry;
  }
}
