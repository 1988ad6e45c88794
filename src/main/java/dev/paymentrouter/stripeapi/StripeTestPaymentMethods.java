package dev.paymentrouter.stripeapi;

import java.util.Map;

/**
 * Stripe's documented test PaymentMethods, as the router's own test tokens: a merchant's test suite written for
 * Stripe ({@code payment_method=pm_card_visa}, {@code pm_card_chargeDeclined}, ...) gets the same outcome from
 * whichever provider the router picks, because every simulator and connector of the router knows its test tokens
 * ({@code tok_visa} approves everywhere, {@code tok_card_declined} declines everywhere). Any other value is a real
 * payment method and goes to the providers as it was given.
 */
final class StripeTestPaymentMethods {

  private static final Map<String, String> ROUTER_TOKENS = Map.ofEntries(
      // Cards that succeed at Stripe: the router's approving tokens.
      Map.entry("pm_card_visa", "tok_visa"),
      Map.entry("pm_card_visa_debit", "tok_visa"),
      Map.entry("pm_card_mastercard", "tok_mastercard"),
      Map.entry("pm_card_mastercard_debit", "tok_mastercard"),
      Map.entry("pm_card_mastercard_prepaid", "tok_mastercard"),
      Map.entry("pm_card_amex", "tok_approve"),
      Map.entry("pm_card_discover", "tok_approve"),
      Map.entry("pm_card_diners", "tok_approve"),
      Map.entry("pm_card_jcb", "tok_approve"),
      Map.entry("pm_card_unionpay", "tok_approve"),
      // Cards Stripe declines, by decline code: the router's tokens that decline with that code.
      Map.entry("pm_card_chargeDeclined", "tok_card_declined"),
      Map.entry("pm_card_visa_chargeDeclined", "tok_card_declined"),
      Map.entry("pm_card_chargeDeclinedInsufficientFunds", "tok_insufficient_funds"),
      Map.entry("pm_card_visa_chargeDeclinedInsufficientFunds", "tok_insufficient_funds"),
      Map.entry("pm_card_chargeDeclinedLostCard", "tok_lost_card"),
      Map.entry("pm_card_visa_chargeDeclinedLostCard", "tok_lost_card"),
      Map.entry("pm_card_chargeDeclinedStolenCard", "tok_stolen_card"),
      Map.entry("pm_card_visa_chargeDeclinedStolenCard", "tok_stolen_card"),
      Map.entry("pm_card_chargeDeclinedExpiredCard", "tok_expired_card"),
      Map.entry("pm_card_chargeDeclinedIncorrectCvc", "tok_incorrect_cvc"),
      Map.entry("pm_card_chargeDeclinedProcessingError", "tok_processing_error"),
      Map.entry("pm_card_chargeDeclinedFraudulent", "tok_fraudulent"),
      // Cards that need 3-D Secure at Stripe: the customer must act, which the router does not drive (requires_action).
      Map.entry("pm_card_authenticationRequired", "tok_requires_action"),
      Map.entry("pm_card_threeDSecure2Required", "tok_requires_action"));

  private StripeTestPaymentMethods() {}

  /** The token the router charges for this payment method: its own test token for Stripe's, else the value itself. */
  static String routerToken(String paymentMethod) {
    return ROUTER_TOKENS.getOrDefault(paymentMethod, paymentMethod);
  }
}
