package dev.paymentrouter.api;

import dev.paymentrouter.intent.domain.Decision.Rejection;
import dev.paymentrouter.intent.domain.IntentTransitions;
import dev.paymentrouter.intent.runtime.CreateRequest;
import dev.paymentrouter.intent.runtime.IntentLookup;
import dev.paymentrouter.intent.runtime.IntentRouting;
import dev.paymentrouter.intent.runtime.StartResult;
import dev.paymentrouter.merchant.domain.Merchant;
import dev.paymentrouter.merchant.runtime.ApiKeyAuthenticator;
import java.net.URI;
import java.time.Duration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code /v1/payment-intents}: create (idempotent, waits briefly for a final status) and query. */
@RestController
class PaymentIntentController {

  static final String PATH = "/v1/payment-intents";

  private final ApiKeyAuthenticator authenticator;
  private final IntentStarter starter;
  private final IntentLookup lookup;
  private final ApiProperties properties;
  private final IntentRequestParser parser;

  PaymentIntentController(ApiKeyAuthenticator authenticator, IntentStarter starter, IntentLookup lookup,
      ApiProperties properties, IntentRouting routing) {
    this.parser = new IntentRequestParser(routing.tokenKeys());
    this.authenticator = authenticator;
    this.starter = starter;
    this.lookup = lookup;
    this.properties = properties;
  }

  @PostMapping(path = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<ResponseEntity<IntentView>> create(ServerHttpRequest httpRequest) {
    // While the node's CPU cannot keep up, AdmissionFilter has already refused it.
    return IdempotentPost.body(httpRequest)
        .flatMap(raw -> IdempotentPost.admit(raw, httpRequest, authenticator, properties).flatMap(this::create));
  }

  private Mono<ResponseEntity<IntentView>> create(IdempotentPost post) {
    IntentRequestParser.ParsedRequest parsed = parser.parse(post.body());
    return starter.start(correlation -> new CreateRequest(post.merchant().id(), parsed.amount(),
            parsed.paymentMethod(), parsed.reference(), parsed.metadata(), post.idempotencyKey(), parsed.hash(),
            parsed.captureMethod(), correlation, parsed.description()), null)
        .flatMap(result -> answer(result, post.merchant(), post.waitFor()))
        .map(post::answer);
  }

  @GetMapping(path = PATH + "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<ResponseEntity<IntentView>> get(
      @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
      @PathVariable String id) {
    return authenticate(authorization)
        .flatMap(merchant -> lookup.current(id, merchant.id()))
        .map(intent -> ResponseEntity.ok(IntentView.of(intent)))
        .switchIfEmpty(Mono.error(() -> notFound(id)));
  }

  private Mono<ResponseEntity<IntentView>> answer(StartResult result, Merchant merchant, Duration wait) {
    return switch (result) {
      case StartResult.Created created -> created.process().awaitSettled(wait)
          .defaultIfEmpty(created.intent())
          .map(intent -> ResponseEntity.created(URI.create(PATH + "/" + intent.id())).body(IntentView.of(intent)));
      case StartResult.Duplicate duplicate -> {
        if (!duplicate.sameRequest()) {
          yield Mono.error(IdempotentPost.keyReused());
        }
        yield lookup.settled(duplicate.existingIntentId(), merchant.id(), wait)
            .map(intent -> ResponseEntity.ok()
                .location(URI.create(PATH + "/" + intent.id()))
                .header(IdempotentPost.IDEMPOTENT_REPLAYED, "true")
                .body(IntentView.of(intent)));
      }
      case StartResult.Rejected rejected -> Mono.error(
          Rejection.NO_USABLE_PAYMENT_METHOD.code().equals(rejected.code())
              ? ApiProblem.of(HttpStatus.UNPROCESSABLE_CONTENT, "payment_method_unusable",
                  "No provider can charge this payment method",
                  rejected.message() + "; give a token for one of them in paymentMethod.tokens; nothing was stored")
              : IntentTransitions.NO_PROVIDER_AVAILABLE.equals(rejected.code())
              ? ApiProblem.unavailable(rejected.code(), "No provider available",
                  "no payment provider can take a payment now; nothing was stored", properties.retryAfter())
              : ApiProblem.of(HttpStatus.UNPROCESSABLE_CONTENT, rejected.code(), "Request refused",
                  rejected.message()));
      case StartResult.Overloaded overloaded -> Mono.error(overloaded());
      case StartResult.MerchantLimited limited -> Mono.error(ApiProblem.tooManyRequests(
          "too_many_active_intents", "Too many payments in flight for this merchant",
          "this merchant already has " + starter.capacityPerMerchant() + " payments in flight on this node; "
              + "nothing was stored, retry later", properties.retryAfter()));
      case StartResult.NotStored notStored -> Mono.error(ApiProblem.unavailable("timeout",
          "The payment could not be recorded in time",
          "the database did not take the payment in time; nothing was stored, retry with the same Idempotency-Key",
          properties.retryAfter()));
      case StartResult.MayExist mayExist -> Mono.error(ApiProblem.unavailable("outcome_unknown",
          "The payment may have been recorded",
          "the database did not confirm the payment in time (" + mayExist.reason() + "); it may exist and go on, "
              + "so retry with the same Idempotency-Key: you get it if it exists, else it is created",
          properties.retryAfter()));
    };
  }

  private ApiProblem overloaded() {
    return ApiProblem.unavailable("overloaded", "Too many payments in flight",
        "the router is at capacity; nothing was stored, retry later", properties.retryAfter());
  }

  private Mono<Merchant> authenticate(String authorization) {
    return MerchantAuthentication.required(authenticator, authorization);
  }

  static ApiProblem notFound(String id) {
    return ApiProblem.of(HttpStatus.NOT_FOUND, "intent_not_found", "Payment intent not found",
        "no payment intent " + id + " exists for this merchant");
  }
}
