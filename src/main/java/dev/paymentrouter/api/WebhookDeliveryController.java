package dev.paymentrouter.api;

import dev.paymentrouter.merchant.runtime.ApiKeyAuthenticator;
import dev.paymentrouter.webhook.runtime.DeliveryStore;
import dev.paymentrouter.webhook.runtime.WebhookEndpoint;
import dev.paymentrouter.webhook.runtime.WebhookEndpoints;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code /v1/webhook-endpoints/{id}/deliveries}: an endpoint's delivery log, newest first: each event sent to it, its
 * status ({@code pending}, {@code succeeded}, {@code failed}), the tries made, the last HTTP status or error, and when
 * the next try is due.
 */
@RestController
class WebhookDeliveryController {

  private static final Set<String> PARAMETERS = Set.of("limit", "startingAfter");
  private static final Pattern DELIVERY_ID = Pattern.compile("whd_[0-9A-Z]{26}_we_[0-9A-Z]{26}");

  /** A page as the API shows it. */
  record DeliveryList(List<DeliveryStore.Delivery> data, boolean hasMore) {}

  private final ApiKeyAuthenticator authenticator;
  private final WebhookEndpoints endpoints;
  private final DeliveryStore deliveries;

  WebhookDeliveryController(ApiKeyAuthenticator authenticator, WebhookEndpoints endpoints, DeliveryStore deliveries) {
    this.authenticator = authenticator;
    this.endpoints = endpoints;
    this.deliveries = deliveries;
  }

  @GetMapping(path = WebhookEndpointController.PATH + "/{id}/deliveries", produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<DeliveryList> list(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
      @PathVariable String id, @RequestParam Map<String, String> parameters) {
    return MerchantAuthentication.required(authenticator, authorization).flatMap(merchant -> {
      ListParameters checked = new ListParameters(parameters, PARAMETERS);
      int limit = checked.limit();
      String startingAfter = checked.id("startingAfter", text -> DELIVERY_ID.matcher(text).matches(),
          "invalid_cursor", "must be the id of a delivery (whd_...)");
      checked.refuseAny();
      return (WebhookEndpoints.isWellFormed(id) ? endpoints.find(merchant.id(), id) : Mono.<WebhookEndpoint>empty())
          .switchIfEmpty(Mono.error(() -> ApiProblem.of(HttpStatus.NOT_FOUND, "webhook_endpoint_not_found",
              "Webhook endpoint not found", "no webhook endpoint " + id + " exists for this merchant")))
          .flatMap(endpoint -> deliveries.log(endpoint.id(), limit, startingAfter))
          .map(page -> new DeliveryList(page.rows(), page.hasMore()));
    });
  }
}
