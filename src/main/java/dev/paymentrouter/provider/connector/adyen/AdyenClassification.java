package dev.paymentrouter.provider.connector.adyen;

import static java.util.Map.entry;

import dev.paymentrouter.provider.domain.ChargeStatus;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import java.util.Map;

/**
 * How Adyen's answers to {@code POST /v71/payments} map to outcomes: the one table to read (and to change) for Adyen.
 * The rule behind it: only an answer that proves Adyen did not charge is "not sent" or a decline; anything
 * ambiguous is "unknown" and is reconciled with Adyen before anything else happens.
 *
 * <p>Sources: Adyen's Checkout API v71 ({@code PaymentResponse.resultCode}, {@code ServiceError}), its result codes,
 * refusal reasons and error codes pages, and its API idempotency page.
 */
final class AdyenClassification {

  /** What a {@code resultCode} of a 200 answer says about the charge. */
  enum Result {
    AUTHORISED, REFUSED, CANCELLED, ERROR, PENDING, ACTION_REQUIRED, PARTIALLY_AUTHORISED
  }

  static final Map<String, Result> RESULT_CODES = Map.ofEntries(
      // The issuer approved: the charge exists.
      entry("Authorised", Result.AUTHORISED),
      // Refused by the issuer, the acquirer or Adyen's risk checks; a final state: no charge exists.
      entry("Refused", Result.REFUSED),
      // Cancelled by the shopper or the merchant before processing completed; a final state: no authorisation
      // stands (an issuer's approval, if there was one, was reversed).
      entry("Cancelled", Result.CANCELLED),
      // "An error when the payment was being processed": Adyen calls it final but does not say how far processing
      // got, and no refusal reason proves the issuer never approved. Unknown; no row of this table makes it
      // "not sent".
      entry("Error", Result.ERROR),
      // Adyen has the payment and cannot tell the final status yet: it may still be authorised.
      entry("Pending", Result.PENDING),
      entry("Received", Result.PENDING),
      // Adyen holds the payment until the shopper acts (3-D Secure, a redirect, a voucher): nothing is charged yet,
      // but the payment exists and may still complete, so it is no failure to fail over from.
      entry("RedirectShopper", Result.ACTION_REQUIRED),
      entry("ChallengeShopper", Result.ACTION_REQUIRED),
      entry("IdentifyShopper", Result.ACTION_REQUIRED),
      entry("PresentToShopper", Result.ACTION_REQUIRED),
      // We never ask for partial authorisations, but if one comes, part of the amount IS charged: never fail over.
      entry("PartiallyAuthorised", Result.PARTIALLY_AUTHORISED));

  /** A refusal reason: the decline code we record, and whether another provider may accept the same card. */
  record Refusal(String code, boolean retryableElsewhere) {}

  /**
   * Adyen's {@code refusalReasonCode}s. Soft (retryable elsewhere) only where the refusal came from a path another
   * provider does not share (Adyen's acquirer, a scheme's 3-D Secure servers) rather than from the card or the
   * shopper; a code we do not know is hard.
   */
  static final Map<String, Refusal> REFUSAL_REASONS = Map.ofEntries(
      entry("2", hard("refused")),
      entry("3", hard("referral")),
      // The acquirer failed, not the issuer: another provider's acquirer may get through.
      entry("4", soft("acquirer_error")),
      entry("5", hard("blocked_card")),
      entry("6", hard("expired_card")),
      entry("7", hard("invalid_amount")),
      entry("8", hard("invalid_card_number")),
      // The issuer could not be reached from Adyen's side; another route may reach it.
      entry("9", soft("issuer_unavailable")),
      entry("10", hard("not_supported")),
      entry("11", hard("three_ds_not_authenticated")),
      entry("12", hard("not_enough_balance")),
      entry("14", hard("acquirer_fraud")),
      entry("15", hard("cancelled")),
      entry("16", hard("shopper_cancelled")),
      entry("17", hard("invalid_pin")),
      entry("18", hard("pin_tries_exceeded")),
      entry("19", hard("pin_validation_not_possible")),
      entry("20", hard("fraud")),
      // Adyen did not submit it for processing: a failure on Adyen's side, not a word from the issuer.
      entry("21", soft("not_submitted")),
      entry("22", hard("fraud_cancelled")),
      entry("23", hard("transaction_not_permitted")),
      entry("24", hard("cvc_declined")),
      entry("25", hard("restricted_card")),
      // The shopper revoked the permission to charge the stored card: charging it elsewhere is no better.
      entry("26", hard("revocation_of_auth")),
      entry("27", hard("declined_non_generic")),
      entry("28", hard("withdrawal_amount_exceeded")),
      entry("29", hard("withdrawal_count_exceeded")),
      entry("31", hard("issuer_suspected_fraud")),
      entry("32", hard("avs_declined")),
      entry("33", hard("card_requires_online_pin")),
      entry("34", hard("no_checking_account_available")),
      entry("35", hard("no_savings_account_available")),
      entry("36", hard("mobile_pin_required")),
      entry("37", hard("contactless_fallback")),
      // The issuer wants the shopper to authenticate: every provider would be told the same.
      entry("38", hard("authentication_required")),
      // The 3-D Secure directory server did not answer: a technical failure on the way, not the card.
      entry("39", soft("rreq_not_received_from_ds")),
      entry("40", hard("current_aid_in_penalty_box")),
      entry("41", hard("cvm_required_restart_payment")),
      // An error in the 3-D Secure exchange, not a failed authentication: technical.
      entry("42", soft("three_ds_authentication_error")),
      entry("43", hard("online_pin_required")),
      entry("44", hard("offline_pin_required")),
      // Adyen stopped a retry the schemes would charge fees for: retrying it elsewhere is exactly that retry.
      entry("46", hard("transaction_blocked_to_prevent_retry_fees")));

  /** Adyen's error code for a request under an idempotency key whose first request is in progress or done. */
  static final String IDEMPOTENCY_IN_PROGRESS = "704";

  /**
   * Error codes of a 400 or 422 answer (Adyen validates before it processes: nothing was charged) and whether they
   * are configuration errors, which every request would get until an operator acts. A validation code not listed
   * here is taken as a problem of this payment only: a wrong guess then costs one failover, not an open breaker.
   */
  static final Map<String, Boolean> VALIDATION_ERRORS = Map.ofEntries(
      // The shopper's payment method: this payment only.
      entry("101", false), // Invalid card number
      entry("102", false), // Unable to determine variant (card number)
      entry("103", false), // CVC is not the right length
      entry("800", false), // Contract not found: no stored details for this shopper reference
      entry("803", false), // PaymentDetail not found: no such stored payment method for the shopper
      // Our request or the merchant's setup: every payment.
      entry("010", true), // Not allowed: the API credential lacks a role
      entry("100", true), // A required object (amount) is missing: our request's shape
      entry("702", true), // Unexpected input: our JSON does not parse
      entry("901", true), // Invalid merchant account
      entry("14_030", true)); // Return URL is missing: the router's configuration names none

  private AdyenClassification() {}

  /** The refusal a {@code refusalReasonCode} names; an absent or unknown code is a hard refusal. */
  static Refusal refusal(String refusalReasonCode) {
    if (refusalReasonCode == null || refusalReasonCode.isBlank()) {
      return hard("refused");
    }
    return REFUSAL_REASONS.getOrDefault(refusalReasonCode, hard("refused_" + refusalReasonCode));
  }

  /** The outcome of a 200 answer. {@code pspReference} may be empty. */
  static ProviderOutcome forPayment(String resultCode, String refusalReasonCode, String pspReference) {
    Result result = RESULT_CODES.get(resultCode);
    if (result == null) {
      // A result code this table does not know (a new one of Adyen's): nothing proves there is no charge.
      return new ProviderOutcome.Unknown("unexpected_result_code", orNull(pspReference));
    }
    return switch (result) {
      case AUTHORISED -> new ProviderOutcome.Approved(pspReference);
      case REFUSED -> {
        Refusal refusal = refusal(refusalReasonCode);
        yield new ProviderOutcome.Declined(refusal.code(), refusal.retryableElsewhere());
      }
      // Someone chose to stop this payment: not a reason to try it elsewhere.
      case CANCELLED -> new ProviderOutcome.Declined(cancellation(refusalReasonCode), false);
      case ERROR -> new ProviderOutcome.Unknown("provider_error", orNull(pspReference));
      case PENDING -> new ProviderOutcome.Unknown("provider_pending", orNull(pspReference));
      // ActionRequired needs an id; Adyen sends one with every action, an empty one only if it did not.
      case ACTION_REQUIRED -> new ProviderOutcome.ActionRequired(pspReference, resultCode);
      case PARTIALLY_AUTHORISED -> new ProviderOutcome.Unknown("provider_partially_authorised", orNull(pspReference));
    };
  }

  /** What a replayed 200 answer says about the charge. */
  static ChargeStatus statusForPayment(String resultCode, String refusalReasonCode, String pspReference) {
    // Pending, error, partial: ask again later (only a definitive answer ends reconciliation).
    return ChargeStatus.of(forPayment(resultCode, refusalReasonCode, pspReference));
  }

  /**
   * The outcome of an HTTP error answer, with Adyen's {@code ServiceError} fields when the body had them (else
   * empty strings).
   */
  static ProviderOutcome forError(int status, String errorCode, String pspReference) {
    String reason = "provider_rejected_" + status + (errorCode.isEmpty() ? "" : "_" + errorCode);
    if (IDEMPOTENCY_IN_PROGRESS.equals(errorCode)) {
      // 409 or 422 with 704: the first request under this key is still in progress (or was, with another body):
      // it may charge. Reconciled by a replay under the same key once it is done.
      return new ProviderOutcome.Unknown("provider_request_in_progress", orNull(pspReference));
    }
    return switch (status) {
      // Authentication failed, or the key may not use this merchant account: refused before anything else, and
      // every request will be until an operator fixes the router's credentials.
      case 401, 403 -> new ProviderOutcome.NotSent(reason, true);
      // No such endpoint (a base URL without the live prefix's /checkout) or a request we framed wrongly: nothing
      // reached the payments API, and nothing will until the configuration changes.
      case 404, 405, 415 -> new ProviderOutcome.NotSent(reason, true);
      // Validation errors: raised before processing. Only Adyen's own error body proves that it was Adyen's
      // validation that answered (and not something in between that may have forwarded the request).
      case 400, 422 -> errorCode.isEmpty()
          ? new ProviderOutcome.Unknown("provider_status_" + status, orNull(pspReference))
          : new ProviderOutcome.NotSent(reason, VALIDATION_ERRORS.getOrDefault(errorCode, false));
      // Rate limited: turned away before processing.
      case 429 -> new ProviderOutcome.NotSent("provider_rate_limited");
      // 5xx (Adyen says a 500 may also mean an invalid request, but not that nothing was processed), a 409 without
      // 704, a redirect: a charge may exist.
      default -> new ProviderOutcome.Unknown("provider_status_" + status, orNull(pspReference));
    };
  }

  /**
   * What an HTTP error answer to a replay says: never a verdict on the charge. A replay refused before processing
   * proves only that this request was not processed now (Adyen does not document whether it answers a stored key
   * before it validates), and a request in progress, a 5xx or a rate limit only say "not now".
   */
  static ChargeStatus statusForError(int status, String errorCode, String pspReference) {
    // forError answers with NotSent or Unknown only.
    ProviderOutcome outcome = forError(status, errorCode, pspReference);
    return new ChargeStatus.Unavailable(outcome instanceof ProviderOutcome.NotSent notSent
        ? notSent.reason()
        : ((ProviderOutcome.Unknown) outcome).reason());
  }

  private static String cancellation(String refusalReasonCode) {
    return refusalReasonCode == null || refusalReasonCode.isBlank() ? "cancelled" : refusal(refusalReasonCode).code();
  }

  private static String orNull(String pspReference) {
    return pspReference == null || pspReference.isEmpty() ? null : pspReference;
  }

  private static Refusal hard(String code) {
    return new Refusal(code, false);
  }

  private static Refusal soft(String code) {
    return new Refusal(code, true);
  }
}
