package dev.paymentrouter.provider.domain;

/** What one provider call says about that provider's recent health, for its success rate. */
public enum CallScore {
  /** The provider charged. */
  SUCCESS,
  /** The provider failed to serve: no answer we could use, it refused the call, or a soft decline on its side. */
  FAILURE,
  /** Says nothing about the provider: a hard decline (the card's fault) or a refusal by the router itself. */
  NOT_COUNTED;

  /** The score of one outcome. */
  public static CallScore of(ProviderOutcome outcome) {
    return switch (outcome) {
      case ProviderOutcome.Approved approved -> SUCCESS;
      case ProviderOutcome.Declined declined -> declined.retryableElsewhere() ? FAILURE : NOT_COUNTED;
      // The provider refused or could not be reached: it failed to serve.
      case ProviderOutcome.NotSent notSent -> FAILURE;
      // The router's own refusal (breaker, bucket, pool, supervisor) says nothing about the provider.
      case ProviderOutcome.RouterRefused refused -> NOT_COUNTED;
      case ProviderOutcome.Unknown unknown -> FAILURE;
      // The provider served: it is the customer's turn, which says nothing bad about the provider.
      case ProviderOutcome.ActionRequired actionRequired -> SUCCESS;
    };
  }
}
