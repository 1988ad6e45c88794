package dev.paymentrouter.provider.domain;

import java.util.Objects;

/**
 * What one authorization call taught us. The split matters for money: only {@link RouterRefused}, {@link NotSent}
 * and a {@link Declined} prove that no charge exists; after {@link Unknown} a charge may exist. The split between
 * {@link RouterRefused} and {@link NotSent} matters for routing: the router's own refusal is back-pressure (the intent
 * may wait for the provider), the provider's refusal is an answer (the intent moves on).
 */
public sealed interface ProviderOutcome {

  /**
   * Whether the intent may move on to another attempt after this outcome: the call is proven not to have charged and
   * another provider may take it (not sent, refused by the router, a soft decline). An approval, an unknown outcome
   * or an action the customer must take keeps the intent with this attempt.
   */
  default boolean mayMoveOn() {
    return switch (this) {
      case Approved approved -> false;
      case Unknown unknown -> false;
      case ActionRequired actionRequired -> false;
      case Declined declined -> declined.retryableElsewhere();
      case NotSent notSent -> true;
      case RouterRefused refused -> true;
    };
  }

  /** The provider charged; {@code providerReference} is its id for the charge. */
  record Approved(String providerReference) implements ProviderOutcome {
    public Approved {
      Objects.requireNonNull(providerReference, "providerReference");
    }
  }

  /**
   * The provider refused to charge. {@code retryableElsewhere} marks soft declines (issuer or processor
   * unavailable) that another provider may accept; hard declines (insufficient funds) never fail over.
   */
  record Declined(String code, boolean retryableElsewhere) implements ProviderOutcome {
    public Declined {
      Objects.requireNonNull(code, "code");
    }
  }

  /**
   * The router itself refused to send the request (its breaker, bucket, pool or supervisor): nothing left this node,
   * nothing is learned about the provider or the card.
   */
  record RouterRefused(RouterRefusal refusal) implements ProviderOutcome {
    public RouterRefused {
      Objects.requireNonNull(refusal, "refusal");
    }
  }

  /**
   * The provider refused before processing, or the request never reached it (connection refused, its own 429 or
   * 503): nothing was charged. {@code configurationError} marks a refusal that every request would get until an
   * operator fixes the router's configuration (a wrong API key, a merchant account the key may not use, a request
   * shape the provider's API version does not know): the provider's breaker opens at once and health shows it.
   */
  record NotSent(String reason, boolean configurationError) implements ProviderOutcome {
    public NotSent {
      Objects.requireNonNull(reason, "reason");
      if (RouterRefusal.fromWireName(reason).isPresent()) {
        // Kept apart by type: the router's own refusal is waited out, the provider's is failed over.
        throw new IllegalArgumentException("'" + reason + "' is the router's own refusal: use RouterRefused");
      }
    }

    /** A refusal that says nothing about the router's configuration. */
    public NotSent(String reason) {
      this(reason, false);
    }
  }

  /**
   * The request may have reached the provider but no usable answer came back (timeout, broken response), or the
   * provider answered that the payment is not decided yet (pending). {@code providerReference} is the provider's id
   * for it when the answer named one, else null.
   */
  record Unknown(String reason, String providerReference) implements ProviderOutcome {
    public Unknown {
      Objects.requireNonNull(reason, "reason");
    }

    /** No answer that named the payment. */
    public Unknown(String reason) {
      this(reason, null);
    }
  }

  /**
   * The provider holds the payment until the customer acts (3-D Secure, a redirect, a device fingerprint). Nothing
   * is charged yet, but the payment exists at the provider and may still be completed there, so it is neither
   * approved nor a failure to fail over from. The router does not drive customer actions; the intent shows it.
   *
   * @param providerReference the provider's id for the payment
   * @param action            what the provider asks for, in its own words ({@code use_stripe_sdk},
   *                          {@code RedirectShopper}, ...)
   */
  record ActionRequired(String providerReference, String action) implements ProviderOutcome {
    public ActionRequired {
      Objects.requireNonNull(providerReference, "providerReference");
      Objects.requireNonNull(action, "action");
    }
  }
}
