package dev.paymentrouter.merchant.runtime;

import dev.paymentrouter.merchant.domain.InboundLimit;
import dev.paymentrouter.merchant.domain.MerchantLimits;
import java.util.Optional;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Until merchants have settings of their own: one inbound limit for every merchant, from
 * {@code payment-router.merchants.default-inbound-limit.per-second} and {@code .burst} (the burst defaults to the
 * rate); no limit when the rate is not set.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MerchantLimitsConfiguration.DefaultLimits.class)
class MerchantLimitsConfiguration {

  /** {@code payment-router.merchants}: the limits every merchant has unless told otherwise. */
  @ConfigurationProperties("payment-router.merchants")
  record DefaultLimits(Inbound defaultInboundLimit) {

    /** Requests per second and at once; both empty for no limit. */
    record Inbound(Integer perSecond, Integer burst) {}
  }

  @Bean
  @ConditionalOnMissingBean(MerchantLimits.class)
  MerchantLimits defaultMerchantLimits(DefaultLimits defaults) {
    DefaultLimits.Inbound inbound = defaults.defaultInboundLimit();
    if (inbound == null || inbound.perSecond() == null) {
      return merchantId -> Optional.empty();
    }
    Optional<InboundLimit> limit = Optional.of(new InboundLimit(inbound.perSecond(),
        inbound.burst() == null ? inbound.perSecond() : inbound.burst()));
    return merchantId -> limit;
  }
}
