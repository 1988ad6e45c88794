package dev.paymentrouter.api;

import dev.paymentrouter.api.ApiProblem.FieldError;
import dev.paymentrouter.intent.runtime.IntentIds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * Reads and validates the bodies of capture, cancel and refund with the field rules of create ({@link JsonFields}),
 * every problem reported at once. Each request's hash covers the operation, the intent and the normalized body:
 * a key replayed with the same meaning (an empty body or {@code {}}, fields in another order) matches, one reused
 * for another operation, intent or amount does not.
 */
final class LifecycleRequestParser {

  /** A capture of {@code amount} (0: all that is authorized). */
  record CaptureRequest(long amount, String hash) {}

  /** A cancel with the merchant's reason, or null. */
  record CancelRequest(String reason, String hash) {}

  /** A refund of {@code amount} (0: all that is left) of the intent {@code paymentIntent}. */
  record RefundRequest(String paymentIntent, long amount, String reason, Map<String, String> metadata, String hash) {}

  /** The longest reason, as Stripe's metadata values: enough for a sentence, short enough to show anywhere. */
  static final int MAX_REASON = 500;

  private static final Set<String> CAPTURE_FIELDS = Set.of("amount");
  private static final Set<String> CANCEL_FIELDS = Set.of("cancellationReason");
  private static final Set<String> REFUND_FIELDS = Set.of("paymentIntent", "amount", "reason", "metadata");

  private LifecycleRequestParser() {}

  /** A capture's body: empty, {@code {}} or {@code {"amount": N}}. */
  static CaptureRequest capture(String intentId, String body) {
    JsonNode root = optionalObject(body);
    List<FieldError> errors = new ArrayList<>();
    JsonFields.unknownFields(root, CAPTURE_FIELDS, "a capture", errors);
    long amount = JsonFields.optionalAmount(root.get("amount"), errors);
    JsonFields.refuseAny(errors);
    return new CaptureRequest(amount, hash("capture", intentId, Map.of("amount", amount)));
  }

  /** A cancel's body: empty, {@code {}} or {@code {"cancellationReason": "..."}}. */
  static CancelRequest cancel(String intentId, String body) {
    JsonNode root = optionalObject(body);
    List<FieldError> errors = new ArrayList<>();
    JsonFields.unknownFields(root, CANCEL_FIELDS, "a cancel", errors);
    String reason = JsonFields.optionalText(root.get("cancellationReason"), "cancellationReason", MAX_REASON, errors);
    JsonFields.refuseAny(errors);
    Map<String, Object> normalized = new LinkedHashMap<>();
    normalized.put("cancellationReason", reason);
    return new CancelRequest(reason, hash("cancel", intentId, normalized));
  }

  /** A refund's body: {@code paymentIntent} required; {@code amount}, {@code reason}, {@code metadata} optional. */
  static RefundRequest refund(String body) {
    JsonNode root = JsonFields.readObject(body);
    List<FieldError> errors = new ArrayList<>();
    JsonFields.unknownFields(root, REFUND_FIELDS, "a refund", errors);
    String intentId = JsonFields.requiredString(root.get("paymentIntent"), "paymentIntent", 64, errors);
    if (intentId != null && !IntentIds.isWellFormed(intentId)) {
      errors.add(new FieldError("paymentIntent", "invalid_id", "must be the id of a payment intent (pi_...)"));
    }
    long amount = JsonFields.optionalAmount(root.get("amount"), errors);
    String reason = JsonFields.optionalText(root.get("reason"), "reason", MAX_REASON, errors);
    Map<String, String> metadata = JsonFields.metadata(root.get("metadata"), errors);
    JsonFields.refuseAny(errors);
    Map<String, Object> normalized = new LinkedHashMap<>();
    normalized.put("amount", amount);
    normalized.put("reason", reason);
    normalized.put("metadata", new TreeMap<>(metadata));
    return new RefundRequest(intentId, amount, reason, metadata, hash("refund", intentId, normalized));
  }

  /** A body that may be left out: none at all means no fields. */
  private static JsonNode optionalObject(String body) {
    return body == null || body.isBlank() ? JsonFields.STRICT.createObjectNode() : JsonFields.readObject(body);
  }

  private static String hash(String operation, String intentId, Map<String, Object> normalized) {
    Map<String, Object> canonical = new LinkedHashMap<>();
    canonical.put("operation", operation);
    canonical.put("paymentIntent", intentId);
    canonical.putAll(normalized);
    return JsonFields.hash(canonical);
  }
}
