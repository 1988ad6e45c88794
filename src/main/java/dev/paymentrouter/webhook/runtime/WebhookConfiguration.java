package dev.paymentrouter.webhook.runtime;

import dev.paymentrouter.intent.runtime.IntentIds;
import dev.paymentrouter.platform.LocalMode;
import dev.paymentrouter.tokens.TokenCipher;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.scheduler.Schedulers;

/** Wires the webhook endpoint store and the URL policy. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(WebhookProperties.class)
class WebhookConfiguration {

  @Bean
  WebhookEndpoints webhookEndpoints(DatabaseClient db, TokenCipher cipher, IntentIds ids, Clock clock,
      WebhookProperties properties) {
    return new WebhookEndpoints(db, cipher, ids, clock, properties.rotationOverlap());
  }

  @Bean
  WebhookUrlPolicy webhookUrlPolicy(Environment environment, WebhookProperties properties) {
    // Resolution blocks a thread: Reactor's bounded elastic pool, never an event loop.
    return new WebhookUrlPolicy(LocalMode.isOn(environment), WebhookUrlPolicy.Resolver.SYSTEM,
        Schedulers.boundedElastic(), properties.resolveTimeout());
  }
}
