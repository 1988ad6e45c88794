package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.intent.domain.CaptureMethod;
import dev.paymentrouter.intent.domain.Money;
import dev.paymentrouter.intent.domain.PaymentMethod;
import dev.paymentrouter.routing.domain.RoutingRequest;
import java.util.Map;
import java.util.Objects;

/** What a merchant asked for, validated. */
public record CreateRequest(
    String merchantId,
    Money amount,
    PaymentMethod paymentMethod,
    String reference,
    Map<String, String> metadata,
    String idempotencyKey,
    String requestHash,
    CaptureMethod captureMethod) {

  public CreateRequest {
    captureMethod = captureMethod == null ? CaptureMethod.AUTOMATIC : captureMethod;
    Objects.requireNonNull(merchantId, "merchantId");
    Objects.requireNonNull(amount, "amount");
    Objects.requireNonNull(paymentMethod, "paymentMethod");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(requestHash, "requestHash");
    metadata = Map.copyOf(metadata);
  }

  /** A request captured at once. */
  public CreateRequest(String merchantId, Money amount, PaymentMethod paymentMethod, String reference,
      Map<String, String> metadata, String idempotencyKey, String requestHash) {
    this(merchantId, amount, paymentMethod, reference, metadata, idempotencyKey, requestHash,
        CaptureMethod.AUTOMATIC);
  }

  /** What routing sees of it, for the intent {@code intentId}. */
  RoutingRequest routingRequest(String intentId) {
    return new RoutingRequest(intentId, merchantId, amount.amountMinor(), amount.currency(), paymentMethod.type(),
        paymentMethod.country(), metadata);
  }
}
