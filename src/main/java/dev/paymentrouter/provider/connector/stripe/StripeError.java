package dev.paymentrouter.provider.connector.stripe;

import tools.jackson.databind.JsonNode;

/**
 * The fields of Stripe's error object that decide an outcome: the {@code error} of an error answer, or a
 * PaymentIntent's {@code last_payment_error}. Its {@code message} is left out on purpose: it may quote a redacted
 * key or card details and is never needed to decide anything.
 *
 * @param type        {@code card_error}, {@code invalid_request_error}, {@code idempotency_error}, {@code api_error}
 * @param code        Stripe's error code, or null
 * @param declineCode the issuer's or Stripe's decline code of a card error, or null
 * @param param       the request parameter the error is about, or null
 */
record StripeError(String type, String code, String declineCode, String param) {

  /** The error object of an error answer's body ({@code {"error": {...}}}), or null when there is none. */
  static StripeError ofAnswer(JsonNode body) {
    return body == null ? null : of(body.path("error"));
  }

  /** An error object, or null when the node is not one. */
  static StripeError of(JsonNode error) {
    if (error == null || !error.isObject()) {
      return null;
    }
    return new StripeError(
        StripeJson.code(error.path("type")), StripeJson.code(error.path("code")),
        StripeJson.code(error.path("decline_code")), StripeJson.text(error.path("param")));
  }

  /** What the card's issuer (or Stripe's fraud screening) said: the decline code, else the error code. */
  String reason() {
    return declineCode != null ? declineCode : code;
  }
}
