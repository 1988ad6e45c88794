package dev.paymentrouter.routing.runtime;

import dev.paymentrouter.provider.runtime.ProviderDirectory;
import dev.paymentrouter.routing.domain.RoutingPolicy;
import java.util.List;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The routing policy, checked against the configured providers at start-up. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RoutingProperties.class)
class RoutingConfiguration {

  @Bean
  RoutingPolicy routingPolicy(RoutingProperties properties, ProviderDirectory providers) {
    List<String> order = properties.order().isEmpty() ? providers.names() : properties.order();
    for (String provider : order) {
      if (providers.find(provider).isEmpty()) {
        throw new IllegalStateException("payment-router.routing.order names unknown provider '" + provider
            + "'; configured providers: " + providers.names());
      }
    }
    return new RoutingPolicy(order, properties.maxAttempts());
  }
}
