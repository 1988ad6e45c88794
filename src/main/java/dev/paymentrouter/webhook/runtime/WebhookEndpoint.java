package dev.paymentrouter.webhook.runtime;

import java.time.Instant;
import java.util.List;

/**
 * A merchant's webhook endpoint as the API shows it: never its secrets.
 *
 * @param events         wire names of the subscribed types, or {@code ["*"]} for all
 * @param status         {@code enabled} or {@code disabled}
 * @param disabledReason why it was disabled (e.g. by the delivery worker after repeated failures), or null
 */
public record WebhookEndpoint(String id, String merchantId, String url, List<String> events, String status,
    String disabledReason, Instant createdAt, Instant updatedAt) {

  public WebhookEndpoint {
    events = List.copyOf(events);
  }
}
