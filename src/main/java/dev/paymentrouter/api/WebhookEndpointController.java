package dev.paymentrouter.api;

import dev.paymentrouter.api.ApiProblem.FieldError;
import dev.paymentrouter.merchant.runtime.ApiKeyAuthenticator;
import dev.paymentrouter.webhook.domain.Verdict;
import dev.paymentrouter.webhook.domain.WebhookEventType;
import dev.paymentrouter.webhook.runtime.WebhookEndpoints;
import dev.paymentrouter.webhook.runtime.WebhookUrlPolicy;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * {@code /v1/webhook-endpoints}: where a merchant's events are sent. Create answers the signing secret once; list,
 * read and delete never show it; {@code rotate-secret} answers a new one while the old one keeps signing for the
 * configured overlap. The URL must pass the SSRF rules on its text here, and again with its resolved addresses at
 * every delivery.
 *
 * <p>No {@code Idempotency-Key} is needed (as at Stripe, where it is optional): creating an endpoint moves no money,
 * and a retried create that registered twice is seen in the list and undone by a delete. A key sent is ignored.
 */
@RestController
class WebhookEndpointController {

  static final String PATH = "/v1/webhook-endpoints";
  private static final Set<String> FIELDS = Set.of("url", "events");
  private static final Set<String> PARAMETERS = Set.of("limit", "startingAfter");

  /** A page as the API shows it. */
  record EndpointList(List<WebhookEndpointView> data, boolean hasMore) {}

  /** What a create asks for, checked. */
  record EndpointRequest(String url, List<String> events) {}

  private final ApiKeyAuthenticator authenticator;
  private final WebhookEndpoints endpoints;
  private final WebhookUrlPolicy urls;

  WebhookEndpointController(ApiKeyAuthenticator authenticator, WebhookEndpoints endpoints, WebhookUrlPolicy urls) {
    this.authenticator = authenticator;
    this.endpoints = endpoints;
    this.urls = urls;
  }

  @PostMapping(path = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<ResponseEntity<WebhookEndpointView>> create(ServerHttpRequest request) {
    // The body is read before anything is answered (see IdempotentPost.body).
    return IdempotentPost.body(request)
        .flatMap(body -> MerchantAuthentication.required(authenticator,
                request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION))
            .flatMap(merchant -> {
              EndpointRequest checked = parse(body);
              return endpoints.create(merchant.id(), checked.url(), checked.events());
            }))
        .map(created -> ResponseEntity.status(HttpStatus.CREATED).body(WebhookEndpointView.withSecret(created)));
  }

  @GetMapping(path = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<EndpointList> list(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
      @RequestParam Map<String, String> parameters) {
    return MerchantAuthentication.required(authenticator, authorization).flatMap(merchant -> {
      ListParameters checked = new ListParameters(parameters, PARAMETERS);
      int limit = checked.limit();
      String startingAfter = checked.id("startingAfter", WebhookEndpoints::isWellFormed, "invalid_cursor",
          "must be the id of a webhook endpoint (we_...)");
      checked.refuseAny();
      return endpoints.list(merchant.id(), limit, startingAfter);
    }).map(page -> new EndpointList(page.data().stream().map(WebhookEndpointView::of).toList(), page.hasMore()));
  }

  @GetMapping(path = PATH + "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<WebhookEndpointView> get(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false)
      String authorization, @PathVariable String id) {
    return MerchantAuthentication.required(authenticator, authorization)
        .flatMap(merchant -> WebhookEndpoints.isWellFormed(id) ? endpoints.find(merchant.id(), id) : Mono.empty())
        .map(WebhookEndpointView::of)
        .switchIfEmpty(Mono.error(() -> notFound(id)));
  }

  @DeleteMapping(path = PATH + "/{id}")
  Mono<ResponseEntity<Void>> delete(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false)
      String authorization, @PathVariable String id) {
    return MerchantAuthentication.required(authenticator, authorization)
        .flatMap(merchant -> WebhookEndpoints.isWellFormed(id) ? endpoints.delete(merchant.id(), id)
            : Mono.just(false))
        .flatMap(deleted -> deleted ? Mono.just(ResponseEntity.noContent().<Void>build())
            : Mono.error(notFound(id)));
  }

  @PostMapping(path = PATH + "/{id}/rotate-secret", produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<WebhookEndpointView> rotate(ServerHttpRequest request, @PathVariable String id) {
    return IdempotentPost.body(request)
        .flatMap(ignored -> MerchantAuthentication.required(authenticator,
            request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION)))
        .flatMap(merchant -> WebhookEndpoints.isWellFormed(id) ? endpoints.rotate(merchant.id(), id)
            : Mono.empty())
        .map(WebhookEndpointView::withSecret)
        .switchIfEmpty(Mono.error(() -> notFound(id)));
  }

  /** The request's url and events, or a 422 naming every wrong field (400 for a body that is not JSON). */
  EndpointRequest parse(String body) {
    JsonNode root = JsonFields.readObject(body);
    List<FieldError> errors = new ArrayList<>();
    JsonFields.unknownFields(root, FIELDS, "a webhook endpoint", errors);
    String url = url(root.get("url"), errors);
    List<String> events = events(root.get("events"), errors);
    if (!errors.isEmpty()) {
      throw ApiProblem.invalidFields(JsonFields.INVALID_FIELDS, errors);
    }
    return new EndpointRequest(url, events);
  }

  private String url(JsonNode node, List<FieldError> errors) {
    if (node == null || node.isNull()) {
      errors.add(new FieldError("url", "required", "is required: the https URL deliveries are POSTed to"));
      return null;
    }
    if (!node.isString()) {
      errors.add(new FieldError("url", "invalid_type", "must be a string"));
      return null;
    }
    String text = node.stringValue();
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      errors.add(new FieldError("url", "invalid_url", "is not a valid URL"));
      return null;
    }
    if (urls.checkSyntax(uri) instanceof Verdict.Refused refused) {
      errors.add(new FieldError("url", refused.code(), refused.reason()));
      return null;
    }
    return text;
  }

  private static List<String> events(JsonNode node, List<FieldError> errors) {
    if (node == null || node.isNull()) {
      errors.add(new FieldError("events", "required", "is required: a list of event types, or [\"*\"] for all"));
      return List.of();
    }
    if (!node.isArray() || node.isEmpty()) {
      errors.add(new FieldError("events", "invalid_type",
          "must be a non-empty list of event types, or [\"*\"] for all"));
      return List.of();
    }
    Set<String> events = new LinkedHashSet<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode entry = node.get(i);
      String name = entry.isString() ? entry.stringValue() : null;
      if (name == null || !(name.equals(WebhookEventType.ALL) || WebhookEventType.fromWire(name).isPresent())) {
        errors.add(new FieldError("events[" + i + "]", "unknown_event_type",
            "must be one of " + WebhookEventType.wireNames() + ", or \"*\" for all"));
        continue;
      }
      events.add(name);
    }
    if (events.contains(WebhookEventType.ALL) && events.size() > 1) {
      // "*" already means every type; a list with both would read as if it meant something narrower.
      errors.add(new FieldError("events", "wildcard_not_alone", "\"*\" subscribes to every type: list it alone"));
    }
    return List.copyOf(events);
  }

  private static ApiProblem notFound(String id) {
    return ApiProblem.of(HttpStatus.NOT_FOUND, "webhook_endpoint_not_found", "Webhook endpoint not found",
        "no webhook endpoint " + id + " exists for this merchant");
  }
}
