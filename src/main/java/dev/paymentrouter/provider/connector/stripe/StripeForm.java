package dev.paymentrouter.provider.connector.stripe;

import dev.paymentrouter.provider.domain.ProviderRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * What the connector writes to Stripe: the form of {@code POST /v1/payment_intents} and the paths it reads. The form
 * is a pure function of the request, field by field in a fixed order, so a replay under the same idempotency key is
 * byte-identical to the original (Stripe refuses a key reused with other parameters).
 */
final class StripeForm {

  /** Metadata key holding the intent's id, for people reading Stripe's dashboard. */
  static final String INTENT_METADATA = "payment_router_intent";

  /** Metadata key holding the attempt's idempotency key: what the reconciliation searches by. */
  static final String ATTEMPT_METADATA = "payment_router_attempt";

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
