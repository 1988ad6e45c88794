package dev.paymentrouter.stripeapi;

import dev.paymentrouter.api.ApiProperties;
import dev.paymentrouter.api.IntentStarter;
import dev.paymentrouter.api.MerchantApiDoor;
import dev.paymentrouter.intent.runtime.IntentIds;
import dev.paymentrouter.intent.runtime.IntentLifecycle;
import dev.paymentrouter.intent.runtime.IntentLookup;
import dev.paymentrouter.intent.runtime.IntentStore;
import dev.paymentrouter.merchant.runtime.ApiKeyAuthenticator;
import dev.paymentrouter.tokens.TokenCipher;
import io.micrometer.observation.ObservationRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.Shutdown;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.reactive.function.server.HandlerStrategies;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import tools.jackson.databind.json.JsonMapper;

/**
 * Opens the Stripe-compatible door when {@code payment-router.stripe-api.enabled} says so, or, when that is not set,
 * in local mode: its handlers over the intent runtime, behind the merchant API's own filters, on a server of its own.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("${payment-router.stripe-api.enabled:${payment-router.local-mode:false}}")
@EnableConfigurationProperties(StripeApiProperties.class)
class StripeApiConfiguration {

  @Bean
  StripeDrafts stripeDrafts(DatabaseClient db, JsonMapper json, TokenCipher tokens) {
    return new StripeDrafts(db, json, tokens);
  }

  @Bean
  StripeApiServer stripeApiServer(StripeApiProperties properties, ConfigurableEnvironment environment,
      ApiKeyAuthenticator authenticator, IntentStarter starter, IntentLookup lookup, IntentLifecycle lifecycle,
      IntentStore store, StripeDrafts drafts, IntentIds ids, Clock clock, ApiProperties api, MerchantApiDoor door,
      ObjectProvider<ReactorResourceFactory> resources, ObjectProvider<ObservationRegistry> observations)
      throws UnknownHostException {
    StripeRequests requests = new StripeRequests(authenticator);
    PaymentIntentsHandler intents = new PaymentIntentsHandler(requests, starter, lookup, lifecycle, store, drafts,
        ids, clock, properties.confirmWait(), api.retryAfter());
    RefundsHandler refunds = new RefundsHandler(requests, lifecycle, ids, properties.confirmWait(), api.retryAfter());
    HttpHandler handler = WebHttpHandlerBuilder
        .webHandler(RouterFunctions.toWebHandler(StripeRoutes.routes(intents, refunds),
            HandlerStrategies.withDefaults()))
        // The door's own first, so that the shared ones word their refusals its way; then the merchant API's.
        .filters(filters -> {
          filters.add(new StripeDoorFilter());
          filters.addAll(door.filters());
        })
        .exceptionHandler((exchange, failure) ->
            StripeResponses.write(exchange, StripeResponses.stripeError(failure, exchange)))
        .observationRegistry(observations.getIfAvailable(() -> ObservationRegistry.NOOP))
        .build();
    NettyReactiveWebServerFactory factory = new NettyReactiveWebServerFactory(properties.port());
    String address = properties.address() != null ? properties.address() : environment.getProperty("server.address");
    if (address != null && !address.isBlank()) {
      factory.setAddress(InetAddress.getByName(address));
    }
    factory.setResourceFactory(resources.getIfAvailable());
    factory.setShutdown(environment.getProperty("server.shutdown", Shutdown.class, Shutdown.GRACEFUL));
    factory.setServerCustomizers(List.of(door.serverBounds()));
    return new StripeApiServer(factory, handler, environment);
  }
}
