package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.intent.domain.CaptureMethod;
import dev.paymentrouter.intent.domain.Money;
import dev.paymentrouter.intent.domain.PaymentMethod;
import dev.paymentrouter.process.Correlation;
import dev.paymentrouter.routing.domain.RoutingRequest;
import java.util.Map;
import java.util.Objects;

/**
 * What a merchant asked for, validated, and the request it came with ({@code correlation}: in memory only, for logs
 * and the provider call; never stored, and not part of what makes two requests the same).
 */
public record CreateRequest(
    String merchantId,
    Money amount,
    PaymentMethod paymentMethod,
    String reference,
    Map<String, String> metadata,
    String idempotencyKey,
    String requestHash,
    CaptureMethod captureMethod,
    Correlation correlation,
    String description) {

  public CreateRequest {
    captureMethod = captureMethod == null ? CaptureMethod.AUTOMATIC : captureMethod;
    correlation = correlation == null ? Correlation.NONE : correlation;
    Objects.requireNonNull(merchantId, "merchantId");
    Objects.requireNonNull(amount, "amount");
    Objects.requireNonNull(paymentMethod, "paymentMethod");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(requestHash, "requestHash");
    metadata = Map.copyOf(metadata);
  }

  /** A request without a description. */
  public CreateRequest(String merchantId, Money amount, PaymentMethod paymentMethod, String reference,
      Map<String, String> metadata, String idempotencyKey, String requestHash, CaptureMethod captureMethod,
      Correlation correlation) {
    this(merchantId, amount, paymentMethod, reference, metadata, idempotencyKey, requestHash, captureMethod,
        correlation, null);
  }

  /** A request that came with no correlation. */
  public CreateRequest(String merchantId, Money amount, PaymentMethod paymentMethod, String reference,
      Map<String, String> metadata, String idempotencyKey, String requestHash, CaptureMethod captureMethod) {
    this(merchantId, amount, paymentMethod, reference, metadata, idempotencyKey, requestHash, captureMethod,
        Correlation.NONE);
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
