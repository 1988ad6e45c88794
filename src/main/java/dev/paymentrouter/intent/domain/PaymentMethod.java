package dev.paymentrouter.intent.domain;

import java.util.Map;
import java.util.Objects;

/**
 * How the customer pays: a method type, the provider-agnostic token standing for it, and tokens that only one
 * provider can charge (a card tokenized at Stripe is a PaymentMethod id there and means nothing at Adyen). Tokens are
 * not card data, but they still stay out of logs and API answers, and they are kept (encrypted) only while attempts
 * can still be made.
 *
 * @param type    method type, for now always {@code card}
 * @param token   the provider-agnostic token, or null when there is none (only per-provider ones), once it is erased
 *                (the intent is final) or when the stored one cannot be read
 * @param tokens  per-provider tokens by provider name; empty when there are none, erased or unreadable
 * @param country ISO 3166-1 alpha-2 issuing country, or null when unknown
 */
public record PaymentMethod(String type, String token, Map<String, String> tokens, String country) {

  public PaymentMethod {
    Objects.requireNonNull(type, "type");
    tokens = tokens == null ? Map.of() : Map.copyOf(tokens);
  }

  /** A method with the provider-agnostic token only. */
  public PaymentMethod(String type, String token, String country) {
    this(type, token, Map.of(), country);
  }

  /** The token to send to this provider: its own if the intent has one, else the provider-agnostic one, else null. */
  public String tokenFor(String provider) {
    String own = tokens.get(provider);
    return own != null ? own : token;
  }

  /** Whether any token is known: none means no attempt can be sent to any provider. */
  public boolean hasToken() {
    return token != null || !tokens.isEmpty();
  }

  /** The same method without any token (erased, or unreadable). */
  public PaymentMethod withoutTokens() {
    return new PaymentMethod(type, null, Map.of(), country);
  }

  @Override
  public String toString() {
    return "PaymentMethod[" + type + ", country=" + country + ", tokens for " + tokens.keySet() + "]";
  }
}
