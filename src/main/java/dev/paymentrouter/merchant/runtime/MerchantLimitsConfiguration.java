package dev.paymentrouter.merchant.runtime;

import dev.paymentrouter.merchant.domain.InboundLimit;
import dev.paymentrouter.merchant.domain.MerchantLimits;
import java.util.Optional;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Until merchants have settings of their own: one inbound limit for every merchant, from
 * {@code payment-router.merchants.default-inbound-limit.per-second} and {@code .burst} (burst defaults to the rate);
 * no limit when the rate is not set.
 */
@Configuration(proxyBeanMethods = false)
class MerchantLimitsConfiguration {

  @Bean
  @ConditionalOnMissingBean(MerchantLimits.class)
  MerchantLimits defaultMerchantLimits(Environment environment) {
    Integer perSecond = environment.getProperty(
        "payment-router.merchants.default-inbound-limit.per-second", Integer.class);
    if (perSecond == null) {
      return merchantId -> Optional.empty();
    }
    int burst = environment.getProperty("payment-router.merchants.default-inbound-limit.burst", Integer.class,
        perSecond);
    Optional<InboundLimit> limit = Optional.of(new InboundLimit(perSecond, burst));
    return merchantId -> limit;
  }
}
