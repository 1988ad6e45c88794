package dev.paymentrouter.merchant.runtime;

import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;

/** Wires merchant storage and authentication, and the demo merchant when enabled. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({DemoMerchantProperties.class, ApiKeyProperties.class})
class MerchantConfiguration {

  @Bean
  MerchantStore merchantStore(DatabaseClient db) {
    return new MerchantStore(db);
  }

  @Bean
  ApiKeyAuthenticator apiKeyAuthenticator(MerchantStore merchants, ApiKeyProperties properties) {
    return new ApiKeyAuthenticator(merchants, properties.cacheTtl(), properties.cacheSize());
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
