package dev.paymentrouter.provider.connector;

import dev.paymentrouter.provider.domain.ChargeStatus;
import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import java.util.Map;
import java.util.Set;

/**
 * How the simulator's answers map to outcomes: the one table to read (and to change) when a provider's API is
 * wired in. The rule behind it: only an answer that proves the provider did not process the request is "not
 * sent"; anything ambiguous is "unknown" and will be reconciled.
 */
final class SimulatorClassification {

  /** Decline codes, and whether another provider may accept the same card (a soft decline). */
  static final Map<String, Boolean> DECLINE_CODES = Map.ofEntries(
      Map.entry("insufficient_funds", false),
      Map.entry("card_declined", false),
      Map.entry("expired_card", false),
      Map.entry("incorrect_cvc", false),
      Map.entry("invalid_card", false),
      Map.entry("lost_card", false),
      Map.entry("stolen_card", false),
      Map.entry("fraudulent", false),
      Map.entry("do_not_honor", false),
      Map.entry("issuer_unavailable", true),
      Map.entry("processing_error", true),
      Map.entry("try_again_later", true));

  /**
   * The simulator's modification refusals (409/422/404 {@code {"error": code}}): each is the rules refusing before
   * anything moved, so they prove nothing happened, and no retry under another key would change the answer.
   */
  static final Set<String> MODIFICATION_REFUSALS = Set.of("charge_not_found", "charge_not_capturable",
      "charge_not_cancellable", "charge_not_refundable", "already_captured", "already_cancelled", "already_refunded",
      "amount_too_large");

  private SimulatorClassification() {}

  /** Whether a decline may be retried elsewhere; a code we do not know is treated as hard. */
  static boolean retryableElsewhere(String declineCode) {
    return DECLINE_CODES.getOrDefault(declineCode, false);
  }

  /** The outcome of a 200/201 charge body: its {@code status}, {@code id} and {@code declineCode}. */
  static ProviderOutcome forCharge(String status, String id, String declineCode) {
    return switch (status) {
      case "approved" -> new ProviderOutcome.Approved(id);
      // Authorized only, as a manual-capture request asked: the hold is the success the intent layer waits for.
      case "authorized" -> new ProviderOutcome.Approved(id);
      // The issuer refused: nothing was charged, and the code says whether another provider may try.
      case "declined" -> new ProviderOutcome.Declined(declineCode, retryableElsewhere(declineCode));
      // The provider holds the payment for the customer (3-D Secure): nothing charged yet, but the customer may
      // still complete it there, so it is neither a charge nor a failure to fail over from.
      case "requires_action" -> new ProviderOutcome.ActionRequired(id, "requires_action");
      // Accepted and not decided: a charge may still follow, so it is reconciled like a lost answer.
      case "pending" -> new ProviderOutcome.Unknown("provider_pending", id);
      // A status we do not know proves nothing.
      default -> new ProviderOutcome.Unknown("unexpected_charge_status", id.isEmpty() ? null : id);
    };
  }

  /** The status-query answer for a 200 charge body, by the same rows as {@link #forCharge}. */
  static ChargeStatus forStatus(String status, String id, String declineCode) {
    return switch (status) {
      case "approved", "authorized" -> new ChargeStatus.Charged(id);
      case "declined" -> new ChargeStatus.Declined(declineCode, retryableElsewhere(declineCode));
      case "requires_action" -> new ChargeStatus.ActionRequired(id, "requires_action");
      // Not decided yet at the provider: ask again later.
      case "pending" -> new ChargeStatus.Unavailable("provider_pending");
      default -> new ChargeStatus.Unavailable("unexpected_charge_status");
    };
  }

  /** The outcome of an HTTP error status of {@code POST /v1/charges}. */
  static ProviderOutcome forErrorStatus(int status) {
    return switch (status) {
      // The provider refused before processing: nothing was charged.
      case 429 -> new ProviderOutcome.NotSent("provider_rate_limited");
      case 503 -> new ProviderOutcome.NotSent("provider_unavailable");
      case 400, 401, 403, 404, 405, 413, 415 -> new ProviderOutcome.NotSent("provider_rejected_" + status);
      // 409: the same key is being processed right now; 422: the key is bound to another request; 5xx: the
      // provider failed somewhere, perhaps after charging. A charge may exist in every case.
      default -> new ProviderOutcome.Unknown("provider_status_" + status);
    };
  }

  /** The outcome of a 200/201 modification body ({@code POST} answer or look-up): its {@code status}. */
  static ModificationOutcome forModification(String status, String id, String code) {
    return switch (status) {
      // The simulator applies a modification at once: the money moved.
      case "succeeded" -> new ModificationOutcome.Succeeded(id);
      // Recorded as refused by the rules: nothing moved.
      case "refused" -> new ModificationOutcome.Refused(code.isEmpty() ? "refused" : code);
      // A status we do not know proves nothing.
      default -> new ModificationOutcome.Unknown("unexpected_modification_status");
    };
  }

  /** The outcome of an HTTP error of {@code POST /v1/charges/{id}/captures|cancels|refunds}, by its error code. */
  static ModificationOutcome forModificationError(int status, String code) {
    // The rules refused it: nothing moved (a 404 charge_not_found is a payment this provider does not hold).
    if ((status == 404 || status == 409 || status == 422) && MODIFICATION_REFUSALS.contains(code)) {
      return new ModificationOutcome.Refused(code);
    }
    return switch (status) {
      // Refused before processing, as for a charge: nothing moved.
      case 429 -> new ModificationOutcome.NotSent("provider_rate_limited");
      case 503 -> new ModificationOutcome.NotSent("provider_unavailable");
      // 401/403: our credential is wrong, so every modification will fail the same way until configuration changes.
      case 401, 403 -> new ModificationOutcome.NotSent("provider_rejected_" + status, true);
      // Malformed or unknown route (a 404 without a refusal code): validation refused it before processing.
      case 400, 404, 405, 413, 415 -> new ModificationOutcome.NotSent("provider_rejected_" + status);
      // 409 idempotency_key_in_use: the first request under the key is still running; 422 idempotency_key_reused:
      // the key holds another request that may have moved money; 5xx: failed somewhere, perhaps after moving it.
      default -> new ModificationOutcome.Unknown("provider_status_" + status);
    };
  }

  /**
   * The answer of {@code GET /v1/modifications?reference=}, asked after an unknown outcome. Never not-sent: a
   * modification the provider may have processed must not look like one it never saw.
   */
  static ModificationOutcome forModificationLookup(int status, String bodyStatus, String id, String code) {
    return switch (status) {
      case 200 -> forModification(bodyStatus, id, code);
      // Not recorded yet proves nothing: the first request may still be in flight, or a refusal (not recorded)
      // may have been its answer. The connector replays the request under its key to learn more.
      case 404 -> new ModificationOutcome.Unknown("not_found");
      // A rate limit or an outage of the look-up says nothing about the modification.
      default -> new ModificationOutcome.Unknown("provider_status_" + status);
    };
  }
}
