package dev.paymentrouter.provider.connector.stripe;

import tools.jackson.databind.JsonNode;

/**
 * The fields of a PaymentIntent that decide an outcome.
 *
 * @param id               Stripe's id ({@code pi_...})
 * @param status           its lifecycle status ({@code succeeded}, {@code requires_action}, ...)
 * @param nextAction       {@code next_action.type} when the customer must act, else null
 * @param lastPaymentError why the last confirmation failed, else null
 * @param amountReceived   the amount Stripe collected, in minor units
 * @param attempt          {@code metadata.payment_router_attempt}: the idempotency key it was created under, or null
 * @param latestCharge     {@code latest_charge}: the id of the Charge that moved the money (as an id or expanded), or
 *                         null
 */
record StripePaymentIntent(
    String id, String status, String nextAction, StripeError lastPaymentError, long amountReceived, String attempt,
    String latestCharge) {

  /** The PaymentIntent in a body, or null when the body is not one (an HTML page, another object, a fragment). */
  static StripePaymentIntent of(JsonNode node) {
    if (node == null || !node.isObject() || !"payment_intent".equals(StripeJson.text(node.path("object")))) {
      return null;
    }
    String id = StripeJson.text(node.path("id"));
    String status = StripeJson.code(node.path("status"));
    if (id == null || id.isBlank() || status == null) {
      return null;
    }
    JsonNode received = node.path("amount_received");
    JsonNode charge = node.path("latest_charge");
    return new StripePaymentIntent(
        id, status, StripeJson.code(node.path("next_action").path("type")),
        StripeError.of(node.path("last_payment_error")),
        received.isIntegralNumber() ? received.asLong() : 0,
        StripeJson.text(node.path("metadata").path(StripeForm.ATTEMPT_METADATA)),
        charge.isObject() ? StripeJson.text(charge.path("id")) : StripeJson.text(charge));
  }
}
