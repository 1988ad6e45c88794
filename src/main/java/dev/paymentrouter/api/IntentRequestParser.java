package dev.paymentrouter.api;

import dev.paymentrouter.api.ApiProblem.FieldError;
import dev.paymentrouter.intent.domain.Money;
import dev.paymentrouter.intent.domain.PaymentMethod;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springframework.http.HttpStatus;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads and validates the body of a create request. Every problem is reported at once, per field; a body that
 * is not a JSON object is refused as a whole. Limits follow what payment APIs commonly accept.
 */
final class IntentRequestParser {

  /** A valid create request, normalized, and the hash that identifies it for idempotency. */
  record ParsedRequest(
      Money amount, PaymentMethod paymentMethod, String reference, Map<String, String> metadata, String hash) {}

  static final long MAX_AMOUNT = 999_999_999_999L;
  static final int MAX_REFERENCE = 255;
  static final int MAX_TOKEN = 255;
  /** Provider tokens may carry the provider's own payment-method fields (Adyen's encrypted card fields are long). */
  static final int MAX_PROVIDER_TOKEN = 8192;
  static final int MAX_METADATA_ENTRIES = 50;
  static final int MAX_METADATA_KEY = 40;
  static final int MAX_METADATA_VALUE = 500;

  private static final String UNSTORABLE =
      "must not contain U+0000 (NUL) or an unpaired UTF-16 surrogate";

  private static final Set<String> FIELDS = Set.of("amount", "currency", "paymentMethod", "reference", "metadata");
  private static final Set<String> METHOD_FIELDS = Set.of("type", "token", "tokens", "country");
  private static final Set<String> METHOD_TYPES = Set.of("card");
  private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());

  private final Map<String, String> providers;
  private final JsonMapper strict = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  /**
   * A parser that accepts per-provider tokens under these keys, each meaning the provider it maps to (a provider's
   * name, or the type of the only provider of that type).
   */
  IntentRequestParser(Map<String, String> tokenKeys) {
    this.providers = Map.copyOf(tokenKeys);
  }

  /** Parses or throws an {@link ApiProblem} (400 for a body that is not a JSON object, 422 for bad fields). */
  ParsedRequest parse(String body) {
    JsonNode root = readObject(body);
    List<FieldError> errors = new ArrayList<>();
    for (String name : root.propertyNames()) {
      if (!FIELDS.contains(name)) {
        errors.add(new FieldError(name, "unknown_field", "is not a field of a payment intent"));
      }
    }
    Long amount = amount(root.get("amount"), errors);
    String currency = currency(root.get("currency"), errors);
    PaymentMethod method = paymentMethod(root.get("paymentMethod"), errors);
    String reference = optionalString(root.get("reference"), "reference", MAX_REFERENCE, errors);
    Map<String, String> metadata = metadata(root.get("metadata"), errors);
    if (!errors.isEmpty()) {
      throw ApiProblem.invalidFields(HttpStatus.UNPROCESSABLE_CONTENT, errors);
    }
    Money money = new Money(amount, currency);
    return new ParsedRequest(money, method, reference, metadata, hash(money, method, reference, metadata));
  }

  private JsonNode readObject(String body) {
    if (body == null || body.isBlank()) {
      throw ApiProblem.of(HttpStatus.BAD_REQUEST, "malformed_json", "Malformed request body",
          "the request body must be a JSON object");
    }
    JsonNode root;
    try {
      root = strict.readTree(body);
    } catch (JacksonException e) {
      throw ApiProblem.of(HttpStatus.BAD_REQUEST, "malformed_json", "Malformed request body",
          "the request body is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw ApiProblem.of(HttpStatus.BAD_REQUEST, "malformed_json", "Malformed request body",
          "the request body must be a JSON object");
    }
    return root;
  }

  private static Long amount(JsonNode node, List<FieldError> errors) {
    if (node == null || node.isNull()) {
      errors.add(new FieldError("amount", "required", "is required: a positive integer in minor units"));
      return null;
    }
    if (!node.isIntegralNumber()) {
      errors.add(new FieldError("amount", "invalid_type",
          "must be an integer in minor units (e.g. 1299 for 12.99)"));
      return null;
    }
    if (!node.canConvertToLong() || node.asLong() > MAX_AMOUNT) {
      errors.add(new FieldError("amount", "too_large", "must be at most " + MAX_AMOUNT));
      return null;
    }
    if (node.asLong() <= 0) {
      errors.add(new FieldError("amount", "must_be_positive", "must be greater than zero"));
      return null;
    }
    return node.asLong();
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

  private static Map<String, String> metadata(JsonNode node, List<FieldError> errors) {
    Map<String, String> metadata = new TreeMap<>();
    if (node == null || node.isNull()) {
      return metadata;
    }
    if (!node.isObject()) {
      errors.add(new FieldError("metadata", "invalid_type", "must be an object of string values"));
      return metadata;
    }
    if (node.size() > MAX_METADATA_ENTRIES) {
      errors.add(new FieldError("metadata", "too_many_entries", "may have at most " + MAX_METADATA_ENTRIES
          + " entries"));
      return metadata;
    }
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      String key = entry.getKey();
      String field = "metadata." + key;
      if (key.isEmpty() || key.length() > MAX_METADATA_KEY) {
        errors.add(new FieldError(field, "invalid_key", "keys must be 1 to " + MAX_METADATA_KEY + " characters"));
        continue;
      }
      if (!storable(key)) {
        errors.add(new FieldError("metadata", "invalid_key", "keys " + UNSTORABLE));
        continue;
      }
      String value = requiredString(entry.getValue(), field, MAX_METADATA_VALUE, errors);
      if (value != null) {
        metadata.put(key, value);
      }
    }
    return metadata;
  }

  private static String requiredString(JsonNode node, String field, int maxLength, List<FieldError> errors) {
    if (node == null || node.isNull()) {
      errors.add(new FieldError(field, "required", "is required"));
      return null;
    }
    String value = optionalString(node, field, maxLength, errors);
    if (value != null && value.isBlank()) {
      errors.add(new FieldError(field, "required", "must not be blank"));
      return null;
    }
    return value;
  }

  private static String optionalString(JsonNode node, String field, int maxLength, List<FieldError> errors) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isString()) {
      errors.add(new FieldError(field, "invalid_type", "must be a string"));
      return null;
    }
    String value = node.stringValue();
    if (!storable(value)) {
      errors.add(new FieldError(field, "invalid_characters", UNSTORABLE));
      return null;
    }
    if (value.length() > maxLength) {
      errors.add(new FieldError(field, "too_long", "must be at most " + maxLength + " characters"));
      return null;
    }
    return value;
  }

  /**
   * Whether PostgreSQL can store the text: it refuses U+0000 in {@code text} and {@code jsonb}, and a UTF-16
   * surrogate without its partner has no UTF-8 form. Such input is the client's mistake (422), never a 500.
   */
  static boolean storable(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\u0000') {
        return false;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /** Identifies the request's meaning, not its spelling: key order and whitespace do not change it. */
  private String hash(Money amount, PaymentMethod method, String reference, Map<String, String> metadata) {
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
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(strict.writeValueAsString(canonical).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException("every JDK has SHA-256", impossible);
    }
  }
}
