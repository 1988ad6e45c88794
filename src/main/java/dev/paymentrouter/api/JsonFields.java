package dev.paymentrouter.api;

import dev.paymentrouter.api.ApiProblem.FieldError;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.http.HttpStatus;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The field rules every request body of the API shares (amounts, texts, metadata) and the hash that identifies a
 * request for idempotency, so that a field means and is refused the same way on every endpoint.
 */
final class JsonFields {

  /** The status of a body whose JSON is fine but whose fields are not, on every endpoint. */
  static final HttpStatus INVALID_FIELDS = HttpStatus.UNPROCESSABLE_CONTENT;
  static final long MAX_AMOUNT = 999_999_999_999L;
  static final int MAX_METADATA_ENTRIES = 50;
  static final int MAX_METADATA_KEY = 40;
  static final int MAX_METADATA_VALUE = 500;

  private static final String UNSTORABLE = "must not contain U+0000 (NUL) or an unpaired UTF-16 surrogate";

  /** Duplicate fields and trailing data are refused: two readers could otherwise see two different requests. */
  static final JsonMapper STRICT = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private JsonFields() {}

  /** The body as a JSON object, or a 400 {@code malformed_json}. */
  static JsonNode readObject(String body) {
    if (body == null || body.isBlank()) {
      throw malformed("the request body must be a JSON object");
    }
    JsonNode root;
    try {
      root = STRICT.readTree(body);
    } catch (JacksonException e) {
      throw malformed("the request body is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw malformed("the request body must be a JSON object");
    }
    return root;
  }

  /** Reports each field of {@code root} that is not one of {@code known}. */
  static void unknownFields(JsonNode root, Set<String> known, String of, List<FieldError> errors) {
    for (String name : root.propertyNames()) {
      if (!known.contains(name)) {
        errors.add(new FieldError(name, "unknown_field", "is not a field of " + of));
      }
    }
  }

  /** A required amount: a positive integer in minor units, at most {@link #MAX_AMOUNT}. */
  static Long amount(JsonNode node, List<FieldError> errors) {
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

  /** An optional amount under the same rules; 0 when absent. */
  static long optionalAmount(JsonNode node, List<FieldError> errors) {
    if (node == null || node.isNull()) {
      return 0;
    }
    Long amount = amount(node, errors);
    return amount == null ? 0 : amount;
  }

  static Map<String, String> metadata(JsonNode node, List<FieldError> errors) {
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

  static String requiredString(JsonNode node, String field, int maxLength, List<FieldError> errors) {
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

  static String optionalString(JsonNode node, String field, int maxLength, List<FieldError> errors) {
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
   * An optional text of 1 to {@code maxLength} printable characters (a reason): no control characters, which would
   * only garble the logs and screens it ends up on.
   */
  static String optionalText(JsonNode node, String field, int maxLength, List<FieldError> errors) {
    String value = optionalString(node, field, maxLength, errors);
    if (value == null) {
      return null;
    }
    if (value.isEmpty()) {
      errors.add(new FieldError(field, "required", "must not be empty when given"));
      return null;
    }
    if (value.codePoints().anyMatch(Character::isISOControl)) {
      errors.add(new FieldError(field, "invalid_characters", "must not contain control characters"));
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

  /**
   * SHA-256 of the canonical JSON of a request's meaning: the caller lists the normalized fields in a fixed order,
   * so that key order, whitespace and spelled-out defaults of the body do not change it.
   */
  static String hash(Map<String, Object> canonical) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(STRICT.writeValueAsString(canonical).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException("every JDK has SHA-256", impossible);
    }
  }

  /** Throws the problem that lists every invalid field, if there is one. */
  static void refuseAny(List<FieldError> errors) {
    if (!errors.isEmpty()) {
      throw ApiProblem.invalidFields(INVALID_FIELDS, errors);
    }
  }

  private static ApiProblem malformed(String detail) {
    return ApiProblem.of(HttpStatus.BAD_REQUEST, "malformed_json", "Malformed request body", detail);
  }
}
