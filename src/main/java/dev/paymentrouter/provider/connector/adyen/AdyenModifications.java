package dev.paymentrouter.provider.connector.adyen;

import static java.util.Map.entry;

import dev.paymentrouter.provider.domain.ModificationOutcome;
import java.util.Map;

/**
 * How Adyen's answers to a capture, cancel or refund ({@code POST /v71/payments/{paymentPspReference}/captures},
 * {@code /cancels}, {@code /refunds}) map to outcomes: the one table to read (and to change) for them. The rule
 * behind it: only an answer that proves nothing moved is refused or "not sent"; anything ambiguous is "unknown" and
 * is asked again at Adyen (a modification never goes to another provider).
 *
 * <p>Adyen checks a modification's request synchronously and carries it out asynchronously: a valid one is answered
 * {@code 201} with {@code status: received}, and whether the money moved comes only in a webhook (CAPTURE,
 * CANCELLATION, REFUND with {@code success} true or false), a later issue. So no answer here is
 * {@link ModificationOutcome.Succeeded}, and a refusal after processing (an authorization that expired, a refund above
 * the balance) is never seen here either.
 *
 * <p>Sources: Adyen's Checkout API v71 ({@code PaymentCaptureResponse}, {@code PaymentCancelResponse},
 * {@code PaymentRefundResponse}, {@code ServiceError}), its error codes page and its API idempotency page.
 */
final class AdyenModifications {

  /** The only {@code status} Adyen's modification responses have. */
  static final String RECEIVED = "received";

  /** What a validation error proves: the router's setup is wrong (every request fails), or this one is refused. */
  record Rejection(String code, boolean configurationError) {}

  /**
   * Error codes of a 400 or 422 answer with Adyen's error body. Adyen validates before it processes, so none of them
   * moved money; the question per row is whether every modification would get it (configuration) or only this one.
   * A validation code not listed is taken as about this modification only: a wrong guess then costs one refused
   * modification the merchant sees, not an open breaker.
   */
  static final Map<String, Rejection> VALIDATION_ERRORS = Map.ofEntries(
      // "Original pspReference required for this operation": the path names no payment of this merchant account
      // that the operation applies to (unknown, or of another account). Only this payment's reference is wrong.
      entry("167", refused("payment_not_found")),
      // "Invalid amount specified": the amount does not fit this payment (e.g. zero, or above what it holds).
      entry("137", refused("invalid_amount")),
      // Our credentials or our request's shape: every modification until an operator acts.
      entry("000", configuration()), // Unauthorised (the API key), or a message Adyen cannot parse
      entry("010", configuration()), // Not allowed: the API credential lacks the role for modifications
      entry("100", configuration()), // A required object (amount) is missing: our request's shape
      entry("702", configuration()), // Unexpected input: our JSON does not parse
      entry("901", configuration())); // Invalid merchant account

  /** Adyen's error code for a request under a key whose first request is still in progress or was different. */
  static final String IDEMPOTENCY_IN_PROGRESS = AdyenClassification.IDEMPOTENCY_IN_PROGRESS;

  private AdyenModifications() {}

  /**
   * The outcome of a 2xx answer with the body's {@code status} and {@code pspReference} (empty strings when absent).
   */
  static ModificationOutcome forAccepted(String status, String pspReference) {
    if (RECEIVED.equals(status) && !pspReference.isEmpty()) {
      // Adyen has the modification and will carry it out or refuse it later, under this pspReference.
      return new ModificationOutcome.Pending(pspReference);
    }
    // A status this table does not know, or no pspReference: Adyen took something, and we cannot say what.
    return new ModificationOutcome.Unknown("unexpected_modification_status");
  }

  /**
   * The outcome of an HTTP error answer, with Adyen's {@code ServiceError} code when the body was one (else empty).
   */
  static ModificationOutcome forError(int status, String errorCode) {
    String reason = "provider_rejected_" + status + (errorCode.isEmpty() ? "" : "_" + errorCode);
    if (IDEMPOTENCY_IN_PROGRESS.equals(errorCode)) {
      // 409 or 422 with 704: a request under this key is in progress (or was made with another body): it may move
      // money. Asked again by a replay once it is done.
      return new ModificationOutcome.Unknown("provider_request_in_progress");
    }
    return switch (status) {
      // Authentication failed, or the key may not use this merchant account: refused before anything else, and every
      // request will be until an operator fixes the router's credentials.
      case 401, 403 -> new ModificationOutcome.NotSent(reason, true);
      // No such endpoint (a base URL without the live prefix's /checkout) or a request framed wrongly: nothing reached
      // the modifications API, and nothing will until the configuration changes. (An unknown payment is a 422 167.)
      case 404, 405, 415 -> new ModificationOutcome.NotSent(reason, true);
      // Validation errors: raised before processing. Only Adyen's own error body proves that it was Adyen's
      // validation that answered (and not something in between that may have forwarded the request).
      case 400, 422 -> errorCode.isEmpty()
          ? new ModificationOutcome.Unknown("provider_status_" + status)
          : validation(reason, errorCode);
      // Rate limited: turned away before processing.
      case 429 -> new ModificationOutcome.NotSent("provider_rate_limited");
      // 5xx, a 409 without 704, a redirect: Adyen may have taken the modification.
      default -> new ModificationOutcome.Unknown("provider_status_" + status);
    };
  }

  /**
   * What an answer to a replay under the same key says. Only Adyen's stored {@code received} is a verdict; an error
   * answer proves at most that the replay was not processed now (Adyen does not document whether it answers a stored
   * key before it validates), never that the first request was not: unknown, never refused or not sent.
   */
  static ModificationOutcome forReplay(ModificationOutcome answer) {
    return switch (answer) {
      case ModificationOutcome.Pending pending -> pending;
      case ModificationOutcome.Succeeded succeeded -> succeeded;
      case ModificationOutcome.Unknown unknown -> unknown;
      case ModificationOutcome.Refused refused -> new ModificationOutcome.Unknown("replay_refused_" + refused.code());
      case ModificationOutcome.NotSent notSent -> new ModificationOutcome.Unknown("replay_" + notSent.reason());
      case ModificationOutcome.RouterRefused routerRefused ->
          new ModificationOutcome.Unknown("replay_" + routerRefused.refusal().wireName());
    };
  }

  private static ModificationOutcome validation(String reason, String errorCode) {
    Rejection rejection = VALIDATION_ERRORS.getOrDefault(errorCode, refused("rejected_" + errorCode));
    return rejection.configurationError()
        ? new ModificationOutcome.NotSent(reason, true)
        : new ModificationOutcome.Refused(rejection.code());
  }

  private static Rejection refused(String code) {
    return new Rejection(code, false);
  }

  private static Rejection configuration() {
    return new Rejection("", true);
  }
}
