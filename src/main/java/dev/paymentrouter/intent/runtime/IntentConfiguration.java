package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.merchant.runtime.MerchantDirectory;
import dev.paymentrouter.provider.runtime.ProviderDirectory;
import dev.paymentrouter.routing.domain.RoutingPolicy;
import dev.paymentrouter.tokens.TokenCipher;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/** Wires the intent runtime: store, registry, sentinel and what each process needs. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({IntentProperties.class, RecoveryProperties.class, StorageProperties.class})
class IntentConfiguration {

  private static final Logger log = LoggerFactory.getLogger(IntentConfiguration.class);

  /** A provider whose intents wait for an operator. */
  static final Status DEGRADED = new Status("DEGRADED", "intents wait for an operator");

  @Bean
  IntentStore intentStore(DatabaseClient db, JsonMapper json, StorageProperties storage, TokenCipher tokens,
      IntentIds ids, ResourceRenderer renderer, MeterRegistry meters) {
    IntentStore store = new IntentStore(db, json, storage, tokens, ids, renderer);
    Gauge.builder("payment_router.storage.pending_creates", store, IntentStore::pendingCreates)
        .description("new intents waiting for their statement").register(meters);
    return store;
  }

  @Bean
  IntentRouting intentRouting(RoutingPolicy policy, ProviderDirectory providers, MerchantDirectory merchants) {
    return new IntentRouting(policy, providers, merchants);
  }

  @Bean
  OutboxReader outboxReader(DatabaseClient db, JsonMapper json) {
    return new OutboxReader(db, json);
  }

  @Bean
  IntentIds intentIds(Clock clock) {
    return new IntentIds(clock);
  }

  @Bean
  IntentLifecycle paymentLifecycle(IntentRegistry registry, IntentStore store, IntentIds ids, Clock clock) {
    return new IntentLifecycle(registry, store, ids, clock);
  }

  @Bean
  IntentLookup intentLookup(IntentRegistry registry, IntentStore store, RecoveryProperties recovery) {
    return new IntentLookup(registry, store, recovery.janitorWait());
  }

  @Bean
  IntentMetrics intentMetrics(MeterRegistry registry) {
    return new IntentMetrics(registry);
  }

  @Bean
  IntentRegistry intentRegistry(
      IntentProperties properties,
      RecoveryProperties recovery,
      Clock clock,
      IntentStore store,
      IntentRouting routing,
      ProviderDirectory providers,
      IntentMetrics metrics,
      IntentIds ids,
      MerchantDirectory merchants,
      MeterRegistry meters) {
    int general = properties.maxActivePerMerchant();
    IntentRegistry registry = new IntentRegistry(properties.maxActive(), general,
        merchantId -> merchants.settings(merchantId).maxActive(properties.maxActive(), general),
        properties.maxParked(), recovery.statusQueryInterval(), ids);
    registry.bind(new IntentRuntime(
        store, routing, providers, clock, registry, metrics, properties.mailboxCapacity(), recovery.nodeId(),
        recovery.lease(), recovery.settleTime(), recovery.schedule(), properties.deadline(), properties.maxPark(),
        ids, providers::authorizationValidity, recovery.pendingInterval()));
    Gauge.builder("payment_router.intents.active", registry, IntentRegistry::active)
        .description("live intent processes on this node").register(meters);
    Gauge.builder("payment_router.intents.parked", registry, IntentRegistry::parked)
        .description("intents on this node waiting for a provider the router itself holds back").register(meters);
    Gauge.builder("payment_router.intents.capacity", registry, IntentRegistry::capacity)
        .description("most live intent processes this node takes").register(meters);
    Gauge.builder("payment_router.intents.reconciling", registry, IntentRegistry::reconciling)
        .description("live intents on this node whose outcome at a provider is unknown and being reconciled")
        .register(meters);
    Gauge.builder("payment_router.intents.mailbox.max", registry, IntentRegistry::deepestMailbox)
        .description("the deepest intent process mailbox on this node now").register(meters);
    Gauge.builder("payment_router.intents.mailbox.capacity", properties, IntentProperties::mailboxCapacity)
        .description("most messages an intent process's mailbox holds").register(meters);
    return registry;
  }

  @Bean
  IntentSentinel intentSentinel(
      IntentStore store, IntentRegistry registry, RecoveryProperties recovery, MeterRegistry meters) {
    IntentSentinel sentinel = new IntentSentinel(store, registry, recovery.scanInterval(), recovery.batchSize(),
        Schedulers.parallel());
    Gauge.builder("payment_router.intents.unresolved", sentinel, IntentSentinel::unresolved)
        .description("intents whose outcome reconciliation could not establish; an operator must look")
        .register(meters);
    return sentinel;
  }

  /**
   * Starts recovery after the providers (it may send requests). At shutdown, after the web server stopped taking
   * requests and before the providers stop: no more claims, live intents get {@code drain-timeout} to finish, and
   * the leases of those still running are let go so another node takes them over at once. Nothing is lost either
   * way: an intent's state is in PostgreSQL after every transition.
   */
  @Bean
  SmartLifecycle intentLifecycle(IntentSentinel sentinel, IntentRegistry registry, IntentProperties properties) {
    return new SmartLifecycle() {
      private volatile boolean running;

      @Override
      public void start() {
        sentinel.start();
        running = true;
      }

      @Override
      public void stop() {
        stop(() -> { });
      }

      @Override
      public void stop(Runnable callback) {
        sentinel.stop();
        registry.drain(properties.drainTimeout())
            .doOnNext(handedOver -> {
              if (handedOver > 0) {
                log.warn("Shutdown: {} intents still running after {}, handed over to other nodes", handedOver,
                    properties.drainTimeout());
              }
            })
            .doFinally(signal -> {
              running = false;
              callback.run();
            })
            .subscribe(ignored -> { }, error -> log.error("Shutdown: draining intents failed", error));
      }

      @Override
      public boolean isRunning() {
        return running;
      }

      @Override
      public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 3072;
      }
    };
  }

  /** {@code DEGRADED} while intents wait for an operator; the router itself keeps serving. */
  @Bean("intents")
  ReactiveHealthIndicator intentsHealthIndicator(IntentSentinel sentinel, IntentRegistry registry) {
    return () -> Mono.fromSupplier(() -> {
      long unresolved = sentinel.unresolved();
      return Health.status(unresolved == 0 ? Status.UP : DEGRADED)
          .withDetail("unresolved", unresolved)
          .withDetail("active", registry.active())
          .withDetail("capacity", registry.capacity())
          .withDetail("parked", registry.parked())
          .withDetail("recovered", sentinel.recovered())
          .build();
    });
  }
}
