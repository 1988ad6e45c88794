package dev.paymentrouter.provider.domain;

import java.util.Objects;

/**
 * What one authorization call taught us. The split matters for money: only {@link NotSent} and a
 * {@link Declined} prove that no charge exists; after {@link Unknown} a charge may exist.
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

  /** The provider never saw the request (rate limited, circuit open, pool full, connection refused). */
  record NotSent(String reason) implements ProviderOutcome {
    public NotSent {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** The request may have reached the provider but no usable answer came back (timeout, broken response). */
  record Unknown(String reason) implements ProviderOutcome {
    public Unknown {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
