package dev.paymentrouter.provider.domain;

import java.util.Objects;

/**
 * What one authorization call taught us. The split matters for money: only {@link RouterRefused}, {@link NotSent}
 * and a {@link Declined} prove that no charge exists; after {@link Unknown} a charge may exist. The split between
 * {@link RouterRefused} and {@link NotSent} matters for routing: the router's own refusal is back-pressure (the intent
 * may wait for the provider), the provider's refusal is an answer (the intent moves on).
 */
public sealed interface ProviderOutcome {

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
   * 503): nothing was charged.
   */
  record NotSent(String reason) implements ProviderOutcome {
    public NotSent {
      Objects.requireNonNull(reason, "reason");
      if (RouterRefusal.fromWireName(reason).isPresent()) {
        // Kept apart by type: the router's own refusal is waited out, the provider's is failed over.
        throw new IllegalArgumentException("'" + reason + "' is the router's own refusal: use RouterRefused");
      }
    }
  }

  /** The request may have reached the provider but no usable answer came back (timeout, broken response). */
  record Unknown(String reason) implements ProviderOutcome {
    public Unknown {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
