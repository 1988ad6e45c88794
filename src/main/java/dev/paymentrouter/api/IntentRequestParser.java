package dev.paymentrouter.api;

import static dev.paymentrouter.api.JsonFields.amount;
import static dev.paymentrouter.api.JsonFields.metadata;
import static dev.paymentrouter.api.JsonFields.optionalString;
import static dev.paymentrouter.api.JsonFields.requiredString;

import dev.paymentrouter.api.ApiProblem.FieldError;
import dev.paymentrouter.intent.domain.CaptureMethod;
import dev.paymentrouter.intent.domain.Money;
import dev.paymentrouter.intent.domain.PaymentMethod;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * Reads and validates the body of a create request. Every problem is reported at once, per field; a body that
 * is not a JSON object is refused as a whole. Limits follow what payment APIs commonly accept.
 */
final class IntentRequestParser {

  /** A valid create request, normalized, and the hash that identifies it for idempotency. */
  record ParsedRequest(Money amount, PaymentMethod paymentMethod, String reference, Map<String, String> metadata,
      CaptureMethod captureMethod, String description, String hash) {}

  static final int MAX_REFERENCE = 255;
  /** As long as Stripe lets a PaymentIntent's description be. */
  static final int MAX_DESCRIPTION = 1000;
  static final int MAX_TOKEN = 255;
  /** Provider tokens may carry the provider's own payment-method fields (Adyen's encrypted card fields are long). */
  static final int MAX_PROVIDER_TOKEN = 8192;

  private static final Set<String> FIELDS =
      Set.of("amount", "currency", "paymentMethod", "reference", "metadata", "captureMethod", "description");
  private static final Set<String> METHOD_FIELDS = Set.of("type", "token", "tokens", "country");
  private static final Set<String> METHOD_TYPES = Set.of("card");
  private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());
  private static final List<String> CAPTURE_METHODS =
      Arrays.stream(CaptureMethod.values()).map(CaptureMethod::wireName).toList();

  private final Map<String, String> providers;

  /**
   * A parser that accepts per-provider tokens under these keys, each meaning the provider it maps to (a provider's
   * name, or the type of the only provider of that type).
   */
  IntentRequestParser(Map<String, String> tokenKeys) {
    this.providers = Map.copyOf(tokenKeys);
  }

  /** Parses or throws an {@link ApiProblem} (400 for a body that is not a JSON object, 422 for bad fields). */
  ParsedRequest parse(String body) {
    JsonNode root = JsonFields.readObject(body);
    List<FieldError> errors = new ArrayList<>();
    JsonFields.unknownFields(root, FIELDS, "a payment intent", errors);
    Long amount = amount(root.get("amount"), errors);
    String currency = currency(root.get("currency"), errors);
    PaymentMethod method = paymentMethod(root.get("paymentMethod"), errors);
    String reference = optionalString(root.get("reference"), "reference", MAX_REFERENCE, errors);
    Map<String, String> metadata = metadata(root.get("metadata"), errors);
    CaptureMethod captureMethod = captureMethod(root.get("captureMethod"), errors);
    String description = JsonFields.optionalText(root.get("description"), "description", MAX_DESCRIPTION, errors);
    JsonFields.refuseAny(errors);
    Money money = new Money(amount, currency);
    return new ParsedRequest(money, method, reference, metadata, captureMethod, description,
        hash(money, method, reference, metadata, captureMethod, description));
  }

  /** {@code automatic} (also when absent) or {@code manual}, exactly as spelled: a typo must not charge at once. */
  private static CaptureMethod captureMethod(JsonNode node, List<FieldError> errors) {
    if (node == null || node.isNull()) {
      return CaptureMethod.AUTOMATIC;
    }
    if (node.isString()) {
      for (CaptureMethod method : CaptureMethod.values()) {
        if (method.wireName().equals(node.stringValue())) {
          return method;
        }
      }
    }
    errors.add(new FieldError("captureMethod", "invalid_capture_method", "must be one of " + CAPTURE_METHODS));
    return null;
  }

  private static String currency(JsonNode node, List<FieldError> errors) {
    if (node == null || node.isNull()) {
      errors.add(new FieldError("currency", "required", "is required: an ISO-4217 code such as EUR"));
      return null;
    }
    if (!node.isString()) {
      errors.add(new FieldError("currency", "invalid_type", "must be a string"));
      return null;
    }
    return Money.isoCurrency(node.stringValue()).orElseGet(() -> {
      errors.add(new FieldError("currency", "unknown_currency", "must be an ISO-4217 currency code"));
      return null;
    });
  }

  private PaymentMethod paymentMethod(JsonNode node, List<FieldError> errors) {
    if (node == null || node.isNull()) {
      errors.add(new FieldError("paymentMethod", "required", "is required"));
      return null;
    }
    if (!node.isObject()) {
      errors.add(new FieldError("paymentMethod", "invalid_type", "must be an object"));
      return null;
    }
    int before = errors.size();
    for (String name : node.propertyNames()) {
      if (!METHOD_FIELDS.contains(name)) {
        errors.add(new FieldError("paymentMethod." + name, "unknown_field", "is not a field of a payment method"));
      }
    }
    String type = requiredString(node.get("type"), "paymentMethod.type", 32, errors);
    if (type != null && !METHOD_TYPES.contains(type)) {
      errors.add(new FieldError("paymentMethod.type", "unsupported", "must be one of " + METHOD_TYPES));
    }
    Map<String, String> tokens = tokens(node.get("tokens"), errors);
    // A provider-agnostic token, or tokens per provider, or both: a method without any could go nowhere.
    String token = tokens.isEmpty()
        ? requiredString(node.get("token"), "paymentMethod.token", MAX_TOKEN, errors)
        : optionalString(node.get("token"), "paymentMethod.token", MAX_TOKEN, errors);
    if (token != null && token.isBlank()) {
      errors.add(new FieldError("paymentMethod.token", "required", "must not be blank"));
    }
    String country = optionalString(node.get("country"), "paymentMethod.country", 2, errors);
    if (country != null) {
      country = country.toUpperCase(Locale.ROOT);
      if (!COUNTRIES.contains(country)) {
        errors.add(new FieldError("paymentMethod.country", "invalid_country",
            "must be an ISO 3166-1 alpha-2 country code"));
      }
    }
    return errors.size() == before ? new PaymentMethod(type, token, tokens, country) : null;
  }

  /** {@code paymentMethod.tokens}: a token per configured provider, for cards tokenized at that provider. */
  private Map<String, String> tokens(JsonNode node, List<FieldError> errors) {
    Map<String, String> tokens = new TreeMap<>();
    if (node == null || node.isNull()) {
      return tokens;
    }
    if (!node.isObject()) {
      errors.add(new FieldError("paymentMethod.tokens", "invalid_type",
          "must be an object of tokens by provider name"));
      return tokens;
    }
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      String field = "paymentMethod.tokens." + entry.getKey();
      String provider = providers.get(entry.getKey());
      if (provider == null) {
        // A misspelt provider would silently leave that provider without its token.
        errors.add(new FieldError(field, "unknown_provider", "is neither a configured provider nor the type of "
            + "exactly one; known: " + new TreeSet<>(providers.keySet())));
        continue;
      }
      String token = requiredString(entry.getValue(), field, MAX_PROVIDER_TOKEN, errors);
      if (token != null && tokens.putIfAbsent(provider, token) != null) {
        errors.add(new FieldError(field, "duplicate_provider",
            "names provider '" + provider + "' a second time (by its name and by its type)"));
      }
    }
    return tokens;
  }

  /** Identifies the request's meaning, not its spelling: key order and whitespace do not change it. */
  private static String hash(Money amount, PaymentMethod method, String reference, Map<String, String> metadata,
      CaptureMethod captureMethod, String description) {
    Map<String, Object> canonical = new LinkedHashMap<>();
    canonical.put("amount", amount.amountMinor());
    canonical.put("currency", amount.currency());
    canonical.put("type", method.type());
    canonical.put("token", method.token());
    if (!method.tokens().isEmpty()) {
      // Only when present, so that a request without them keeps the hash it had before they existed.
      canonical.put("tokens", new TreeMap<>(method.tokens()));
    }
    canonical.put("country", method.country());
    canonical.put("reference", reference);
    canonical.put("metadata", new TreeMap<>(metadata));
    if (captureMethod == CaptureMethod.MANUAL) {
      // Likewise: a key stored before capture methods existed, replayed, still matches its automatic request.
      canonical.put("captureMethod", captureMethod.wireName());
    }
    if (description != null) {
      // Likewise: only when given.
      canonical.put("description", description);
    }
    return JsonFields.hash(canonical);
  }
}
