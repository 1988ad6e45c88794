package dev.paymentrouter.stripeapi;

import dev.paymentrouter.intent.domain.Decision.Rejection;
import dev.paymentrouter.intent.domain.Modification;
import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.intent.runtime.IntentIds;
import dev.paymentrouter.intent.runtime.IntentLifecycle.CommandResult;
import dev.paymentrouter.intent.runtime.IntentLifecycle;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * Stripe's Refunds of PaymentIntents (PostRefunds, GetRefundsRefund, GetRefunds of Stripe's OpenAPI spec): a refund is
 * the intent's refund command, decided by its owner (never more than was taken, also when refunds race) and sent to
 * the provider that took the payment. Refunds of a Charge by its id are not served: a PaymentIntent names the payment.
 */
final class RefundsHandler {

  static final String PATH = "/v1/refunds";
  private static final Set<String> REASONS = Set.of("duplicate", "fraudulent", "requested_by_customer");
  private static final Map<String, String> UNSUPPORTED = Map.of(
      "charge", "refunds name the payment_intent (Charges are not supported)",
      "refund_application_fee", "Connect is not supported",
      "reverse_transfer", "Connect is not supported",
      "instructions_email", "refunds to customers without a card are not supported",
      "origin", "refunds of customer balance transactions are not supported");

  private static final Map<String, String> LIST_UNSUPPORTED = Map.of(
      "ending_before", "refunds are listed newest first, from the newest or after starting_after",
      "created", "refunds are listed newest first, from the newest or after starting_after",
      "charge", "refunds name the payment_intent (Charges are not supported)");

  private final StripeRequests requests;
  private final IntentLifecycle lifecycle;
  private final IntentIds ids;
  private final Duration wait;
  private final Duration retryAfter;

  RefundsHandler(StripeRequests requests, IntentLifecycle lifecycle, IntentIds ids, Duration wait,
      Duration retryAfter) {
    this.requests = requests;
    this.lifecycle = lifecycle;
    this.ids = ids;
    this.wait = wait;
    this.retryAfter = retryAfter;
  }

  /** {@code POST /v1/refunds}: all of what is left of the PaymentIntent's payment, or {@code amount} of it. */
  Mono<ServerResponse> create(ServerRequest request) {
    return requests.post(request).flatMap(post -> {
      StripeParams params = post.params();
      StripeFields.refuseOthers(params, Set.of("payment_intent", "amount", "reason", "metadata"), StripeFields.EXPAND,
          UNSUPPORTED);
      String intentId = StripeFields.text(params, "payment_intent", 64);
      if (intentId == null) {
        throw StripeApiError.missing("payment_intent");
      }
      Long amount = StripeFields.optionalAmount(params, "amount");
      String reason = StripeFields.oneOf(params, "reason", REASONS);
      Map<String, String> metadata = new TreeMap<>(StripeFields.metadata(params));
      metadata.values().removeIf(String::isEmpty);
      Map<String, Object> fields = new HashMap<>();
      fields.put("payment_intent", intentId);
      fields.put("amount", amount);
      fields.put("reason", reason);
      fields.put("metadata", metadata);
      String key = "stripe:" + (post.idempotencyKey() != null ? post.idempotencyKey() : ids.next("key_"));
      return lifecycle.refund(post.merchant().id(), intentId, amount == null ? 0 : amount, reason, metadata, key,
              StripeFields.hash("create_refund", fields), wait)
          .flatMap(result -> refunded(result, intentId));
    }).onErrorResume(failure -> StripeResponses.failure(failure, request.exchange()));
  }

  /** {@code GET /v1/refunds/{id}}. */
  Mono<ServerResponse> retrieve(ServerRequest request) {
    String id = request.pathVariable("id");
    return requests.get(request).flatMap(get -> {
      get.params().refuseUnknown(StripeFields.EXPAND);
      return lifecycle.findRefund(get.merchant().id(), id)
          .map(stored -> StripeObjects.refund(stored.intentId(), stored.currency(), stored.refund()))
          .switchIfEmpty(Mono.error(() -> StripeApiError.missingResource("refund", id, "id")))
          .flatMap(StripeResponses::ok);
    }).onErrorResume(failure -> StripeResponses.failure(failure, request.exchange()));
  }

  /** {@code GET /v1/refunds}: the merchant's refunds newest first, of one PaymentIntent when it names one. */
  Mono<ServerResponse> list(ServerRequest request) {
    return requests.get(request).flatMap(get -> {
      StripeParams params = get.params();
      // The refunds' list reads forward only: auto-pagination never needs more.
      StripeFields.refuseOthers(params, Set.of("payment_intent", "limit", "starting_after"), StripeFields.EXPAND,
          LIST_UNSUPPORTED);
      String intentId = StripeFields.text(params, "payment_intent", 64);
      if (intentId != null && !IntentIds.isWellFormed(intentId)) {
        throw StripeApiError.missingResource("payment_intent", intentId, "payment_intent");
      }
      String startingAfter = StripeFields.cursor(params, "starting_after");
      if (startingAfter != null && !IntentIds.isWellFormedRefund(startingAfter)) {
        throw StripeApiError.invalidValue("parameter_invalid_string", "starting_after",
            "Invalid starting_after: must be the id of a refund (re_...).");
      }
      return lifecycle.listRefunds(get.merchant().id(), intentId, StripeFields.limit(params), startingAfter)
          .flatMap(page -> StripeResponses.ok(StripeObjects.list(page.data().stream()
              .map(stored -> StripeObjects.refund(stored.intentId(), stored.currency(), stored.refund())).toList(),
              page.hasMore(), PATH)));
    }).onErrorResume(failure -> StripeResponses.failure(failure, request.exchange()));
  }

  /**
   * The refund the command started (a refund the provider refused is still a refund, {@code failed}, as at Stripe),
   * or the error that says why none was.
   */
  private Mono<ServerResponse> refunded(CommandResult result, String intentId) {
    return switch (result) {
      case CommandResult.Done done -> {
        PaymentIntent intent = done.intent();
        Modification refund = intent.modification(done.modificationId()).orElseThrow(() -> new IllegalStateException(
            "intent " + intent.id() + " has no modification " + done.modificationId() + " for its refund"));
        StripeObjects.RefundObject object = StripeObjects.refund(intent.id(), intent.amount().currency(), refund);
        yield done.replayed() ? StripeResponses.replayed(object) : StripeResponses.ok(object);
      }
      case CommandResult.Rejected rejected -> Mono.error(Rejection.AMOUNT_TOO_LARGE.code().equals(rejected.code())
          ? StripeApiError.invalid("amount_too_large", "amount", "Refund amount is greater than what is left to "
              + "refund of PaymentIntent " + intentId + ": " + rejected.message() + ".")
          : StripeApiError.invalid("charge_not_refundable", "payment_intent", "PaymentIntent " + intentId
              + " cannot be refunded now: " + rejected.message() + "."));
      case CommandResult.NotFound notFound -> Mono.error(
          StripeApiError.missingResource("payment_intent", intentId, "payment_intent"));
      case CommandResult.KeyReused reused -> Mono.error(StripeApiError.idempotencyMismatch());
      case CommandResult.Unavailable unavailable -> Mono.error(StripeApiError.unavailable("intent_unavailable",
          "PaymentIntent " + intentId + " cannot take a refund now (" + unavailable.reason() + "); retry later "
              + "with the same Idempotency-Key.", retryAfter));
    };
  }
}
