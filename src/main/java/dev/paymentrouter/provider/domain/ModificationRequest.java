package dev.paymentrouter.provider.domain;

import java.util.Objects;

/**
 * A change to a payment the provider already holds: capture (part of) an authorization, cancel (void) it, or refund
 * (part of) a captured charge. Complete on its own, so a retry or a replay of it is safe: the provider sees the same
 * request under the same idempotency key, and moves the money at most once.
 *
 * @param kind              what to do
 * @param intentId          the intent the payment belongs to
 * @param provider          the provider that holds the payment (a modification never fails over)
 * @param idempotencyKey    this modification's own provider-side idempotency key, also our reference for it
 * @param paymentReference  the provider's id of the payment (Stripe's {@code pi_...}, Adyen's pspReference)
 * @param paymentKey        the idempotency key the payment was made under (our reference of the charge)
 * @param amountMinor       the amount to capture or refund, in minor units; for a cancel, the authorized amount
 * @param currency          ISO-4217 code of the payment
 * @param reason            why (a refund's or cancellation's reason, as the merchant gave it), or null
 */
public record ModificationRequest(
    Kind kind,
    String intentId,
    String provider,
    String idempotencyKey,
    String paymentReference,
    String paymentKey,
    long amountMinor,
    String currency,
    String reason) {

  /** What a modification does to the payment. */
  public enum Kind {
    /** Take (part of) the authorized amount; the rest of the authorization is released. */
    CAPTURE,
    /** Release the whole authorization; nothing is taken. */
    CANCEL,
    /** Give (part of) a captured amount back. */
    REFUND
  }

  public ModificationRequest {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(intentId, "intentId");
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(paymentReference, "paymentReference");
    Objects.requireNonNull(paymentKey, "paymentKey");
    Objects.requireNonNull(currency, "currency");
    if (amountMinor <= 0) {
      throw new IllegalArgumentException("amountMinor must be > 0");
    }
  }
}
