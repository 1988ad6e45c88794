package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.intent.domain.PaymentMethod;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The plain text that is sealed into {@code payment_token}: an intent's tokens in one value, so that they are
 * encrypted, erased and rotated together. An intent with only the provider-agnostic token stores that token as it is
 * (the form intents had before per-provider tokens, which stays readable); one with per-provider tokens stores a JSON
 * document behind a NUL character, which no token can begin with (the API refuses control characters).
 */
final class StoredTokens {

  private static final char DOCUMENT = '\0';

  private final JsonMapper json;

  StoredTokens(JsonMapper json) {
    this.json = json;
  }

  /** The text to seal for this payment method. */
  String encode(PaymentMethod method) {
    if (method.tokens().isEmpty()) {
      return method.token();
    }
    ObjectNode document = json.createObjectNode();
    if (method.token() != null) {
      document.put("token", method.token());
    }
    ObjectNode byProvider = document.putObject("tokens");
    method.tokens().forEach(byProvider::put);
    return DOCUMENT + json.writeValueAsString(document);
  }

  /** The payment method with the tokens of an opened text. */
  PaymentMethod decode(PaymentMethod method, String opened) {
    if (opened == null || opened.isEmpty() || opened.charAt(0) != DOCUMENT) {
      return new PaymentMethod(method.type(), opened, Map.of(), method.country());
    }
    JsonNode document = json.readTree(opened.substring(1));
    Map<String, String> byProvider = new LinkedHashMap<>();
    document.path("tokens").properties().forEach(entry -> byProvider.put(entry.getKey(), entry.getValue().asString()));
    JsonNode token = document.get("token");
    return new PaymentMethod(method.type(), token == null ? null : token.asString(), byProvider, method.country());
  }
}
