package dev.paymentrouter.provider.domain;

import java.util.Objects;

/**
 * One authorization to send to one provider. Complete on its own, so a retry or a replay of it is safe.
 *
 * @param intentId       the intent the charge belongs to
 * @param attemptNumber  which attempt of that intent this is (1-based)
 * @param provider       the provider that must receive it
 * @param idempotencyKey the provider-side idempotency key; also our reference for status queries
 * @param amountMinor    amount in minor units of {@code currency}
 * @param currency       ISO-4217 code
 * @param paymentToken   the tokenized payment method; never logged
 * @param manualCapture  authorize only: the funds are held until a capture (or released by a cancel); otherwise the
 *                       provider authorizes and captures at once
 */
public record ProviderRequest(
    String intentId,
    int attemptNumber,
    String provider,
    String idempotencyKey,
    long amountMinor,
    String currency,
    String paymentToken,
    boolean manualCapture) {

  /** An authorization captured at once. */
  public ProviderRequest(String intentId, int attemptNumber, String provider, String idempotencyKey,
      long amountMinor, String currency, String paymentToken) {
    this(intentId, attemptNumber, provider, idempotencyKey, amountMinor, currency, paymentToken, false);
  }

  public ProviderRequest {
    Objects.requireNonNull(intentId, "intentId");
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(currency, "currency");
    Objects.requireNonNull(paymentToken, "paymentToken");
    if (attemptNumber < 1) {
      throw new IllegalArgumentException("attemptNumber must be >= 1");
    }
    if (amountMinor <= 0) {
      throw new IllegalArgumentException("amountMinor must be > 0");
    }
  }

  @Override
  public String toString() {
    // The token stays out of logs and exception messages.
    return "ProviderRequest[" + idempotencyKey + " -> " + provider + ", " + amountMinor + " " + currency + "]";
  }
}
