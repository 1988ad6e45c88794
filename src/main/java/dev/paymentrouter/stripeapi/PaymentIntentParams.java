package dev.paymentrouter.stripeapi;

import dev.paymentrouter.intent.domain.CaptureMethod;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The parameters of Stripe's PaymentIntent operations the door serves (create, update, confirm, capture, cancel, list:
 * PostPaymentIntents, PostPaymentIntentsIntent, ...Confirm, ...Capture, ...Cancel, GetPaymentIntents of Stripe's
 * OpenAPI spec), read and checked. A parameter is taken, taken and ignored (it changes nothing the router does:
 * {@code expand}, {@code return_url}, {@code receipt_email}...), refused as not supported with the reason (Customers,
 * saved PaymentMethods, 3-D Secure options, Connect), or refused as unknown, as Stripe refuses it.
 */
final class PaymentIntentParams {

  /** A create: a PaymentIntent, confirmed at once when {@code confirm}. */
  record Create(long amount, String currency, String paymentMethod, boolean confirm, CaptureMethod captureMethod,
      Map<String, String> metadata, String description, String hash) {

    @Override
    public String toString() {
      return "Create[" + amount + " " + currency + ", confirm=" + confirm + "]";
    }
  }

  /** A confirmation, with the payment method it names or null (the PaymentIntent's own). */
  record Confirm(String paymentMethod, String hash) {

    @Override
    public String toString() {
      return "Confirm[payment method given=" + (paymentMethod != null) + "]";
    }
  }

  /** A capture of {@code amount} (0: all that is capturable). */
  record Capture(long amount, String hash) {}

  /** A cancel with Stripe's reason, or null. */
  record Cancel(String reason, String hash) {}

  /** Which PaymentIntents a list page holds. */
  record ListQuery(int limit, String startingAfter, String endingBefore, Instant createdGte, Instant createdLt) {}

  /** Taken and ignored: nothing the router does depends on them. */
  private static final Set<String> IGNORED = Set.of("expand", "return_url", "off_session",
      "error_on_requires_action", "confirmation_method", "use_stripe_sdk", "statement_descriptor",
      "statement_descriptor_suffix", "receipt_email", "shipping", "automatic_payment_methods");

  /** Stripe's parameters the router does not take, and why: these change what a payment is, and silence would lie. */
  private static final Map<String, String> UNSUPPORTED = Map.ofEntries(
      Map.entry("customer", "Customers are not supported; the router keeps no customers"),
      Map.entry("setup_future_usage", "saving payment methods to Customers is not supported"),
      Map.entry("payment_method_data", "PaymentMethod objects are not supported; send payment_method"),
      Map.entry("confirmation_token", "ConfirmationTokens are not supported; send payment_method"),
      Map.entry("payment_method_options", "payment method options (3-D Secure among them) are not supported"),
      Map.entry("payment_method_configuration", "payment method configurations are not supported"),
      Map.entry("mandate", "mandates are not supported"),
      Map.entry("mandate_data", "mandates are not supported"),
      Map.entry("radar_options", "Radar is not supported"),
      Map.entry("on_behalf_of", "Connect is not supported"),
      Map.entry("transfer_data", "Connect is not supported"),
      Map.entry("transfer_group", "Connect is not supported"),
      Map.entry("application_fee_amount", "Connect is not supported"));

  private static final Map<String, CaptureMethod> CAPTURE_METHODS = Map.of(
      "automatic", CaptureMethod.AUTOMATIC,
      // Stripe's default of late: captured at once, the charge's details settled later. The router captures at once.
      "automatic_async", CaptureMethod.AUTOMATIC,
      "manual", CaptureMethod.MANUAL);
  private static final Set<String> CANCELLATION_REASONS =
      Set.of("abandoned", "duplicate", "fraudulent", "requested_by_customer");

  private PaymentIntentParams() {}

  /** {@code POST /v1/payment_intents}. */
  static Create create(StripeParams params) {
    check(params, Set.of("amount", "currency", "payment_method", "confirm", "capture_method", "metadata",
        "description", "payment_method_types"));
    paymentMethodTypes(params);
    long amount = StripeFields.amount(params, "amount");
    String currency = StripeFields.currency(params);
    String paymentMethod = StripeFields.text(params, "payment_method", StripeFields.MAX_PAYMENT_METHOD);
    boolean confirm = StripeFields.bool(params, "confirm", false);
    CaptureMethod captureMethod = captureMethod(params);
    // At create, a key given empty is no key at all.
    Map<String, String> metadata = new TreeMap<>(StripeFields.metadata(params));
    metadata.values().removeIf(String::isEmpty);
    String description = StripeFields.text(params, "description", StripeFields.MAX_DESCRIPTION);
    Map<String, Object> fields = new HashMap<>();
    fields.put("amount", amount);
    fields.put("currency", currency);
    fields.put("payment_method", paymentMethod);
    fields.put("confirm", confirm);
    fields.put("capture_method", captureMethod.wireName());
    fields.put("metadata", metadata);
    fields.put("description", description);
    return new Create(amount, currency, paymentMethod, confirm, captureMethod, metadata, description,
        StripeFields.hash("create_payment_intent", fields));
  }

  /**
   * {@code POST /v1/payment_intents/{id}}: what changes. On a PaymentIntent that was confirmed only its metadata and
   * description may change (the handler refuses the rest).
   */
  static StripeDrafts.Change update(StripeParams params) {
    check(params, Set.of("amount", "currency", "payment_method", "capture_method", "metadata", "description",
        "payment_method_types"));
    paymentMethodTypes(params);
    Map<String, String> given = StripeFields.metadata(params);
    Map<String, String> put = new TreeMap<>();
    Set<String> removed = new TreeSet<>();
    given.forEach((key, value) -> {
      if (value.isEmpty()) {
        removed.add(key);
      } else {
        put.put(key, value);
      }
    });
    String descriptionText = params.text("description");
    boolean clearDescription = descriptionText != null && descriptionText.isEmpty();
    CaptureMethod captureMethod = params.has("capture_method") ? captureMethod(params) : null;
    return new StripeDrafts.Change(StripeFields.optionalAmount(params, "amount"),
        StripeFields.optionalCurrency(params), captureMethod,
        StripeFields.text(params, "payment_method", StripeFields.MAX_PAYMENT_METHOD), put, removed,
        params.cleared("metadata"), StripeFields.text(params, "description", StripeFields.MAX_DESCRIPTION),
        clearDescription);
  }

  /** {@code POST /v1/payment_intents/{id}/confirm}. */
  static Confirm confirm(String intentId, StripeParams params) {
    check(params, Set.of("payment_method", "payment_method_types"));
    paymentMethodTypes(params);
    String paymentMethod = StripeFields.text(params, "payment_method", StripeFields.MAX_PAYMENT_METHOD);
    Map<String, Object> fields = new HashMap<>();
    fields.put("payment_intent", intentId);
    fields.put("payment_method", paymentMethod);
    return new Confirm(paymentMethod, StripeFields.hash("confirm_payment_intent", fields));
  }

  /** {@code POST /v1/payment_intents/{id}/capture}. */
  static Capture capture(String intentId, StripeParams params) {
    check(params, Set.of("amount_to_capture"));
    Long amount = StripeFields.optionalAmount(params, "amount_to_capture");
    Map<String, Object> fields = new HashMap<>();
    fields.put("payment_intent", intentId);
    fields.put("amount_to_capture", amount);
    return new Capture(amount == null ? 0 : amount, StripeFields.hash("capture_payment_intent", fields));
  }

  /** {@code POST /v1/payment_intents/{id}/cancel}. */
  static Cancel cancel(String intentId, StripeParams params) {
    check(params, Set.of("cancellation_reason"));
    String reason = StripeFields.oneOf(params, "cancellation_reason", CANCELLATION_REASONS);
    Map<String, Object> fields = new HashMap<>();
    fields.put("payment_intent", intentId);
    fields.put("cancellation_reason", reason);
    return new Cancel(reason, StripeFields.hash("cancel_payment_intent", fields));
  }

  /** {@code GET /v1/payment_intents}. */
  static ListQuery list(StripeParams params) {
    StripeFields.refuseOthers(params, Set.of("limit", "starting_after", "ending_before", "created"),
        StripeFields.EXPAND, UNSUPPORTED);
    String startingAfter = StripeFields.cursor(params, "starting_after");
    String endingBefore = StripeFields.cursor(params, "ending_before");
    if (startingAfter != null && endingBefore != null) {
      throw StripeApiError.invalid("parameter_invalid_string", "ending_before",
          "You may only specify one of these parameters: starting_after, ending_before.");
    }
    Instant[] created = created(params);
    return new ListQuery(StripeFields.limit(params), startingAfter, endingBefore, created[0], created[1]);
  }

  /**
   * {@code created}: Unix seconds, exactly ({@code created=T}) or as a range ({@code created[gte]=T},
   * {@code [gt]}, {@code [lte]}, {@code [lt]}); as the half-open range {@code [from, until)} of the router's list, a
   * bound null when open.
   */
  private static Instant[] created(StripeParams params) {
    if (!params.has("created")) {
      return new Instant[2];
    }
    String exact = params.hash("created").isEmpty() ? params.text("created") : null;
    if (exact != null && !exact.isEmpty()) {
      Instant at = StripeFields.seconds("created", exact);
      return new Instant[] {at, at.plusSeconds(1)};
    }
    Instant from = null;
    Instant until = null;
    for (Map.Entry<String, String> bound : params.hash("created").entrySet()) {
      String param = "created[" + bound.getKey() + "]";
      Instant at = StripeFields.seconds(param, bound.getValue());
      switch (bound.getKey()) {
        case "gte" -> from = at;
        case "gt" -> from = at.plusSeconds(1);
        case "lt" -> until = at;
        case "lte" -> until = at.plusSeconds(1);
        default -> throw StripeApiError.unknownParameter(param);
      }
    }
    return new Instant[] {from, until};
  }

  /** Only cards: the router's providers charge cards ({@code payment_method_types[0]=card}). */
  private static void paymentMethodTypes(StripeParams params) {
    List<String> types = params.array("payment_method_types");
    if (types.stream().anyMatch(type -> !type.equals("card"))) {
      throw StripeApiError.invalidValue("parameter_invalid_string", "payment_method_types",
          "payment-router's Stripe-compatible API takes card payments only: payment_method_types may only be card.");
    }
  }

  private static CaptureMethod captureMethod(StripeParams params) {
    String text = params.text("capture_method");
    if (text == null || text.isEmpty()) {
      return CaptureMethod.AUTOMATIC;
    }
    CaptureMethod method = CAPTURE_METHODS.get(text);
    if (method == null) {
      throw StripeApiError.invalidValue("parameter_invalid_string", "capture_method",
          "Invalid capture_method: must be one of " + new TreeSet<>(CAPTURE_METHODS.keySet()));
    }
    return method;
  }

  private static void check(StripeParams params, Set<String> taken) {
    StripeFields.refuseOthers(params, taken, IGNORED, UNSUPPORTED);
  }
}
