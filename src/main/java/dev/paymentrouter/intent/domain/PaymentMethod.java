package dev.paymentrouter.intent.domain;

import java.util.Objects;

/**
 * How the customer pays: a method type and the provider-agnostic token standing for it. The token is not card
 * data, but it still stays out of logs and API answers, and it is kept (encrypted) only while attempts can still
 * be made.
 *
 * @param type    method type, for now always {@code card}
 * @param token   the tokenized method; null once it is erased (the intent is final) or when the stored one cannot
 *                be read, and then no attempt is sent to any provider
 * @param country ISO 3166-1 alpha-2 issuing country, or null when unknown
 */
public record PaymentMethod(String type, String token, String country) {

  public PaymentMethod {
    Objects.requireNonNull(type, "type");
  }

  @Override
  public String toString() {
    return "PaymentMethod[" + type + ", country=" + country + "]";
  }
}
