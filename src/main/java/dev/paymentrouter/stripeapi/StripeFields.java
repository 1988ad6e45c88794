package dev.paymentrouter.stripeapi;

import dev.paymentrouter.intent.domain.Money;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The parameter rules Stripe's operations share (amounts, currencies, metadata, texts, list cursors), refused with
 * Stripe's codes and words, and the hash that tells a replay from a key reused with other parameters.
 */
final class StripeFields {

  /** The most an amount may be: the router's own limit (Stripe's is eight digits for most currencies). */
  static final long MAX_AMOUNT = 999_999_999_999L;
  static final int MAX_METADATA_KEYS = 50;
  static final int MAX_METADATA_KEY = 40;
  static final int MAX_METADATA_VALUE = 500;
  static final int MAX_DESCRIPTION = 1000;
  static final int MAX_PAYMENT_METHOD = 255;
  static final int MAX_PAGE = 100;
  static final int DEFAULT_PAGE = 10;

  /** Parameters every operation takes and the door ignores: it never expands an object. */
  static final Set<String> EXPAND = Set.of("expand");

  private static final Pattern OBJECT_ID = Pattern.compile("[A-Za-z]{2,5}_[0-9A-Za-z_]{1,64}");

  private StripeFields() {}

  /**
   * Refuses the first parameter that is neither {@code taken} nor {@code ignored}: one of {@code unsupported} with
   * the reason the router does not take it, any other as unknown (as Stripe refuses it).
   */
  static void refuseOthers(StripeParams params, Set<String> taken, Set<String> ignored,
      Map<String, String> unsupported) {
    for (String name : params.names()) {
      if (taken.contains(name) || ignored.contains(name)) {
        continue;
      }
      String why = unsupported.get(name);
      throw why != null ? StripeApiError.unsupported(name, why) : StripeApiError.unknownParameter(name);
    }
  }

  /** A required amount in minor units. */
  static long amount(StripeParams params, String name) {
    String text = params.text(name);
    if (text == null || text.isEmpty()) {
      throw StripeApiError.missing(name);
    }
    return positive(name, text);
  }

  /** An optional amount in minor units, or null. */
  static Long optionalAmount(StripeParams params, String name) {
    String text = params.text(name);
    return text == null || text.isEmpty() ? null : positive(name, text);
  }

  private static long positive(String name, String text) {
    long value;
    try {
      value = Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw StripeApiError.invalidValue("parameter_invalid_integer", name, "Invalid integer: " + text);
    }
    if (value < 1) {
      throw StripeApiError.invalidValue("parameter_invalid_integer", name,
          "This value must be greater than or equal to 1.");
    }
    if (value > MAX_AMOUNT) {
      throw StripeApiError.invalidValue("amount_too_large", name, "Amount must be no more than " + MAX_AMOUNT + ".");
    }
    return value;
  }

  /** A required currency: three letters of an ISO 4217 code, any case; the router's upper-case code. */
  static String currency(StripeParams params) {
    String text = params.text("currency");
    if (text == null || text.isEmpty()) {
      throw StripeApiError.missing("currency");
    }
    return currencyValue(text);
  }

  /** An optional currency, or null. */
  static String optionalCurrency(StripeParams params) {
    String text = params.text("currency");
    return text == null || text.isEmpty() ? null : currencyValue(text);
  }

  private static String currencyValue(String text) {
    return Money.isoCurrency(text).orElseThrow(() -> StripeApiError.invalidValue("parameter_invalid_string",
        "currency", "Invalid currency: " + text + "."));
  }

  /** A boolean given as {@code true} or {@code false}; {@code absent} when not given. */
  static boolean bool(StripeParams params, String name, boolean absent) {
    String text = params.text(name);
    if (text == null || text.isEmpty()) {
      return absent;
    }
    return switch (text) {
      case "true" -> true;
      case "false" -> false;
      default -> throw StripeApiError.invalidValue("parameter_invalid_boolean", name, "Invalid boolean: " + text);
    };
  }

  /** An optional text of at most {@code max} characters; empty counts as not given. */
  static String text(StripeParams params, String name, int max) {
    String text = params.text(name);
    if (text == null || text.isEmpty()) {
      return null;
    }
    if (text.length() > max || text.indexOf('\u0000') >= 0) {
      throw StripeApiError.invalidValue("parameter_invalid_string", name,
          "Invalid string: " + name + " must be at most " + max + " characters");
    }
    return text;
  }

  /** An optional value that must be one of {@code allowed}. */
  static String oneOf(StripeParams params, String name, Set<String> allowed) {
    String text = params.text(name);
    if (text == null || text.isEmpty()) {
      return null;
    }
    if (!allowed.contains(text)) {
      throw StripeApiError.invalidValue("parameter_invalid_string", name,
          "Invalid " + name + ": must be one of " + new java.util.TreeSet<>(allowed));
    }
    return text;
  }

  /**
   * The {@code metadata} hash's keys and values as Stripe limits them; keys of the router's own prefix
   * ({@link StripeObjects#ROUTER_PREFIX}) are read-only. An empty value stands for a key to unset.
   */
  static Map<String, String> metadata(StripeParams params) {
    Map<String, String> metadata = params.hash("metadata");
    if (metadata.size() > MAX_METADATA_KEYS) {
      throw StripeApiError.invalidValue("parameter_invalid_object", "metadata",
          "Metadata may have at most " + MAX_METADATA_KEYS + " keys.");
    }
    for (Map.Entry<String, String> entry : metadata.entrySet()) {
      String param = "metadata[" + entry.getKey() + "]";
      if (entry.getKey().length() > MAX_METADATA_KEY) {
        throw StripeApiError.invalidValue("parameter_invalid_string", param,
            "Metadata keys may be at most " + MAX_METADATA_KEY + " characters.");
      }
      if (entry.getValue().length() > MAX_METADATA_VALUE || entry.getValue().indexOf('\u0000') >= 0
          || entry.getKey().indexOf('\u0000') >= 0) {
        throw StripeApiError.invalidValue("parameter_invalid_string", param,
            "Metadata values may be at most " + MAX_METADATA_VALUE + " characters.");
      }
      if (entry.getKey().startsWith(StripeObjects.ROUTER_PREFIX)) {
        throw StripeApiError.invalidValue("parameter_invalid_string", param, "Metadata keys starting with "
            + StripeObjects.ROUTER_PREFIX + " are the router's own (the provider and attempts of the payment) and "
            + "cannot be set.");
      }
    }
    return metadata;
  }

  /** A list's {@code limit}: 1 to 100, 10 when absent. */
  static int limit(StripeParams params) {
    String text = params.text("limit");
    if (text == null || text.isEmpty()) {
      return DEFAULT_PAGE;
    }
    try {
      int limit = Integer.parseInt(text);
      if (limit >= 1 && limit <= MAX_PAGE) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw StripeApiError.invalidValue("parameter_invalid_integer", "limit",
        "Invalid limit: must be an integer from 1 to " + MAX_PAGE + ".");
  }

  /** A cursor ({@code starting_after}, {@code ending_before}): an object id, or null. */
  static String cursor(StripeParams params, String name) {
    String text = params.text(name);
    if (text == null || text.isEmpty()) {
      return null;
    }
    if (!OBJECT_ID.matcher(text).matches()) {
      throw StripeApiError.invalidValue("parameter_invalid_string", name,
          "Invalid " + name + ": must be the id of an object of this list.");
    }
    return text;
  }

  /** A moment in Unix seconds. */
  static Instant seconds(String name, String text) {
    try {
      return Instant.ofEpochSecond(Long.parseLong(text));
    } catch (NumberFormatException | java.time.DateTimeException e) {
      throw StripeApiError.invalidValue("parameter_invalid_integer", name, "Invalid timestamp: " + text);
    }
  }

  /**
   * SHA-256 of what a request means ({@code operation} and its normalized fields, key order not mattering): the same
   * request sent again under its key matches, another one does not.
   */
  static String hash(String operation, Map<String, Object> fields) {
    Map<String, Object> canonical = new LinkedHashMap<>();
    canonical.put("door", "stripe");
    canonical.put("operation", operation);
    canonical.put("fields", new TreeMap<>(fields));
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(StripeResponses.JSON.writeValueAsString(canonical).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException("every JDK has SHA-256", impossible);
    }
  }
}
