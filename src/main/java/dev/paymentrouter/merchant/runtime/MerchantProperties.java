package dev.paymentrouter.merchant.runtime;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Merchants at runtime, under {@code payment-router.merchants}.
 *
 * @param keyCacheTtl  how long a node trusts what it read about merchants without reading again: an API key found
 *                     in the database, and every merchant's settings. A revoked key, a disabled merchant or changed
 *                     settings take effect on every node within this time (at once on the node that made the change)
 * @param keyCacheSize API keys remembered at most per node
 */
@ConfigurationProperties("payment-router.merchants")
public record MerchantProperties(
    @DefaultValue("30s") Duration keyCacheTtl, @DefaultValue("10000") long keyCacheSize) {

  public MerchantProperties {
    if (keyCacheTtl.isNegative() || keyCacheTtl.isZero()) {
      throw new IllegalArgumentException("payment-router.merchants.key-cache-ttl must be positive, was "
          + keyCacheTtl);
    }
    if (keyCacheSize < 1) {
      throw new IllegalArgumentException("payment-router.merchants.key-cache-size must be >= 1, was "
          + keyCacheSize);
    }
  }
}
