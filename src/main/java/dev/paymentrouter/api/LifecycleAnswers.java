package dev.paymentrouter.api;

import dev.paymentrouter.intent.domain.Decision.Rejection;
import dev.paymentrouter.intent.domain.Modification;
import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.intent.runtime.IntentLifecycle.CommandResult;
import dev.paymentrouter.provider.domain.ModificationRequest.Kind;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import reactor.core.publisher.Mono;

/**
 * The answers to capture, cancel and refund: what each {@link CommandResult} means over HTTP. A replay gets the
 * answer of the first request (200 and {@code Idempotent-Replayed: true}); whatever the intent's state refuses is a
 * problem with the domain's own rejection code.
 */
final class LifecycleAnswers {

  private LifecycleAnswers() {}

  /**
   * The answer to a capture or cancel: the intent. A capture or cancel the provider refused (its modification
   * failed, nothing moved) is a 402 naming the provider's code; the authorization still stands, and a retry needs a
   * new key, since this one now names that failed modification.
   */
  static Mono<ResponseEntity<IntentView>> intent(CommandResult result, Kind kind, String intentId,
      Duration retryAfter) {
    return done(result, intentId, retryAfter).flatMap(done -> {
      Optional<Modification> failed = Optional.ofNullable(done.modificationId())
          .flatMap(done.intent()::modification)
          .filter(modification -> modification.status() == Modification.Status.FAILED);
      if (failed.isPresent()) {
        String operation = kind.name().toLowerCase(Locale.ROOT);
        return Mono.error(ApiProblem.paymentRefused(operation + "_failed", "The provider refused the " + operation,
            "the provider refused the " + operation + " of intent " + intentId + " (" + failed.get().failureCode()
                + "); nothing moved, the authorization stands; retry with a new Idempotency-Key",
            failed.get().failureCode()));
      }
      ResponseEntity.BodyBuilder ok = ResponseEntity.ok();
      if (done.replayed()) {
        ok.header(IdempotentPost.IDEMPOTENT_REPLAYED, "true");
      }
      return Mono.just(ok.body(IntentView.of(done.intent())));
    });
  }

  /**
   * The answer to a refund: the refund, 201 when new. A refund the provider refused is still a refund, with status
   * {@code failed} and its {@code failureCode} (as Stripe shows one).
   */
  static Mono<ResponseEntity<RefundView>> refund(CommandResult result, String intentId, Duration retryAfter) {
    return done(result, intentId, retryAfter).map(done -> {
      PaymentIntent intent = done.intent();
      Modification refund = intent.modification(done.modificationId()).orElseThrow(() -> new IllegalStateException(
          "intent " + intent.id() + " has no modification " + done.modificationId() + " for its refund"));
      URI location = URI.create(RefundController.PATH + "/" + refund.id());
      RefundView view = RefundView.of(intent.id(), intent.amount().currency(), refund);
      return done.replayed()
          ? ResponseEntity.ok().location(location).header(IdempotentPost.IDEMPOTENT_REPLAYED, "true").body(view)
          : ResponseEntity.created(location).body(view);
    });
  }

  /** The command's outcome when it was taken; every other result as the problem that answers it. */
  private static Mono<CommandResult.Done> done(CommandResult result, String intentId, Duration retryAfter) {
    return switch (result) {
      case CommandResult.Done done -> Mono.just(done);
      case CommandResult.Rejected rejected -> Mono.error(rejected(rejected));
      case CommandResult.NotFound notFound -> Mono.error(PaymentIntentController.notFound(intentId));
      case CommandResult.KeyReused reused -> Mono.error(IdempotentPost.keyReused());
      case CommandResult.Unavailable unavailable -> Mono.error(ApiProblem.unavailable("intent_unavailable",
          "The payment intent cannot take commands now",
          "intent " + intentId + " cannot take a command now (" + unavailable.reason() + "); retry later "
              + "with the same Idempotency-Key", retryAfter));
    };
  }

  private static ApiProblem rejected(CommandResult.Rejected rejected) {
    HttpStatus status = Arrays.stream(Rejection.values())
        .filter(rejection -> rejection.code().equals(rejected.code()))
        .findFirst()
        .map(LifecycleAnswers::status)
        .orElse(HttpStatus.CONFLICT);
    String title = status == HttpStatus.UNPROCESSABLE_CONTENT
        ? "The amount is more than is left" : "The payment intent's state refuses this";
    return ApiProblem.of(status, rejected.code(), title, rejected.message());
  }

  /** The status of each rejection a command may meet; no {@code default}, so a new rejection is placed here. */
  private static HttpStatus status(Rejection rejection) {
    return switch (rejection) {
      // The request asks for more money than the intent has left to capture or refund: the same request will never
      // fit, whatever happens next (another refund may only make less left).
      case AMOUNT_TOO_LARGE -> HttpStatus.UNPROCESSABLE_CONTENT;
      // The request is fine, the intent's state is not (yet or any more): a conflict with the resource.
      case INTENT_NOT_CAPTURABLE, INTENT_NOT_CANCELABLE, INTENT_NOT_REFUNDABLE, MODIFICATION_IN_PROGRESS,
          MODIFICATION_EXISTS, INTENT_FINAL, INTENT_UNRESOLVED, INTENT_PROCESSING -> HttpStatus.CONFLICT;
      // Rejections of the router's own commands (outcomes, reconciliation, parking, create); should one ever answer
      // a merchant's command, the intent's state refused it, which is a conflict too.
      case INTENT_EXISTS, INTENT_NOT_FOUND, NO_PROVIDER_AVAILABLE, NO_USABLE_PAYMENT_METHOD, ATTEMPT_NOT_IN_FLIGHT,
          ATTEMPT_NOT_UNKNOWN, INTENT_NOT_UNRESOLVED, TOO_EARLY_TO_TELL, STATUS_UNAVAILABLE, STATUS_NOT_ASKED,
          INTENT_NOT_PARKED, MODIFICATION_NOT_IN_FLIGHT, MODIFICATION_NOT_OPEN -> HttpStatus.CONFLICT;
    };
  }
}
