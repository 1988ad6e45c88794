package dev.paymentrouter.merchant.domain;

import java.util.Optional;

/** Each merchant's limits as configured; empty where a merchant has none. */
public interface MerchantLimits {

  /** The merchant's inbound request limit, across all replicas; empty for no limit. */
  Optional<InboundLimit> inboundLimit(String merchantId);
}
