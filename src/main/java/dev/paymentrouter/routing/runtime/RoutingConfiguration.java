package dev.paymentrouter.routing.runtime;

import dev.paymentrouter.provider.runtime.ProviderDirectory;
import dev.paymentrouter.provider.runtime.ProviderScoreboard;
import dev.paymentrouter.routing.domain.RoutingPolicy;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The routing policy and the providers' success-rate scoreboard, checked against the providers at start-up. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RoutingProperties.class)
class RoutingConfiguration {

  /** Fed by every provider supervisor, read through {@link ProviderDirectory#snapshot()}. */
  @Bean
  ProviderScoreboard providerScoreboard(RoutingProperties properties) {
    return properties.toScoreboard();
  }

  @Bean
  RoutingPolicy routingPolicy(RoutingProperties properties, ProviderDirectory providers) {
    return properties.toPolicy(providers.names());
  }
}
