package dev.paymentrouter.stripeapi;

import dev.paymentrouter.intent.domain.Attempt;
import dev.paymentrouter.intent.domain.AttemptStatus;
import dev.paymentrouter.intent.domain.IntentStatus;
import dev.paymentrouter.intent.domain.PaymentIntent;
import java.util.List;

/**
 * What an intent's state means in Stripe's words: its PaymentIntent {@code status}, and the {@code last_payment_error}
 * of one whose payment failed. A table with a reason per row, because a Stripe client acts on the status it reads
 * (it ships goods on {@code succeeded}, asks for another card on {@code requires_payment_method}): no row may promise
 * more than the router knows.
 */
final class StripeStatus {

  /** A decline in Stripe's words: the error's {@code code}, its {@code decline_code}, and the customer's message. */
  record Decline(String code, String declineCode, String message) {}

  /** A PaymentIntent's {@code last_payment_error}. */
  record LastPaymentError(String type, String code, String declineCode, String message) {}

  private StripeStatus() {}

  /** The PaymentIntent status of an intent. */
  static String of(PaymentIntent intent) {
    return switch (intent.status()) {
      // Stored, its provider call not answered yet (or its outcome unknown and being reconciled): Stripe's
      // "processing" says exactly that the payment may still succeed or fail, and asks the client to wait.
      case PENDING, PROCESSING -> "processing";
      // The provider took the money.
      case SUCCEEDED -> "succeeded";
      // Authorized and held (manual capture): the client captures or cancels it, as at Stripe.
      case REQUIRES_CAPTURE -> "requires_capture";
      case CANCELED -> "canceled";
      // The provider holds the payment until the customer acts (3-D Secure); the router does not drive that step,
      // but the status tells the client the truth: nothing was charged yet, and it may still be.
      case REQUIRES_ACTION -> "requires_action";
      // Nothing was charged, and the router will make no more attempts: at Stripe that is a PaymentIntent waiting
      // for another payment method, with the reason in last_payment_error.
      case FAILED -> "requires_payment_method";
    };
  }

  /**
   * Why a failed intent's payment failed: a {@code card_error} with the decline's codes when a provider declined its
   * last attempt, else an {@code api_error} naming the router's reason (no provider could take it, its attempts or
   * its time ran out). Null for any other intent.
   */
  static LastPaymentError lastPaymentError(PaymentIntent intent) {
    if (intent.status() != IntentStatus.FAILED) {
      return null;
    }
    List<Attempt> attempts = intent.attempts();
    Attempt last = attempts.isEmpty() ? null : attempts.getLast();
    if (last != null && last.status() == AttemptStatus.DECLINED) {
      Decline decline = decline(last.declineCode());
      return new LastPaymentError(StripeApiError.CARD_ERROR, decline.code(), decline.declineCode(),
          decline.message());
    }
    return new LastPaymentError(StripeApiError.API_ERROR, intent.failureCode(),
        null, "The router could not charge this payment (" + intent.failureCode() + "); nothing was charged.");
  }

  /**
   * A provider's decline code as Stripe reports it. Stripe gives a few declines a {@code code} of their own (the
   * customer can fix those: another expiry date, another CVC) and reports every other one as {@code card_declined}
   * with the reason in {@code decline_code}; its generic decline is {@code generic_decline}.
   */
  static Decline decline(String providerCode) {
    String code = providerCode == null ? "card_declined" : providerCode;
    return switch (code) {
      case "expired_card" -> new Decline("expired_card", code, "Your card has expired.");
      case "incorrect_cvc" -> new Decline("incorrect_cvc", code, "Your card's security code is incorrect.");
      case "incorrect_number" -> new Decline("incorrect_number", code, "Your card number is incorrect.");
      case "processing_error" -> new Decline("processing_error", code,
          "An error occurred while processing your card. Try again in a little bit.");
      case "insufficient_funds" -> new Decline("card_declined", code, "Your card has insufficient funds.");
      case "card_declined", "declined", "generic_decline" -> new Decline("card_declined", "generic_decline",
          "Your card was declined.");
      default -> new Decline("card_declined", code, "Your card was declined.");
    };
  }
}
