package dev.paymentrouter.merchant.runtime;

import dev.paymentrouter.platform.PhasedLifecycle;
import dev.paymentrouter.provider.runtime.ProviderDirectory;
import dev.paymentrouter.routing.domain.RoutingPolicy;
import java.time.Clock;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.scheduler.Schedulers;

/** Wires merchant storage, authentication and settings, and the demo merchant when enabled. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({DemoMerchantProperties.class, MerchantProperties.class})
class MerchantConfiguration {

  @Bean
  MerchantStore merchantStore(DatabaseClient db) {
    return new MerchantStore(db);
  }

  @Bean
  ApiKeyAuthenticator apiKeyAuthenticator(MerchantStore merchants, Clock clock, MerchantProperties properties) {
    return new ApiKeyAuthenticator(merchants, clock, properties.keyCacheTtl(), properties.keyCacheSize());
  }

  @Bean
  MerchantSettingsDocument merchantSettingsDocument(ProviderDirectory providers, RoutingPolicy policy) {
    return new MerchantSettingsDocument(providers.names(), policy);
  }

  @Bean
  MerchantDirectory merchantDirectory(MerchantStore merchants, MerchantSettingsDocument documents,
      RoutingPolicy policy, MerchantProperties properties) {
    return new MerchantDirectory(merchants, documents, policy, properties.keyCacheTtl(), Schedulers.parallel());
  }

  @Bean
  MerchantAccounts merchantAccounts(MerchantStore merchants, ApiKeyAuthenticator authenticator,
      MerchantDirectory directory, Clock clock) {
    return new MerchantAccounts(merchants, authenticator, directory, clock);
  }

  /** Loads the merchants' settings before recovery and the web server start, which both route intents. */
  @Bean
  SmartLifecycle merchantDirectoryLifecycle(MerchantDirectory directory) {
    return new PhasedLifecycle(directory::start, directory::stop, PhasedLifecycle.BEFORE_WEB_SERVER);
  }

  @Bean
  @ConditionalOnBooleanProperty("payment-router.demo-merchant.enabled")
  DemoMerchantSeeder demoMerchantSeeder(MerchantStore merchants, DemoMerchantProperties properties) {
    return new DemoMerchantSeeder(merchants, properties);
  }

  @Bean
  @ConditionalOnBooleanProperty("payment-router.demo-merchant.enabled")
  ApplicationRunner seedDemoMerchant(DemoMerchantSeeder seeder) {
    return arguments -> seeder.seed();
  }
}
