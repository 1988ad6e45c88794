package dev.paymentrouter.testsupport;

import dev.paymentrouter.merchant.domain.InboundLimit;
import dev.paymentrouter.merchant.domain.MerchantLimits;
import java.util.Optional;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * Merchants whose id starts with {@value #PREFIX} may send one request a second, one at once; the others have no
 * limit of their own. In place of the merchants' directory (primary), so that a test needs no operator to set it.
 */
@TestConfiguration
public class TightInboundLimits {

  /** The id prefix of the throttled merchants. */
  public static final String PREFIX = "m_tight_";

  @Bean
  @Primary
  MerchantLimits merchantLimits() {
    return merchantId -> merchantId.startsWith(PREFIX) ? Optional.of(new InboundLimit(1, 1)) : Optional.empty();
  }
}
