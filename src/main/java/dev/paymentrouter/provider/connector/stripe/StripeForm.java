package dev.paymentrouter.provider.connector.stripe;

import dev.paymentrouter.provider.domain.ModificationRequest;
import dev.paymentrouter.provider.domain.ProviderRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * What the connector writes to Stripe: the forms of a charge, a capture, a cancel and a refund, and the paths it
 * reads. Each form is a pure function of its request, field by field in a fixed order, so a replay under the same
 * idempotency key is byte-identical to the original (Stripe refuses a key reused with other parameters).
 */
final class StripeForm {

  /** Metadata key holding the intent's id, for people reading Stripe's dashboard. */
  static final String INTENT_METADATA = "payment_router_intent";

  /** Metadata key holding the attempt's idempotency key: what the reconciliation searches by. */
  static final String ATTEMPT_METADATA = "payment_router_attempt";

  /**
   * Metadata key holding a refund's or a capture's own idempotency key: what the reconciliation of a refund matches
   * on, and what names our capture in the PaymentIntent's {@code payment_intent.succeeded} notification.
   */
  static final String MODIFICATION_METADATA = "payment_router_modification";

  /** Stripe's {@code cancellation_reason} values; any other reason is left out rather than refused by Stripe. */
  static final Set<String> CANCELLATION_REASONS =
      Set.of("abandoned", "duplicate", "fraudulent", "requested_by_customer");

  /** Stripe's refund {@code reason} values; any other reason is left out rather than refused by Stripe. */
  static final Set<String> REFUND_REASONS = Set.of("duplicate", "fraudulent", "requested_by_customer");

  /** How many refunds one page of the refund list holds: Stripe's maximum, so one page nearly always suffices. */
  static final int REFUND_PAGE = 100;

  private StripeForm() {}

  /**
   * The PaymentIntent to create and confirm in one call. {@code automatic_payment_methods[allow_redirects]=never}
   * is there because a server-side confirmation without a {@code return_url} is refused (for every payment) when
   * the account has redirect-based methods enabled; the router drives no redirects, so it asks for none.
   */
  static byte[] paymentIntent(ProviderRequest request) {
    return encode(List.of(
        Map.entry("amount", Long.toString(request.amountMinor())),
        Map.entry("currency", request.currency().toLowerCase(Locale.ROOT)),
        Map.entry("payment_method", request.paymentToken()),
        Map.entry("confirm", "true"),
        // manual: authorize only; Stripe answers requires_capture, which the table reads as approved (funds held).
        Map.entry("capture_method", request.manualCapture() ? "manual" : "automatic"),
        Map.entry("automatic_payment_methods[enabled]", "true"),
        Map.entry("automatic_payment_methods[allow_redirects]", "never"),
        Map.entry("metadata[" + INTENT_METADATA + "]", request.intentId()),
        Map.entry("metadata[" + ATTEMPT_METADATA + "]", request.idempotencyKey())))
        .getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * {@code POST /v1/payment_intents/{id}/capture}: the amount to take; Stripe releases the rest of the authorization.
   * Always written, even for the full amount, so the form says exactly what the router recorded. The capture's key
   * goes into the PaymentIntent's metadata (the operation PostPaymentIntentsIntentCapture takes {@code metadata}), so
   * that the {@code payment_intent.succeeded} notification names the capture it confirms.
   */
  static byte[] capture(ModificationRequest request) {
    return encode(List.of(
        Map.entry("amount_to_capture", Long.toString(request.amountMinor())),
        Map.entry("metadata[" + MODIFICATION_METADATA + "]", request.idempotencyKey())))
        .getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * {@code POST /v1/payment_intents/{id}/cancel}: the merchant's reason when Stripe knows it, else an empty form.
   * The operation (PostPaymentIntentsIntentCancel) takes no metadata, so {@code payment_intent.canceled} names only
   * the attempt; the intent's owner matches it to its open cancel.
   */
  static byte[] cancel(ModificationRequest request) {
    return request.reason() != null && CANCELLATION_REASONS.contains(request.reason())
        ? encode(List.of(Map.entry("cancellation_reason", request.reason()))).getBytes(StandardCharsets.US_ASCII)
        : new byte[0];
  }

  /**
   * {@code POST /v1/refunds}: part or all of the PaymentIntent's captured amount, with our keys in its metadata so
   * that the refund can be found again in the PaymentIntent's refund list when the key is no longer kept.
   */
  static byte[] refund(ModificationRequest request) {
    List<Map.Entry<String, String>> fields = new ArrayList<>();
    fields.add(Map.entry("payment_intent", request.paymentReference()));
    fields.add(Map.entry("amount", Long.toString(request.amountMinor())));
    if (request.reason() != null && REFUND_REASONS.contains(request.reason())) {
      fields.add(Map.entry("reason", request.reason()));
    }
    fields.add(Map.entry("metadata[" + INTENT_METADATA + "]", request.intentId()));
    fields.add(Map.entry("metadata[" + MODIFICATION_METADATA + "]", request.idempotencyKey()));
    return encode(fields).getBytes(StandardCharsets.US_ASCII);
  }

  /** Where a modification is posted. */
  static String modificationPath(ModificationRequest request) {
    return switch (request.kind()) {
      case CAPTURE -> retrievePath(request.paymentReference()) + "/capture";
      case CANCEL -> retrievePath(request.paymentReference()) + "/cancel";
      case REFUND -> "/v1/refunds";
    };
  }

  /** The form of a modification. */
  static byte[] modification(ModificationRequest request) {
    return switch (request.kind()) {
      case CAPTURE -> capture(request);
      case CANCEL -> cancel(request);
      case REFUND -> refund(request);
    };
  }

  /** {@code GET} path of one page of a PaymentIntent's refunds, newest first; {@code after} is the last id seen. */
  static String refundListPath(String paymentIntentId, String after) {
    String path = "/v1/refunds?payment_intent=" + URLEncoder.encode(paymentIntentId, StandardCharsets.UTF_8)
        + "&limit=" + REFUND_PAGE;
    return after == null ? path : path + "&starting_after=" + URLEncoder.encode(after, StandardCharsets.UTF_8);
  }

  /** {@code GET} path of one PaymentIntent. */
  static String retrievePath(String paymentIntentId) {
    return "/v1/payment_intents/" + URLEncoder.encode(paymentIntentId, StandardCharsets.UTF_8);
  }

  /**
   * {@code GET} path of the search for PaymentIntents created under one attempt's key. In Stripe's search query
   * language a value is quoted and a quote inside it is escaped with a backslash (so is a backslash).
   */
  static String searchPath(String reference) {
    String value = reference.replace("\\", "\\\\").replace("'", "\\'");
    String query = "metadata['" + ATTEMPT_METADATA + "']:'" + value + "'";
    return "/v1/payment_intents/search?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8);
  }

  /**
   * Form encoding with Stripe's bracket notation for nested fields. Keys keep their brackets readable (Stripe's own
   * libraries do the same), every value is percent-encoded as UTF-8.
   */
  static String encode(List<Map.Entry<String, String>> fields) {
    StringJoiner form = new StringJoiner("&");
    for (Map.Entry<String, String> field : fields) {
      String key = URLEncoder.encode(field.getKey(), StandardCharsets.UTF_8).replace("%5B", "[").replace("%5D", "]");
      form.add(key + "=" + URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8));
    }
    return form.toString();
  }
}
