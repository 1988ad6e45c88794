package dev.paymentrouter.provider.connector.stripe;

import dev.paymentrouter.provider.domain.ChargeStatus;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import java.util.Map;
import java.util.Set;

/**
 * How Stripe's answers map to outcomes: the one table to read (and to change) about Stripe. The rule behind every
 * row: only an answer that proves Stripe did not charge may become {@code NotSent} or {@code Declined}; anything
 * ambiguous is {@code Unknown} and is reconciled with Stripe before any failover.
 */
final class StripeClassification {

  /**
   * Stripe's card decline codes (its published list, plus the card-error {@code code}s that stand in when a decline
   * has no {@code decline_code}), and whether another provider may accept the same card: {@code true} for a soft
   * decline (the issuer or a processor could not answer now), {@code false} for a hard one (the card, the customer's
   * data or someone's deliberate block; another acquirer reaches the same issuer and gets the same answer). Every row
   * is a decline, so every row proves no charge exists; the flag only decides failover. A code not listed is hard.
   */
  static final Map<String, Boolean> DECLINE_CODES = Map.ofEntries(
      // The issuer wants 3-D Secure. After a 402 the PaymentIntent is back in requires_payment_method, so there is
      // no action the customer could complete on it (a completable challenge comes as requires_action instead); and
      // no provider can authenticate without the customer, so failing over only repeats the refusal.
      Map.entry("authentication_required", false),
      // The issuer could not authorize now and asks to try again: transient, another route may succeed.
      Map.entry("approve_with_id", true),
      // The customer must call the issuer: nothing another acquirer can change.
      Map.entry("call_issuer", false),
      // The card does not support this purchase or this currency: the same card, the same answer elsewhere.
      Map.entry("card_not_supported", false),
      Map.entry("currency_not_supported", false),
      // Balance, credit or transaction limits of the card.
      Map.entry("card_velocity_exceeded", false),
      Map.entry("insufficient_funds", false),
      Map.entry("invalid_amount", false),
      Map.entry("withdrawal_count_limit_exceeded", false),
      // Generic issuer refusals without a reason: the issuer said no, not "not now".
      Map.entry("do_not_honor", false),
      Map.entry("do_not_try_again", false),
      Map.entry("generic_decline", false),
      Map.entry("no_action_taken", false),
      Map.entry("not_permitted", false),
      Map.entry("restricted_card", false),
      Map.entry("security_violation", false),
      Map.entry("service_not_allowed", false),
      Map.entry("transaction_not_allowed", false),
      // The issuer saw the same amount and card a moment ago: failing over would make exactly that duplicate.
      Map.entry("duplicate_transaction", false),
      // Wrong or outdated card data: it stays wrong at every provider.
      Map.entry("expired_card", false),
      Map.entry("incorrect_number", false),
      Map.entry("incorrect_cvc", false),
      Map.entry("incorrect_pin", false),
      Map.entry("incorrect_zip", false),
      Map.entry("incorrect_address", false),
      Map.entry("invalid_account", false),
      Map.entry("invalid_cvc", false),
      Map.entry("invalid_expiry_month", false),
      Map.entry("invalid_expiry_year", false),
      Map.entry("invalid_number", false),
      Map.entry("invalid_pin", false),
      Map.entry("new_account_information_available", false),
      // Card-present PIN demands: only the customer at a terminal can satisfy them.
      Map.entry("offline_pin_required", false),
      Map.entry("online_or_offline_pin_required", false),
      Map.entry("pin_try_exceeded", false),
      // Fraud, lost or stolen cards, revoked mandates: routing around them would defeat their purpose.
      Map.entry("fraudulent", false),
      Map.entry("lost_card", false),
      Map.entry("stolen_card", false),
      Map.entry("pickup_card", false),
      Map.entry("merchant_blacklist", false),
      Map.entry("revocation_of_all_authorizations", false),
      Map.entry("revocation_of_authorization", false),
      Map.entry("stop_payment_order", false),
      // A Stripe test card used with a live key: it fails at every provider.
      Map.entry("testmode_decline", false),
      // Card-error codes without a decline code: a plain decline, and Stripe's own card-testing brake.
      Map.entry("card_declined", false),
      Map.entry("card_decline_rate_limit_exceeded", false),
      // The issuer or Stripe's processing failed for this attempt and says to try again: transient.
      Map.entry("issuer_not_available", true),
      Map.entry("processing_error", true),
      Map.entry("reenter_transaction", true),
      Map.entry("try_again_later", true));

  /**
   * 400 codes that every request would get until an operator fixes the router (its key, its account or the request
   * shape it sends): Stripe validated the request and did not execute it, and the breaker may open at once.
   */
  static final Set<String> CONFIGURATION_CODES = Set.of(
      "api_key_expired", "platform_api_key_expired", "secret_key_required", "testmode_charges_only",
      "account_invalid", "parameter_unknown", "parameter_missing", "parameters_exclusive",
      "parameter_invalid_empty", "parameter_invalid_integer", "parameter_invalid_string_blank",
      "parameter_invalid_string_empty");

  /**
   * 400 codes about this one payment's amount or payment method: Stripe did not execute it, and the next payment may
   * well pass, so they must not open the breaker for everybody.
   */
  static final Set<String> PER_PAYMENT_CODES = Set.of(
      "amount_too_small", "amount_too_large", "livemode_mismatch", "payment_intent_incompatible_payment_method");

  private StripeClassification() {}

  /** Whether a decline may be retried elsewhere; a code we do not know is treated as hard. */
  static boolean retryableElsewhere(String declineCode) {
    return declineCode != null && DECLINE_CODES.getOrDefault(declineCode, false);
  }

  /** The outcome a PaymentIntent's status stands for, whether it came back from a charge or from a status query. */
  static ProviderOutcome forPaymentIntent(StripePaymentIntent intent) {
    return switch (intent.status()) {
      // The funds are taken (succeeded) or held for us (requires_capture): a charge exists.
      case "succeeded", "requires_capture" -> new ProviderOutcome.Approved(intent.id());
      // 3-D Secure or a redirect: the payment exists and the customer may still complete it, so it is neither
      // approved nor a failure to fail over from.
      case "requires_action" -> new ProviderOutcome.ActionRequired(
          intent.id(), intent.nextAction() != null ? intent.nextAction() : "requires_action");
      // Stripe has not decided yet; the payment may still succeed.
      case "processing" -> new ProviderOutcome.Unknown("provider_processing", intent.id());
      // The confirmation failed and the PaymentIntent waits for another payment method: this attempt charged
      // nothing. Without last_payment_error it was never confirmed, which our confirm=true request rules out, so
      // something we do not understand happened.
      case "requires_payment_method" -> intent.lastPaymentError() == null
          ? new ProviderOutcome.Unknown("payment_intent_unconfirmed", intent.id())
          : declined(intent.lastPaymentError());
      // Canceled: Stripe releases held funds and makes no further charge, so with nothing received no charge exists.
      // The router never cancels, so someone with authority did (the merchant, Radar, an expiry): a hard decline, no
      // failover around that decision. Money received before a cancellation is not ours to explain: unknown.
      case "canceled" -> intent.amountReceived() == 0
          ? new ProviderOutcome.Declined("payment_intent_canceled", false)
          : new ProviderOutcome.Unknown("payment_intent_canceled_after_payment", intent.id());
      // requires_confirmation and statuses added after our pinned version: not a proof of anything.
      default -> new ProviderOutcome.Unknown("unexpected_payment_intent_status", intent.id());
    };
  }

  /** What a status query learns from a PaymentIntent: the same table, where "unknown" means "ask again later". */
  static ChargeStatus statusOf(StripePaymentIntent intent) {
    return ChargeStatus.of(forPaymentIntent(intent));
  }

  /**
   * The outcome of an error answer to {@code POST /v1/payment_intents}, by HTTP status and Stripe's error object
   * ({@code null} when the body was not one: an HTML page of a proxy, a truncated body). Rows are tried in order.
   */
  static ProviderOutcome forError(int status, StripeError error) {
    String code = error == null ? null : error.code();
    String type = error == null ? null : error.type();
    // 409 idempotency_key_in_use: the first request under this key is still running and may be charging right now.
    if (status == 409 || "idempotency_key_in_use".equals(code)) {
      return new ProviderOutcome.Unknown("provider_idempotency_key_in_use");
    }
    // idempotency_error: the key was already used with other parameters. Our body is a pure function of the
    // attempt, so this means the key is bound to a request we cannot see; a charge may exist under it.
    if ("idempotency_error".equals(type) || "idempotency_error".equals(code)) {
      return new ProviderOutcome.Unknown("provider_idempotency_error");
    }
    // 402 card_error: the confirmation was attempted and refused, so no charge exists; soft or hard by its code.
    if (status == 402 && "card_error".equals(type)) {
      return declined(error);
    }
    // 429 lock_timeout: another request held a lock on an object this one needed; Stripe gave up before executing
    // it (Stripe answers lock timeouts with 429, and keeps no idempotent result for a request it did not execute).
    if (status == 429 && "lock_timeout".equals(code)) {
      return new ProviderOutcome.NotSent("provider_lock_timeout");
    }
    // 429 rate_limit (or any other 429): refused before any processing.
    if (status == 429) {
      return new ProviderOutcome.NotSent("provider_rate_limited");
    }
    // 401: the API key is wrong, expired or revoked; no request is executed with it, and none will be until an
    // operator replaces it.
    if (status == 401) {
      return new ProviderOutcome.NotSent(code != null ? code : "provider_unauthorized", true);
    }
    // 403: the key may not do this (a restricted key without PaymentIntents write permission): refused, for everyone.
    if (status == 403) {
      return new ProviderOutcome.NotSent(code != null ? code : "provider_forbidden", true);
    }
    if (status == 400 || status == 404) {
      // The customer's payment method is missing, unusable or of the other mode: refused for this payment only.
      if (error != null && isPaymentMethodParam(error.param()) || code != null && code.startsWith("payment_method_")) {
        return new ProviderOutcome.NotSent("payment_method_rejected");
      }
      // Our own request shape or our account: validated and refused, and every request would be (an
      // unknown parameter, or a malformed value of a field we write, even the amount: that is our encoding).
      if (code != null && CONFIGURATION_CODES.contains(code)) {
        return new ProviderOutcome.NotSent(code, true);
      }
      // This payment's amount or currency (too small, too large, not enabled on the account): refused before
      // execution, and another provider may take it.
      if (error != null && ("amount".equals(error.param()) || "currency".equals(error.param()))
          || code != null && PER_PAYMENT_CODES.contains(code)) {
        return new ProviderOutcome.NotSent(code != null ? code : "provider_rejected_" + error.param());
      }
      // 404 without a known code: a path Stripe does not have ("Unrecognized request URL"), i.e. a wrong base URL.
      if (status == 404) {
        return new ProviderOutcome.NotSent(code != null ? code : "provider_status_404", true);
      }
      // Any other 400: Stripe validates before it executes, so nothing was charged; but we cannot tell whether every
      // request would get it, so it does not open the breaker at once (a systematic one still trips its failure rate).
      return new ProviderOutcome.NotSent(code != null ? code : "provider_status_400");
    }
    // 402 without a card error: "the request failed" with no decline to read; a charge cannot be ruled out.
    // 5xx: Stripe failed somewhere, perhaps after charging. Any other status: not a proof of anything.
    return new ProviderOutcome.Unknown("provider_status_" + status);
  }

  private static boolean isPaymentMethodParam(String param) {
    return param != null && (param.equals("payment_method") || param.startsWith("payment_method[")
        || param.startsWith("payment_method_"));
  }

  private static ProviderOutcome.Declined declined(StripeError error) {
    String code = error.reason() != null ? error.reason() : "card_declined";
    return new ProviderOutcome.Declined(code, retryableElsewhere(code));
  }
}
