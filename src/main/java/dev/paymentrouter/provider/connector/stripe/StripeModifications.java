package dev.paymentrouter.provider.connector.stripe;

import dev.paymentrouter.provider.domain.ModificationOutcome;
import java.util.Set;

/**
 * How Stripe's answers to a capture, a cancel or a refund map to outcomes: the modification counterpart of
 * {@link StripeClassification}. The rule behind every row: only an answer that proves no money moved may become
 * {@code Refused} or {@code NotSent}; anything ambiguous is {@code Unknown}, and Stripe is asked again.
 */
final class StripeModifications {

  /**
   * 400 and 404 codes with which Stripe refuses a modification of this one payment for good. Stripe checks each of
   * them before it moves money and answers with the error instead of the object, so each proves that nothing moved;
   * the comment on each row says why it is also final (asking again gets the same answer).
   */
  static final Set<String> REFUSAL_CODES = Set.of(
      // The PaymentIntent is not in a state that allows this (a capture of one already captured or canceled, a
      // cancel of one already succeeded): Stripe checked the state and changed nothing. A replay past Stripe's key
      // retention gets this too, which is why reconciliation reads the PaymentIntent before it replays.
      "payment_intent_unexpected_state",
      // The authorization expired (Stripe cancels an uncaptured PaymentIntent after its capture window) and the
      // hold is released: nothing can be taken any more.
      "charge_expired_for_capture",
      // Captured before: Stripe captures a PaymentIntent once; this capture took nothing more.
      "charge_already_captured",
      // Everything captured is refunded already: there is nothing this refund could give back.
      "charge_already_refunded",
      // More than is left to refund (or to capture): refused whole, Stripe never moves part of a refused amount.
      "amount_too_large",
      "amount_too_small",
      // A disputed charge is settled through its dispute: Stripe refuses the refund and gives nothing back.
      "charge_disputed",
      // Our Stripe balance cannot cover the refund: Stripe refuses it rather than leave it half done.
      "balance_insufficient",
      // The PaymentIntent does not exist on this account (it was made under another key or account): there is
      // nothing here Stripe could move.
      "resource_missing");

  private StripeModifications() {}

  /** A capture answered 200: the PaymentIntent as it is after the capture. */
  static ModificationOutcome forCapture(StripePaymentIntent intent) {
    return switch (intent.status()) {
      // Captured: the money is taken. The Charge is the money movement's record, the PaymentIntent its holder.
      case "succeeded" -> new ModificationOutcome.Succeeded(
          intent.latestCharge() != null ? intent.latestCharge() : intent.id());
      // Accepted and still being processed (some payment methods capture asynchronously): money will move, or the
      // PaymentIntent will say it did not.
      case "processing" -> new ModificationOutcome.Pending(intent.id());
      // A 200 to a capture with any other status is not a proof of anything.
      default -> new ModificationOutcome.Unknown("unexpected_payment_intent_status");
    };
  }

  /** A cancel answered 200: the PaymentIntent as it is after the cancel. */
  static ModificationOutcome forCancel(StripePaymentIntent intent) {
    // Canceled: the hold is released and Stripe makes no further charge on it. Money received before a cancel
    // (not possible for an uncaptured card payment) would not be released: unknown.
    if ("canceled".equals(intent.status()) && intent.amountReceived() == 0) {
      return new ModificationOutcome.Succeeded(intent.id());
    }
    return new ModificationOutcome.Unknown("unexpected_payment_intent_status");
  }

  /** A Refund, whether a refund call answered with it or the reconciliation found it. */
  static ModificationOutcome forRefund(StripeRefund refund) {
    return switch (refund.status()) {
      // Given back.
      case "succeeded" -> new ModificationOutcome.Succeeded(refund.id());
      // Accepted; the money goes back when the card network or the customer's bank confirms (pending), or once the
      // customer gave the details some methods need (requires_action). Stripe ends it as succeeded, failed or
      // canceled, so it is asked again.
      case "pending", "requires_action" -> new ModificationOutcome.Pending(refund.id());
      // Failed: the money could not be sent back and Stripe returned it to our balance; nothing moved for good.
      case "failed" -> new ModificationOutcome.Refused(
          refund.failureReason() != null ? refund.failureReason() : "refund_failed");
      // Canceled before it was sent (only a refund waiting for action can be): nothing given back.
      case "canceled" -> new ModificationOutcome.Refused("refund_canceled");
      // A status added after our pinned version: not a proof of anything.
      default -> new ModificationOutcome.Unknown("unexpected_refund_status");
    };
  }

  /**
   * The outcome of an error answer to a capture, cancel or refund, by HTTP status and Stripe's error object
   * ({@code null} when the body was not one). Rows are tried in order.
   */
  static ModificationOutcome forError(int status, StripeError error) {
    String code = error == null ? null : error.code();
    String type = error == null ? null : error.type();
    // 409 idempotency_key_in_use: the first request under this key is still running and may be moving money now.
    if (status == 409 || "idempotency_key_in_use".equals(code)) {
      return new ModificationOutcome.Unknown("provider_idempotency_key_in_use");
    }
    // idempotency_error: the key is bound to other parameters. Our form is a pure function of the modification, so
    // the key is bound to a request we cannot see, which may have moved money.
    if ("idempotency_error".equals(type) || "idempotency_error".equals(code)) {
      return new ModificationOutcome.Unknown("provider_idempotency_error");
    }
    // 429 (a rate limit, or a lock Stripe could not take): turned away before execution, with no stored result.
    if (status == 429) {
      return new ModificationOutcome.NotSent("lock_timeout".equals(code) ? "provider_lock_timeout"
          : "provider_rate_limited");
    }
    // 401 and 403: no request runs with this key (wrong, expired, or without the permission), and none will until an
    // operator replaces it.
    if (status == 401) {
      return new ModificationOutcome.NotSent(code != null ? code : "provider_unauthorized", true);
    }
    if (status == 403) {
      return new ModificationOutcome.NotSent(code != null ? code : "provider_forbidden", true);
    }
    // Anything else without Stripe's error object (a proxy's page, a truncated body) does not show that Stripe
    // looked at the request at all, nor that it did not: ask again.
    if (error == null) {
      return new ModificationOutcome.Unknown("provider_status_" + status);
    }
    if (status == 400 || status == 404) {
      // Our key, account or request shape: refused, and every modification would be until an operator fixes it.
      if (code != null && StripeClassification.CONFIGURATION_CODES.contains(code)) {
        return new ModificationOutcome.NotSent(code, true);
      }
      // 404 without a code: a path Stripe does not have ("Unrecognized request URL"), i.e. a wrong base URL.
      if (status == 404 && code == null) {
        return new ModificationOutcome.NotSent("provider_status_404", true);
      }
      // Stripe validated the request against the payment and refused it for good, before moving anything.
      if (code != null && REFUSAL_CODES.contains(code)) {
        return new ModificationOutcome.Refused(code);
      }
      // Any other 400: Stripe validates before it executes, so nothing moved; but we cannot tell that asking again
      // is pointless, so it is not sent rather than refused for good.
      return new ModificationOutcome.NotSent(code != null ? code : "provider_status_" + status);
    }
    // 402: "the parameters were valid but the request failed", with Stripe's error object saying why (a capture the
    // issuer refused): Stripe reports a failure only when nothing moved.
    if (status == 402) {
      return new ModificationOutcome.Refused(error.reason() != null ? error.reason() : "provider_status_402");
    }
    // 5xx: Stripe failed somewhere, perhaps after moving the money. Any other status: not a proof of anything.
    return new ModificationOutcome.Unknown("provider_status_" + status);
  }

  /**
   * What a PaymentIntent read during a capture's reconciliation proves, or null while the capture could still happen
   * (it is {@code requires_capture}: the capture never ran, or runs right now), so only a replay can tell.
   */
  static ModificationOutcome capturedAlready(StripePaymentIntent intent, long amountMinor) {
    return switch (intent.status()) {
      // Captured. The router sends one capture per PaymentIntent; another amount means someone else captured it
      // (the dashboard): money moved, but not as recorded, so an operator must look.
      case "succeeded" -> intent.amountReceived() == amountMinor
          ? forCapture(intent)
          : new ModificationOutcome.Unknown("captured_amount_differs");
      case "requires_capture" -> null;
      // Canceled with nothing received: the hold is released and no capture can follow.
      case "canceled" -> intent.amountReceived() == 0
          ? new ModificationOutcome.Refused("payment_intent_canceled")
          : new ModificationOutcome.Unknown("payment_intent_canceled_after_payment");
      // Never authorized (its confirmation failed or waits): there was nothing to capture, and no capture can run.
      case "requires_payment_method", "requires_confirmation", "requires_action" ->
          new ModificationOutcome.Refused("payment_intent_unexpected_state");
      // processing, and statuses added after our pinned version: ask again later.
      default -> new ModificationOutcome.Unknown("payment_intent_" + intent.status());
    };
  }

  /**
   * What a PaymentIntent read during a cancel's reconciliation proves, or null while the cancel could still happen
   * (Stripe cancels a PaymentIntent in any status short of succeeded or canceled), so only a replay can tell.
   */
  static ModificationOutcome canceledAlready(StripePaymentIntent intent) {
    return switch (intent.status()) {
      // Canceled: the hold is released, by this cancel or by Stripe at the end of the capture window; either way
      // nothing will be taken.
      case "canceled" -> forCancel(intent);
      // Captured: a cancel of a succeeded PaymentIntent is refused, so this one released nothing.
      case "succeeded" -> new ModificationOutcome.Refused("payment_intent_unexpected_state");
      default -> null;
    };
  }

  /** What a reconciliation may answer: a NotSent of the replay proves nothing about the original. */
  static ModificationOutcome forStatus(ModificationOutcome outcome) {
    return outcome instanceof ModificationOutcome.NotSent notSent
        ? new ModificationOutcome.Unknown(notSent.reason())
        : outcome;
  }
}
