package dev.paymentrouter.provider.connector.stripe;

import dev.paymentrouter.provider.domain.RouterRefusal;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reading Stripe's JSON without trusting it: a broken body is a value (null), never an exception. */
final class StripeJson {

  /** Stripe's codes are short snake_case words; anything else is not used as one (it would end up in our records). */
  private static final Pattern CODE = Pattern.compile("[a-z0-9_]{1,64}");

  private StripeJson() {}

  /** The body as a tree, or null when it is empty or not JSON (a truncated answer, an HTML error page). */
  static JsonNode tree(JsonMapper json, byte[] body) {
    if (body == null || body.length == 0) {
      return null;
    }
    try {
      JsonNode tree = json.readTree(body);
      return tree == null || tree.isMissingNode() ? null : tree;
    } catch (JacksonException e) {
      return null;
    }
  }

  /** A string field, or null. */
  static String text(JsonNode node) {
    return node != null && node.isString() ? node.stringValue() : null;
  }

  /** A code-like string field, or null when it is missing or does not look like one of Stripe's codes. */
  static String code(JsonNode node) {
    String text = text(node);
    if (text == null || !CODE.matcher(text).matches()) {
      return null;
    }
    // A provider's reason must never read as the router's own refusal (NotSent rejects those names).
    return RouterRefusal.fromWireName(text).isPresent() ? "stripe_" + text : text;
  }
}
