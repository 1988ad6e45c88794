package dev.paymentrouter.api;

import dev.paymentrouter.api.LifecycleRequestParser.CancelRequest;
import dev.paymentrouter.api.LifecycleRequestParser.CaptureRequest;
import dev.paymentrouter.intent.runtime.IntentIds;
import dev.paymentrouter.intent.runtime.IntentLifecycle;
import dev.paymentrouter.merchant.runtime.ApiKeyAuthenticator;
import dev.paymentrouter.provider.domain.ModificationRequest.Kind;
import java.util.function.Function;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code POST /v1/payment-intents/{id}/capture} and {@code .../cancel}: the merchant's commands on a held
 * authorization, idempotent like create, each answered with the intent once the provider answered or the wait ran out.
 */
@RestController
class IntentCommandController {

  private final ApiKeyAuthenticator authenticator;
  private final IntentLifecycle lifecycle;
  private final ApiProperties properties;

  IntentCommandController(ApiKeyAuthenticator authenticator, IntentLifecycle lifecycle,
      ApiProperties properties) {
    this.authenticator = authenticator;
    this.lifecycle = lifecycle;
    this.properties = properties;
  }

  /** Captures all of the authorization, or {@code amount} of it (the rest is released). */
  @PostMapping(path = PaymentIntentController.PATH + "/{id}/capture", produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<ResponseEntity<IntentView>> capture(@PathVariable String id, ServerHttpRequest request) {
    return command(id, request, Kind.CAPTURE, post -> {
      CaptureRequest capture = LifecycleRequestParser.capture(id, post.body());
      return Mono.defer(() -> lifecycle.capture(post.merchant().id(), id, capture.amount(),
          post.idempotencyKey(), capture.hash(), post.waitFor()));
    });
  }

  /** Cancels the intent; a held authorization is released at its provider first. */
  @PostMapping(path = PaymentIntentController.PATH + "/{id}/cancel", produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<ResponseEntity<IntentView>> cancel(@PathVariable String id, ServerHttpRequest request) {
    return command(id, request, Kind.CANCEL, post -> {
      CancelRequest cancel = LifecycleRequestParser.cancel(id, post.body());
      return Mono.defer(() -> lifecycle.cancel(post.merchant().id(), id, cancel.reason(),
          post.idempotencyKey(), cancel.hash(), post.waitFor()));
    });
  }

  /**
   * Takes the request in and validates its body ({@code parse}, which returns the command unsent), then sends the
   * command. An id that cannot be an intent's is answered like an unknown one (404), without asking anyone.
   */
  private Mono<ResponseEntity<IntentView>> command(String id, ServerHttpRequest request, Kind kind,
      Function<IdempotentPost, Mono<IntentLifecycle.CommandResult>> parse) {
    return IdempotentPost.read(request, authenticator, properties).flatMap(post -> {
      Mono<IntentLifecycle.CommandResult> sent = parse.apply(post);
      return (IntentIds.isWellFormed(id) ? sent : Mono.<IntentLifecycle.CommandResult>error(
              PaymentIntentController.notFound(id)))
          .flatMap(result -> LifecycleAnswers.intent(result, kind, id, properties.retryAfter()))
          .map(post::answer);
    });
  }
}
