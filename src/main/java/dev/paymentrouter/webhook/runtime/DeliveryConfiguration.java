package dev.paymentrouter.webhook.runtime;

import dev.paymentrouter.platform.PhasedLifecycle;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.json.JsonMapper;

/** Wires the delivery of the merchants' events: the store of deliveries and this node's worker. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DeliveryProperties.class)
class DeliveryConfiguration {

  static final String DELIVERIES = "payment_router.webhook.deliveries";

  @Bean
  DeliveryStore deliveryStore(DatabaseClient db) {
    return new DeliveryStore(db);
  }

  /** A pool of its own, bounded like the worker: merchants' endpoints never share connections with providers. */
  @Bean(destroyMethod = "dispose")
  ConnectionProvider webhookConnections(DeliveryProperties properties) {
    return ConnectionProvider.builder("webhook-deliveries")
        .maxConnections(properties.concurrency())
        .pendingAcquireMaxCount(properties.concurrency())
        .build();
  }

  @Bean(destroyMethod = "stop")
  WebhookCourier webhookCourier(DeliveryStore store, WebhookEndpoints endpoints, WebhookUrlPolicy policy,
      JsonMapper json, Clock clock, DeliveryProperties properties, ConnectionProvider webhookConnections,
      MeterRegistry meters) {
    ConnectionProvider connections = webhookConnections;
    HttpClient http = HttpClient.create(connections)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(properties.timeout().toMillis(), 10_000))
        .responseTimeout(properties.timeout())
        .followRedirect(false);
    WebhookCourier courier = new WebhookCourier(store, endpoints, policy, http, json, clock, properties.settings(),
        Schedulers.parallel());
    // This node's sends by outcome (a retried one is a try that failed and is due again) and those under way.
    FunctionCounter.builder(DELIVERIES, courier, WebhookCourier::delivered).tag("outcome", "delivered")
        .description("webhook sends by outcome, this node").register(meters);
    FunctionCounter.builder(DELIVERIES, courier, WebhookCourier::retried).tag("outcome", "retried").register(meters);
    FunctionCounter.builder(DELIVERIES, courier, WebhookCourier::failed).tag("outcome", "failed").register(meters);
    Gauge.builder("payment_router.webhook.sending", courier, WebhookCourier::sending)
        .description("webhook sends under way, this node").register(meters);
    return courier;
  }

  /** Starts this node's delivery worker with the application (when enabled) and stops it first at shutdown. */
  @Bean
  SmartLifecycle webhookDelivery(WebhookCourier courier, DeliveryProperties properties) {
    return new PhasedLifecycle(() -> {
      if (properties.enabled()) {
        courier.start();
      }
    }, courier::stop, SmartLifecycle.DEFAULT_PHASE);
  }
}
