package dev.paymentrouter.provider.connector;

import dev.paymentrouter.provider.domain.ProviderOutcome;
import java.util.Map;

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

  private SimulatorClassification() {}

  /** Whether a decline may be retried elsewhere; a code we do not know is treated as hard. */
  static boolean retryableElsewhere(String declineCode) {
    return DECLINE_CODES.getOrDefault(declineCode, false);
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
}
