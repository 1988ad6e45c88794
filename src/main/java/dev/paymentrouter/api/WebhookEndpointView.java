package dev.paymentrouter.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.paymentrouter.webhook.runtime.WebhookEndpoint;
import dev.paymentrouter.webhook.runtime.WebhookEndpoints;
import java.time.Instant;
import java.util.List;

/**
 * A webhook endpoint as the API shows it. {@code secret} is present only in the answers to create and
 * {@code rotate-secret}: the router keeps it encrypted and never shows it again.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record WebhookEndpointView(
    String id,
    String url,
    List<String> events,
    String status,
    String disabledReason,
    Instant createdAt,
    Instant updatedAt,
    String secret) {

  static WebhookEndpointView of(WebhookEndpoint endpoint) {
    return new WebhookEndpointView(endpoint.id(), endpoint.url(), endpoint.events(), endpoint.status(),
        endpoint.disabledReason(), endpoint.createdAt(), endpoint.updatedAt(), null);
  }

  static WebhookEndpointView withSecret(WebhookEndpoints.Created created) {
    WebhookEndpoint endpoint = created.endpoint();
    return new WebhookEndpointView(endpoint.id(), endpoint.url(), endpoint.events(), endpoint.status(),
        endpoint.disabledReason(), endpoint.createdAt(), endpoint.updatedAt(), created.secret().text());
  }

  @Override
  public String toString() {
    return "WebhookEndpointView[id=" + id + ", url=" + url + ", events=" + events + ", status=" + status
        + (secret == null ? "" : ", secret=***") + "]";
  }
}
