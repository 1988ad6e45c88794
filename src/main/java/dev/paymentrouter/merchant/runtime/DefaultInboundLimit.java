package dev.paymentrouter.merchant.runtime;

import dev.paymentrouter.merchant.domain.InboundLimit;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code payment-router.merchants.default-inbound-limit}: the request limit, across all replicas, of every merchant
 * whose settings name none ({@code MerchantLimits} answers empty). No limit unless {@code per-second} is set; the
 * burst defaults to the rate.
 */
@ConfigurationProperties("payment-router.merchants.default-inbound-limit")
public record DefaultInboundLimit(Integer perSecond, Integer burst) {

  /** The limit, or empty when none is configured. */
  public Optional<InboundLimit> limit() {
    return perSecond == null
        ? Optional.empty()
        : Optional.of(new InboundLimit(perSecond, burst == null ? perSecond : burst));
  }
}
