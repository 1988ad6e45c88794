package dev.paymentrouter.merchant.runtime;

import dev.paymentrouter.merchant.domain.ApiKeys;
import dev.paymentrouter.merchant.domain.Merchant;
import java.security.SecureRandom;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seeds the demo merchant and prints its API key. Runs once at start-up, before readiness turns up; the
 * key is shown because this merchant exists only in local and demo stacks.
 */
public final class DemoMerchantSeeder {

  private static final Logger log = LoggerFactory.getLogger(DemoMerchantSeeder.class);

  private final MerchantStore merchants;
  private final DemoMerchantProperties properties;

  public DemoMerchantSeeder(MerchantStore merchants, DemoMerchantProperties properties) {
    this.merchants = merchants;
    this.properties = properties;
  }

  /** Creates the merchant and registers its key; returns the key. */
  public String seed() {
    String key = properties.apiKey() == null || properties.apiKey().isBlank()
        ? ApiKeys.generate(new SecureRandom())
        : properties.apiKey().trim();
    if (!ApiKeys.isWellFormed(key)) {
      throw new IllegalStateException("payment-router.demo-merchant.api-key must look like sk_ followed by "
          + "16 to 128 letters or digits");
    }
    Merchant merchant = new Merchant(properties.id(), properties.name());
    merchants.ensureMerchant(merchant)
        .then(merchants.addKey(merchant.id(), ApiKeys.hash(key), ApiKeys.displayPrefix(key)))
        .block(Duration.ofSeconds(30));
    log.info("Demo merchant {} ready", merchant.id());
    System.out.println("API key: " + key);
    return key;
  }
}
