package dev.paymentrouter.provider.connector.adyen;

import dev.paymentrouter.provider.domain.ModificationRequest;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One capture, cancel or refund as Adyen gets it (Checkout API v71, {@code POST /payments/{paymentPspReference}/...}):
 * the path, the idempotency key and the body. All are pure functions of the modification, so a replay is byte for
 * byte the first request under the same key, which Adyen answers from its store and never carries out twice.
 *
 * @param path           the path under the configured Checkout root
 * @param idempotencyKey the {@code Idempotency-Key} header, at most 64 characters
 * @param body           the JSON body
 */
record AdyenModificationRequest(String path, String idempotencyKey, byte[] body) {

  /**
   * What may stand in the path for the payment. Adyen's pspReferences are 16 alphanumeric characters; anything else
   * from the unreserved URI characters is let through (a simulator's ids), nothing that would change the path.
   */
  static final Pattern PAYMENT_REFERENCE = Pattern.compile("[A-Za-z0-9._~-]{1,64}");

  /**
   * Adyen's {@code merchantRefundReason} values (PaymentRefundRequest), by the spellings a merchant may give them:
   * Adyen's own, or the names other providers use for the same reasons. Any other reason is not sent: the field is
   * optional, and a value Adyen would refuse must not cost the refund.
   */
  static final Map<String, String> REFUND_REASONS = Map.of(
      "fraud", "FRAUD",
      "fraudulent", "FRAUD",
      "customer request", "CUSTOMER REQUEST",
      "requested by customer", "CUSTOMER REQUEST",
      "return", "RETURN",
      "duplicate", "DUPLICATE",
      "other", "OTHER");

  /**
   * The request for {@code modification}, booked to {@code merchantAccount}; empty when the payment reference cannot
   * name an Adyen payment (then nothing is sent).
   */
  static Optional<AdyenModificationRequest> of(ModificationRequest modification, String merchantAccount,
      JsonMapper json) {
    if (!PAYMENT_REFERENCE.matcher(modification.paymentReference()).matches()) {
      return Optional.empty();
    }
    ObjectNode body = json.createObjectNode();
    body.put("merchantAccount", merchantAccount);
    String operation = switch (modification.kind()) {
      case CAPTURE -> {
        // Less than authorized releases the rest (unless the account allows several partial captures).
        amount(body, modification);
        yield "captures";
      }
      // A cancel takes no amount: it releases the whole authorization.
      case CANCEL -> "cancels";
      case REFUND -> {
        amount(body, modification);
        yield "refunds";
      }
    };
    // The modification's own key, as the payment's is: Adyen's webhook for it names this reference.
    body.put("reference", AdyenPaymentRequest.reference(modification.idempotencyKey()));
    if (modification.kind() == ModificationRequest.Kind.REFUND) {
      refundReason(modification.reason()).ifPresent(reason -> body.put("merchantRefundReason", reason));
    }
    String path = "/v71/payments/" + modification.paymentReference() + "/" + operation;
    return Optional.of(new AdyenModificationRequest(path,
        AdyenPaymentRequest.idempotencyKey(modification.idempotencyKey()), json.writeValueAsBytes(body)));
  }

  /** Adyen's value for a merchant's refund reason, if it names one of Adyen's. */
  static Optional<String> refundReason(String reason) {
    if (reason == null) {
      return Optional.empty();
    }
    String normalized = reason.strip().replace('_', ' ').replace('-', ' ').toLowerCase(Locale.ROOT);
    return Optional.ofNullable(REFUND_REASONS.get(normalized));
  }

  private static void amount(ObjectNode body, ModificationRequest modification) {
    ObjectNode amount = body.putObject("amount");
    amount.put("value", modification.amountMinor());
    amount.put("currency", modification.currency());
  }

  @Override
  public String toString() {
    return "AdyenModificationRequest[" + path + ", " + idempotencyKey + "]";
  }
}
