package dev.paymentrouter.provider.connector.adyen;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A payment token in one of the two forms Adyen can charge; see {@link AdyenConnectorFactory}. Its {@code toString}
 * never shows what the token carries.
 */
sealed interface AdyenToken {

  /** Adyen's limits on {@code shopperReference} (PaymentRequest, Checkout API v71). */
  int SHOPPER_REFERENCE_MIN = 3;
  int SHOPPER_REFERENCE_MAX = 256;
  /** Adyen's limit on {@code storedPaymentMethodId} (CardDetails, Checkout API v71). */
  int STORED_PAYMENT_METHOD_ID_MAX = 64;

  /**
   * Adyen's ids are alphanumeric; an underscore is let through too, so that the simulators' magic tokens
   * ({@code shopper-1:tok_visa}) work in this form. Adyen refuses an id it does not know, for that payment only.
   */
  Pattern STORED_PAYMENT_METHOD_ID = Pattern.compile("[A-Za-z0-9_]{1," + STORED_PAYMENT_METHOD_ID_MAX + "}");

  /**
   * A card Adyen stored for a shopper, charged without the shopper present (merchant-initiated).
   *
   * @param shopperReference      the merchant's id of the shopper the card was stored for
   * @param storedPaymentMethodId Adyen's id of the stored card
   */
  record StoredCard(String shopperReference, String storedPaymentMethodId) implements AdyenToken {
    @Override
    public String toString() {
      return "StoredCard[***]";
    }
  }

  /**
   * Payment method details as the shopper's client produced them (Adyen's encrypted card fields, a wallet token),
   * for a payment with the shopper present. Kept with its keys sorted, so the same token always gives the same bytes.
   */
  record PaymentMethod(ObjectNode details) implements AdyenToken {
    @Override
    public String toString() {
      return "PaymentMethod[***]";
    }
  }

  /** The token's form, or empty when it has neither; never throws, and never says why (the token is secret). */
  static Optional<AdyenToken> parse(String token, JsonMapper json) {
    if (token == null || token.isBlank()) {
      return Optional.empty();
    }
    if (token.startsWith("{")) {
      return paymentMethod(token, json);
    }
    // The shopper reference is the merchant's and may hold colons; Adyen's stored method id is alphanumeric.
    int colon = token.lastIndexOf(':');
    if (colon < 0) {
      return Optional.empty();
    }
    String shopperReference = token.substring(0, colon);
    String storedPaymentMethodId = token.substring(colon + 1);
    if (shopperReference.isBlank() || shopperReference.length() < SHOPPER_REFERENCE_MIN
        || shopperReference.length() > SHOPPER_REFERENCE_MAX
        || !STORED_PAYMENT_METHOD_ID.matcher(storedPaymentMethodId).matches()) {
      return Optional.empty();
    }
    return Optional.of(new StoredCard(shopperReference, storedPaymentMethodId));
  }

  private static Optional<AdyenToken> paymentMethod(String token, JsonMapper json) {
    JsonNode node;
    try {
      node = json.readTree(token);
    } catch (JacksonException e) {
      // Its message may quote the token: dropped on purpose.
      return Optional.empty();
    }
    if (!(node instanceof ObjectNode object) || !object.path("type").isString()
        || object.path("type").asString().isBlank()) {
      return Optional.empty();
    }
    return Optional.of(new PaymentMethod((ObjectNode) sorted(object, json)));
  }

  private static JsonNode sorted(JsonNode node, JsonMapper json) {
    if (node instanceof ObjectNode object) {
      Map<String, JsonNode> byName = new TreeMap<>();
      for (Map.Entry<String, JsonNode> property : object.properties()) {
        byName.put(property.getKey(), sorted(property.getValue(), json));
      }
      ObjectNode copy = json.createObjectNode();
      byName.forEach(copy::set);
      return copy;
    }
    if (node instanceof ArrayNode array) {
      ArrayNode copy = json.createArrayNode();
      array.forEach(element -> copy.add(sorted(element, json)));
      return copy;
    }
    return node;
  }
}
