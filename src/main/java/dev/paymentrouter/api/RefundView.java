package dev.paymentrouter.api;

import dev.paymentrouter.intent.domain.Modification;
import dev.paymentrouter.intent.runtime.IntentLifecycle.StoredRefund;
import java.time.Instant;
import java.util.Map;

/**
 * A refund as the API shows it (the shape of Stripe's Refund). Its {@code status} is {@code succeeded} once the money
 * went back, {@code failed} when the provider refused it and nothing moved, and {@code pending} while the router
 * waits for the provider or reconciles an unknown outcome: that money may still go back, so it already counts
 * against what is left to refund.
 */
record RefundView(
    String id,
    String paymentIntent,
    long amount,
    String currency,
    String status,
    String failureCode,
    String reason,
    Map<String, String> metadata,
    Instant createdAt,
    Instant updatedAt) {

  static RefundView of(StoredRefund stored) {
    return of(stored.intentId(), stored.currency(), stored.refund());
  }

  static RefundView of(String intentId, String currency, Modification refund) {
    return new RefundView(refund.id(), intentId, refund.amountMinor(), currency, status(refund.status()),
        refund.failureCode(), refund.reason(), refund.metadata(), refund.createdAt(), refund.updatedAt());
  }

  private static String status(Modification.Status status) {
    return switch (status) {
      case SUCCEEDED -> "succeeded";
      case FAILED -> "failed";
      // Unknown is the router's own doubt, not a state of the refund: to the merchant it is still on its way.
      case IN_FLIGHT, PENDING, UNKNOWN -> "pending";
    };
  }
}
