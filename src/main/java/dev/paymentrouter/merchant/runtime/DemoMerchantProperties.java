package dev.paymentrouter.merchant.runtime;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The demo merchant of local and compose runs, under {@code payment-router.demo-merchant}. Off by default.
 *
 * @param enabled whether to seed it at start-up
 * @param id      its merchant id
 * @param name    its name
 * @param apiKey  a fixed key to register (e.g. the documented compose key); when empty a new random key is
 *                made and printed at each start
 */
@ConfigurationProperties("payment-router.demo-merchant")
public record DemoMerchantProperties(
    @DefaultValue("false") boolean enabled,
    @DefaultValue("merchant_demo") String id,
    @DefaultValue("Demo merchant") String name,
    String apiKey) {

  @Override
  public String toString() {
    return "DemoMerchantProperties[enabled=" + enabled + ", id=" + id + "]";
  }
}
