package dev.paymentrouter.stripeapi;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request's parameters as Stripe's clients send them: {@code application/x-www-form-urlencoded} pairs (a POST's
 * body, a GET's query), nested with brackets: {@code metadata[order_id]=6735}, {@code payment_method_types[0]=card},
 * {@code created[gte]=1700000000}, {@code expand[]=latest_charge}. Read by top-level name; a handler refuses every
 * name it does not know, as Stripe does.
 */
final class StripeParams {

  /** One bracketed level: {@code [key]}, the key possibly empty ({@code []}). */
  private static final Pattern ONE_LEVEL = Pattern.compile("\\[([^\\[\\]]*)\\]");

  private record Pair(String name, String rest, String value) {}

  private final List<Pair> pairs;

  private StripeParams(List<Pair> pairs) {
    this.pairs = pairs;
  }

  /** No parameters. */
  static StripeParams none() {
    return new StripeParams(List.of());
  }

  /** Parses form-encoded text; {@code +} is a space. Malformed escapes are a 400. */
  static StripeParams parse(String encoded) {
    List<Pair> pairs = new ArrayList<>();
    if (encoded == null || encoded.isEmpty()) {
      return new StripeParams(pairs);
    }
    for (String part : encoded.split("&")) {
      if (part.isEmpty()) {
        continue;
      }
      int equals = part.indexOf('=');
      String key = decode(equals < 0 ? part : part.substring(0, equals));
      String value = equals < 0 ? "" : decode(part.substring(equals + 1));
      int bracket = key.indexOf('[');
      String name = bracket < 0 ? key : key.substring(0, bracket);
      if (name.isEmpty()) {
        throw StripeApiError.invalid("parameter_invalid_empty", key, "Invalid parameter name: " + key);
      }
      pairs.add(new Pair(name, bracket < 0 ? "" : key.substring(bracket), value));
    }
    return new StripeParams(pairs);
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw StripeApiError.invalid("parameter_invalid_string", null,
          "The request could not be decoded as application/x-www-form-urlencoded.");
    }
  }

  /** The top-level names given, in order of first appearance. */
  Set<String> names() {
    Set<String> names = new LinkedHashSet<>();
    pairs.forEach(pair -> names.add(pair.name()));
    return names;
  }

  /** Refuses the first name given that is not one of {@code known}. */
  void refuseUnknown(Set<String> known) {
    for (String name : names()) {
      if (!known.contains(name)) {
        throw StripeApiError.unknownParameter(name);
      }
    }
  }

  /** Whether {@code name} was given in any form. */
  boolean has(String name) {
    return pairs.stream().anyMatch(pair -> pair.name().equals(name));
  }

  /** The plain value of {@code name}, or null; a nested or repeated one is a 400. */
  String text(String name) {
    String value = null;
    for (Pair pair : pairs) {
      if (!pair.name().equals(name)) {
        continue;
      }
      if (!pair.rest().isEmpty()) {
        throw StripeApiError.invalid("parameter_invalid_string", name + pair.rest(),
            "Invalid string: " + name + " must be a single value, not a hash or an array");
      }
      if (value != null) {
        throw StripeApiError.invalid("parameter_invalid_string", name, name + " was given more than once");
      }
      value = pair.value();
    }
    return value;
  }

  /**
   * {@code name[key]=value} pairs in order; {@code name} given plain and empty ({@code metadata=}) stands for an empty
   * hash (Stripe's way of unsetting all of it), which {@link #cleared} tells apart.
   */
  Map<String, String> hash(String name) {
    Map<String, String> hash = new LinkedHashMap<>();
    for (Pair pair : pairs) {
      if (!pair.name().equals(name)) {
        continue;
      }
      if (pair.rest().isEmpty()) {
        if (!pair.value().isEmpty()) {
          throw StripeApiError.invalid("parameter_invalid_object", name, "Invalid object: " + name
              + " must be a hash (" + name + "[key]=value)");
        }
        continue;
      }
      Matcher level = ONE_LEVEL.matcher(pair.rest());
      if (!level.matches() || level.group(1).isEmpty()) {
        throw StripeApiError.invalid("parameter_invalid_object", name + pair.rest(),
            "Invalid object: " + name + pair.rest() + " is not a key of the hash " + name);
      }
      if (hash.put(level.group(1), pair.value()) != null) {
        throw StripeApiError.invalid("parameter_invalid_object", name + pair.rest(),
            name + pair.rest() + " was given more than once");
      }
    }
    return hash;
  }

  /** Whether {@code name} was given plain and empty: the whole hash is unset. */
  boolean cleared(String name) {
    return pairs.stream().anyMatch(pair -> pair.name().equals(name) && pair.rest().isEmpty()
        && pair.value().isEmpty());
  }

  /** {@code name[0]=a&name[1]=b} or {@code name[]=a&name[]=b}, in order; {@code name=} (empty) is an empty array. */
  List<String> array(String name) {
    List<String> values = new ArrayList<>();
    for (Pair pair : pairs) {
      if (!pair.name().equals(name) || pair.rest().isEmpty() && pair.value().isEmpty()) {
        continue;
      }
      Matcher level = ONE_LEVEL.matcher(pair.rest());
      if (!level.matches() || !level.group(1).isEmpty() && !level.group(1).chars().allMatch(Character::isDigit)) {
        throw StripeApiError.invalid("parameter_invalid_array", name,
            "Invalid array: " + name + " must be given as " + name + "[0]=..., " + name + "[1]=...");
      }
      values.add(pair.value());
    }
    return values;
  }
}
