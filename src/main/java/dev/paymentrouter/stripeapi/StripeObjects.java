package dev.paymentrouter.stripeapi;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.paymentrouter.intent.domain.Attempt;
import dev.paymentrouter.intent.domain.AttemptStatus;
import dev.paymentrouter.intent.domain.IntentStatus;
import dev.paymentrouter.intent.domain.Modification;
import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.provider.domain.ModificationRequest;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The objects of Stripe's API the door answers with (PaymentIntent, Refund, list, error), field names as Stripe
 * spells them (snake case, written by {@link StripeResponses}), filled from the router's intents. Shapes follow the
 * PaymentIntent, Refund and Error objects of Stripe's published OpenAPI spec; only the fields its clients read are
 * filled, the payment token never (an intent does not keep it past its charge, and answers never show it).
 */
final class StripeObjects {

  /**
   * Read-only metadata keys the router adds to every PaymentIntent it charged: {@code router_provider} (the provider
   * that holds the payment, or the last one tried) and {@code router_attempts} (each attempt as
   * {@code number:provider:status}, in order). A client that sends a key with this prefix is refused.
   */
  static final String ROUTER_PREFIX = "router_";
  static final String ROUTER_PROVIDER = ROUTER_PREFIX + "provider";
  static final String ROUTER_ATTEMPTS = ROUTER_PREFIX + "attempts";

  private static final List<String> CARD = List.of("card");
  private static final Set<String> CANCELLATION_REASONS =
      Set.of("abandoned", "duplicate", "fraudulent", "requested_by_customer");

  /** A PaymentIntent. */
  record PaymentIntentObject(
      String id,
      String object,
      long amount,
      long amountCapturable,
      long amountReceived,
      String captureMethod,
      Long canceledAt,
      String cancellationReason,
      String clientSecret,
      String confirmationMethod,
      long created,
      String currency,
      String description,
      StripeStatus.LastPaymentError lastPaymentError,
      String latestCharge,
      boolean livemode,
      Map<String, String> metadata,
      Object nextAction,
      String paymentMethod,
      List<String> paymentMethodTypes,
      String status) {}

  /** A Refund. */
  record RefundObject(
      String id,
      String object,
      long amount,
      String charge,
      long created,
      String currency,
      String failureReason,
      Map<String, String> metadata,
      String paymentIntent,
      String reason,
      String status) {}

  /** A page of a list. */
  record ListObject(String object, List<?> data, boolean hasMore, String url) {}

  /** The body of every error answer. */
  record ErrorEnvelope(ErrorBody error) {}

  /** An error; absent members are left out, as Stripe leaves them out. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record ErrorBody(String type, String code, String declineCode, String message, String param,
      Object paymentIntent) {}

  private StripeObjects() {}

  /** A stored intent as a PaymentIntent. */
  static PaymentIntentObject paymentIntent(PaymentIntent intent) {
    Modification cancel = intent.status() == IntentStatus.CANCELED
        ? intent.modifications().stream().filter(m -> m.kind() == ModificationRequest.Kind.CANCEL).reduce(
            (first, second) -> second).orElse(null)
        : null;
    Long canceledAt = intent.status() != IntentStatus.CANCELED ? null
        : seconds(cancel != null ? cancel.updatedAt() : intent.updatedAt());
    String reason = cancel != null && CANCELLATION_REASONS.contains(cancel.reason()) ? cancel.reason() : null;
    return new PaymentIntentObject(intent.id(), "payment_intent", intent.amount().amountMinor(),
        intent.amountCapturable(), intent.amountReceived(), intent.captureMethod().wireName(), canceledAt, reason,
        null, "automatic", seconds(intent.createdAt()), currency(intent.amount().currency()), intent.description(),
        StripeStatus.lastPaymentError(intent), latestCharge(intent), false, metadata(intent), null, null, CARD,
        StripeStatus.of(intent));
  }

  /** A PaymentIntent created unconfirmed, that has no intent yet. */
  static PaymentIntentObject paymentIntent(StripeDrafts.Draft draft) {
    String status = draft.canceledAt() != null ? "canceled"
        : draft.hasPaymentMethod() ? "requires_confirmation" : "requires_payment_method";
    return new PaymentIntentObject(draft.id(), "payment_intent", draft.amount(), 0, 0,
        draft.captureMethod().wireName(), draft.canceledAt() == null ? null : seconds(draft.canceledAt()),
        draft.cancellationReason(), null, "automatic", seconds(draft.createdAt()), currency(draft.currency()),
        draft.description(), null, null, false, draft.metadata(), null, null, CARD, status);
  }

  /** One of an intent's refunds as a Refund. */
  static RefundObject refund(String intentId, String currency, Modification refund) {
    String status = switch (refund.status()) {
      case SUCCEEDED -> "succeeded";
      case FAILED -> "failed";
      // The router's own doubt (unknown) is not a state of the refund: to the client it is still on its way.
      case IN_FLIGHT, PENDING, UNKNOWN -> "pending";
    };
    return new RefundObject(refund.id(), "refund", refund.amountMinor(), null, seconds(refund.createdAt()),
        currency(currency), refund.status() == Modification.Status.FAILED ? refund.failureCode() : null,
        refund.metadata(), intentId, refund.reason(), status);
  }

  /** A page of objects; {@code url} is the list's path, which the clients' auto-pagination requests again. */
  static ListObject list(List<?> data, boolean hasMore, String url) {
    return new ListObject("list", data, hasMore, url);
  }

  /** An error's body. */
  static ErrorEnvelope error(StripeApiError error) {
    return new ErrorEnvelope(new ErrorBody(error.type(), error.code(), error.declineCode(), error.getMessage(),
        error.param(), error.paymentIntent()));
  }

  /**
   * The charge of an intent's latest attempt that reached a provider and was answered (approved, declined, or held
   * for the customer), as Stripe names the charge a PaymentIntent's latest confirmation made; null before any.
   */
  private static String latestCharge(PaymentIntent intent) {
    Attempt latest = null;
    for (Attempt attempt : intent.attempts()) {
      if (attempt.status() == AttemptStatus.APPROVED || attempt.status() == AttemptStatus.DECLINED
          || attempt.status() == AttemptStatus.ACTION_REQUIRED) {
        latest = attempt;
      }
    }
    return latest == null ? null : "ch_" + intent.id().substring("pi_".length()) + "_" + latest.number();
  }

  /** The merchant's metadata and the router's read-only keys about the attempts. */
  private static Map<String, String> metadata(PaymentIntent intent) {
    if (intent.attempts().isEmpty()) {
      return intent.metadata();
    }
    Map<String, String> metadata = new LinkedHashMap<>(intent.metadata());
    StringJoiner attempts = new StringJoiner(",");
    for (Attempt attempt : intent.attempts()) {
      attempts.add(attempt.number() + ":" + attempt.provider() + ":" + attempt.status().wireName());
    }
    metadata.put(ROUTER_PROVIDER, intent.approvedAttempt().orElse(intent.attempts().getLast()).provider());
    metadata.put(ROUTER_ATTEMPTS, attempts.toString());
    return metadata;
  }

  private static String currency(String isoCode) {
    return isoCode.toLowerCase(Locale.ROOT);
  }

  private static long seconds(Instant instant) {
    return instant.getEpochSecond();
  }
}
