package dev.paymentrouter.merchant.domain;

import java.util.Optional;

/**
 * The inbound limit of each merchant, for the limiter at the API's door. Answers from memory (each node's copy of
 * the merchants' settings), so asking costs no database round trip; a change reaches every node within the key
 * cache's TTL.
 */
public interface MerchantLimits {

  /** The merchant's own limit; empty when it has none (then only the router's general limits apply). */
  Optional<InboundLimit> inboundLimit(String merchantId);
}
