package dev.paymentrouter.provider.domain;

import java.util.Set;

/** What one provider call says about that provider's recent health, for its success rate. */
public enum CallScore {
  /** The provider charged. */
  SUCCESS,
  /** The provider failed to serve: no answer we could use, it refused the call, or a soft decline on its side. */
  FAILURE,
  /** Says nothing about the provider: a hard decline (the card's fault) or a refusal by the router itself. */
  NOT_COUNTED;

  /**
   * Refusals made by the router before the provider was called: the gatekeeper's, the pool's and the supervisor's.
   * They never reach a call observer, and are listed here so that they are not counted even if they did.
   */
  private static final Set<String> ROUTER_REFUSALS = Set.of(
      "rate_limited", "circuit_open", "pool_full", "queue_timeout", "provider_restarting", "provider_down",
      "provider_stopped", "unknown_provider");

  /** The score of one outcome. */
  public static CallScore of(ProviderOutcome outcome) {
    return switch (outcome) {
      case ProviderOutcome.Approved approved -> SUCCESS;
      case ProviderOutcome.Declined declined -> declined.retryableElsewhere() ? FAILURE : NOT_COUNTED;
      case ProviderOutcome.NotSent notSent -> ROUTER_REFUSALS.contains(notSent.reason()) ? NOT_COUNTED : FAILURE;
      case ProviderOutcome.Unknown unknown -> FAILURE;
    };
  }
}
