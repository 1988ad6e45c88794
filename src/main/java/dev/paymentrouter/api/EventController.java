package dev.paymentrouter.api;

import dev.paymentrouter.intent.runtime.OutboxReader;
import dev.paymentrouter.merchant.runtime.ApiKeyAuthenticator;
import dev.paymentrouter.webhook.runtime.DeliveryStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * {@code /v1/events}: the events the router owes the merchant, each written with the change it tells of, newest
 * first; what webhook deliveries carry.
 */
@RestController
class EventController {

  static final String PATH = "/v1/events";
  private static final Set<String> PARAMETERS = Set.of("type", "limit", "startingAfter");
  private static final Pattern EVENT_ID = Pattern.compile("evt_[0-9A-Z]{26}");
  private static final Pattern TYPE = Pattern.compile("[a-z_]+\\.[a-z_]+");

  /** An event as the API (and a delivery) shows it. */
  record EventView(String id, String type, Instant createdAt, JsonNode data) {
    static EventView of(OutboxReader.StoredEvent event) {
      return new EventView(event.id(), event.type(), event.createdAt(), event.data());
    }
  }

  /** A page as the API shows it. */
  record EventList(List<EventView> data, boolean hasMore) {}

  /** What a redelivery answers. */
  record Redelivery(String id, boolean redelivered) {}

  private final ApiKeyAuthenticator authenticator;
  private final OutboxReader events;
  private final DeliveryStore deliveries;
  private final Clock clock;

  EventController(ApiKeyAuthenticator authenticator, OutboxReader events, DeliveryStore deliveries, Clock clock) {
    this.authenticator = authenticator;
    this.events = events;
    this.deliveries = deliveries;
    this.clock = clock;
  }

  /**
   * Sends the event again, now, to every endpoint subscribed to it (one that has it already gets it again; the
   * webhook-id stays the event's id, so a receiver that has it can tell).
   */
  @PostMapping(path = PATH + "/{id}/redeliver", produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<ResponseEntity<Redelivery>> redeliver(
      @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
      @PathVariable String id) {
    return MerchantAuthentication.required(authenticator, authorization)
        .flatMap(merchant -> EVENT_ID.matcher(id).matches()
            ? deliveries.redeliver(merchant.id(), id, clock.instant()) : Mono.just(false))
        .flatMap(found -> found
            ? Mono.just(ResponseEntity.accepted().body(new Redelivery(id, true)))
            : Mono.error(notFound(id)));
  }

  @GetMapping(path = PATH + "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<EventView> get(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
      @PathVariable String id) {
    return MerchantAuthentication.required(authenticator, authorization)
        .flatMap(merchant -> EVENT_ID.matcher(id).matches() ? events.find(merchant.id(), id)
            : Mono.<OutboxReader.StoredEvent>empty())
        .map(EventView::of)
        .switchIfEmpty(Mono.error(() -> notFound(id)));
  }

  @GetMapping(path = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<EventList> list(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
      @RequestParam Map<String, String> parameters) {
    return MerchantAuthentication.required(authenticator, authorization).flatMap(merchant -> {
      ListParameters checked = new ListParameters(parameters, PARAMETERS);
      String type = checked.id("type", text -> TYPE.matcher(text).matches(), "invalid_type",
          "must be an event type, e.g. payment_intent.succeeded");
      int limit = checked.limit();
      String startingAfter = checked.id("startingAfter", text -> EVENT_ID.matcher(text).matches(), "invalid_cursor",
          "must be the id of an event (evt_...)");
      checked.refuseAny();
      return events.list(merchant.id(), type, limit, startingAfter);
    }).map(page -> new EventList(page.data().stream().map(EventView::of).toList(), page.hasMore()));
  }

  private static ApiProblem notFound(String id) {
    return ApiProblem.of(HttpStatus.NOT_FOUND, "event_not_found", "Event not found",
        "no event " + id + " exists for this merchant");
  }
}
