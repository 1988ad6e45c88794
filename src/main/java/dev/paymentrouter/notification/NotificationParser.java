package dev.paymentrouter.notification;

import dev.paymentrouter.notification.domain.AdyenEvents;
import dev.paymentrouter.notification.domain.AdyenHmac;
import dev.paymentrouter.notification.domain.StripeEvents;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads Stripe's event ({@code POST /v1/webhook_endpoints}' Event object) and Adyen's standard notification
 * ({@code {"live": ..., "notificationItems": [{"NotificationRequestItem": {...}}]}}) into notifications. Only what is
 * signed is trusted: Adyen signs a few fields per item, so everything read from an item is checked by its HMAC first.
 */
final class NotificationParser {

  /** An Adyen item with the fields its signature covers. */
  record AdyenItem(AdyenHmac.SignedFields signed, String signature, ProviderNotification notification) {}

  private final JsonMapper json;

  NotificationParser(JsonMapper json) {
    this.json = json;
  }

  /** Stripe's event, or null when the body is no event. */
  ProviderNotification stripe(String body) {
    JsonNode event = tree(body);
    if (event == null || !event.path("id").isString() || !event.path("type").isString()) {
      return null;
    }
    JsonNode object = event.path("data").path("object");
    JsonNode metadata = object.path("metadata");
    JsonNode error = object.path("last_payment_error");
    String failure = text(error.path("decline_code")) != null ? text(error.path("decline_code"))
        : text(error.path("code")) != null ? text(error.path("code")) : text(object.path("failure_reason"));
    String paymentIntent = object.path("payment_intent").isString() ? text(object.path("payment_intent")) : null;
    JsonNode received = object.path("amount_received");
    JsonNode charge = object.path("latest_charge");
    StripeEvents.EventObject parsed = new StripeEvents.EventObject(text(object.path("id")),
        text(object.path("status")), text(metadata.path("payment_router_attempt")),
        text(metadata.path("payment_router_modification")), failure, paymentIntent,
        received.isIntegralNumber() && received.canConvertToLong() ? received.asLong() : null,
        // latest_charge is an id, or the Charge itself when expanded.
        charge.isObject() ? text(charge.path("id")) : text(charge));
    String type = text(event.path("type"));
    return new ProviderNotification(text(event.path("id")), type, StripeEvents.notice(type, parsed), body);
  }

  /** Adyen's items, or null when the body is no notification. */
  List<AdyenItem> adyen(String body) {
    JsonNode root = tree(body);
    if (root == null || !root.path("notificationItems").isArray()) {
      return null;
    }
    List<AdyenItem> items = new ArrayList<>();
    for (JsonNode wrapper : root.path("notificationItems")) {
      JsonNode item = wrapper.path("NotificationRequestItem");
      String eventCode = text(item.path("eventCode"));
      String psp = text(item.path("pspReference"));
      if (eventCode == null || psp == null || !item.path("amount").path("value").canConvertToLong()) {
        return null;
      }
      // Adyen sends success as the string "true"/"false".
      boolean success = "true".equalsIgnoreCase(item.path("success").asString(""));
      String merchantReference = text(item.path("merchantReference"));
      String original = text(item.path("originalReference"));
      AdyenHmac.SignedFields signed = new AdyenHmac.SignedFields(psp, original,
          text(item.path("merchantAccountCode")), merchantReference, item.path("amount").path("value").asLong(),
          text(item.path("amount").path("currency")), eventCode, success);
      items.add(new AdyenItem(signed, text(item.path("additionalData").path("hmacSignature")),
          new ProviderNotification(eventCode + ":" + psp + ":" + success, eventCode,
              AdyenEvents.notice(eventCode, success, merchantReference, psp, original,
                  text(item.path("reason"))), json.writeValueAsString(item))));
    }
    return items.isEmpty() ? null : items;
  }

  private JsonNode tree(String body) {
    try {
      JsonNode node = json.readTree(body);
      return node != null && node.isObject() ? node : null;
    } catch (JacksonException malformed) {
      return null;
    }
  }

  private static String text(JsonNode node) {
    return node.isString() && !node.stringValue().isEmpty() ? node.stringValue() : null;
  }
}
