package dev.paymentrouter.routing.domain;

import java.util.Map;

/**
 * The facts of an intent that routing may look at.
 *
 * @param intentId          the intent (stable input for deterministic splits)
 * @param merchantId        the merchant
 * @param amountMinor       amount in minor units
 * @param currency          ISO-4217 code
 * @param paymentMethodType e.g. {@code card}
 * @param country           card country (ISO 3166-1 alpha-2) or null
 * @param metadata          the merchant's metadata
 */
public record RoutingRequest(
    String intentId,
    String merchantId,
    long amountMinor,
    String currency,
    String paymentMethodType,
    String country,
    Map<String, String> metadata) {

  public RoutingRequest {
    metadata = Map.copyOf(metadata);
  }
}
