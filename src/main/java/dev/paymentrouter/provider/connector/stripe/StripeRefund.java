package dev.paymentrouter.provider.connector.stripe;

import tools.jackson.databind.JsonNode;

/**
 * The fields of a Refund that decide an outcome.
 *
 * @param id            Stripe's id ({@code re_...})
 * @param status        {@code pending}, {@code requires_action}, {@code succeeded}, {@code failed} or {@code canceled}
 * @param failureReason why a failed refund failed ({@code declined}, {@code expired_or_canceled_card}, ...), or null
 * @param paymentIntent the PaymentIntent it refunds, or null
 * @param modification  {@code metadata.payment_router_modification}: the key it was created under, or null
 */
record StripeRefund(String id, String status, String failureReason, String paymentIntent, String modification) {

  /** The Refund in a node, or null when the node is not one (an HTML page, another object, a fragment). */
  static StripeRefund of(JsonNode node) {
    if (node == null || !node.isObject() || !"refund".equals(StripeJson.text(node.path("object")))) {
      return null;
    }
    String id = StripeJson.text(node.path("id"));
    String status = StripeJson.code(node.path("status"));
    if (id == null || id.isBlank() || status == null) {
      return null;
    }
    JsonNode paymentIntent = node.path("payment_intent");
    return new StripeRefund(id, status, StripeJson.code(node.path("failure_reason")),
        paymentIntent.isObject() ? StripeJson.text(paymentIntent.path("id")) : StripeJson.text(paymentIntent),
        StripeJson.text(node.path("metadata").path(StripeForm.MODIFICATION_METADATA)));
  }
}
