package dev.paymentrouter.provider.domain;

import java.util.Objects;

/** The answer of a status query about one charge, asked by our reference (the attempt's idempotency key). */
public sealed interface ChargeStatus {

  /**
   * What a status query learns when the provider answers it with a charge's answer (a replay, a retrieved payment):
   * an approval, a decline and a customer action are verdicts; anything else only says "ask again later".
   */
  static ChargeStatus of(ProviderOutcome answer) {
    return switch (answer) {
      case ProviderOutcome.Approved approved -> new Charged(approved.providerReference());
      case ProviderOutcome.Declined declined -> new Declined(declined.code(), declined.retryableElsewhere());
      case ProviderOutcome.ActionRequired action -> new ActionRequired(action.providerReference(), action.action());
      case ProviderOutcome.Unknown unknown -> new Unavailable(unknown.reason());
      // A refusal of the query itself says nothing about the charge it asks about.
      case ProviderOutcome.NotSent notSent -> new Unavailable(notSent.reason());
      case ProviderOutcome.RouterRefused refused -> new Unavailable(refused.refusal().wireName());
    };
  }

  /** The provider has the charge and it is approved. */
  record Charged(String providerReference) implements ChargeStatus {
    public Charged {
      Objects.requireNonNull(providerReference, "providerReference");
    }
  }

  /** The provider has the request and declined it. */
  record Declined(String code, boolean retryableElsewhere) implements ChargeStatus {
    public Declined {
      Objects.requireNonNull(code, "code");
    }
  }

  /** The provider holds the payment until the customer acts; see {@link ProviderOutcome.ActionRequired}. */
  record ActionRequired(String providerReference, String action) implements ChargeStatus {
    public ActionRequired {
      Objects.requireNonNull(providerReference, "providerReference");
      Objects.requireNonNull(action, "action");
    }
  }

  /** The provider confirms it never saw a charge with this reference. */
  record NotFound() implements ChargeStatus {}

  /**
   * The router did not ask: its own budget of status queries for the provider was used up, or the provider's
   * supervisor was not running. Like the router's refusal of a charge, this says nothing about the charge and is
   * no failed check: the owner asks again shortly without using up its reconciliation schedule.
   */
  record NotAsked(RouterRefusal refusal) implements ChargeStatus {
    public NotAsked {
      Objects.requireNonNull(refusal, "refusal");
    }
  }

  /** The provider could not answer now; ask again later. */
  record Unavailable(String reason) implements ChargeStatus {
    public Unavailable {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
