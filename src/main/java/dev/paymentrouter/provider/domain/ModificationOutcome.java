package dev.paymentrouter.provider.domain;

import java.util.Objects;

/**
 * What one capture, cancel or refund call taught us. As for charges, the split matters for money: only
 * {@link Refused}, {@link NotSent} and {@link RouterRefused} prove that no money moved; after {@link Unknown} it may
 * have, and the same provider is asked again (never another one: the payment lives there). {@link Pending} is the
 * provider's promise to do it and confirm later (Adyen answers every modification so): money will move, or the
 * provider will say it did not.
 */
public sealed interface ModificationOutcome {

  /** Done: the money moved. {@code providerReference} is the provider's id of the modification. */
  record Succeeded(String providerReference) implements ModificationOutcome {
    public Succeeded {
      Objects.requireNonNull(providerReference, "providerReference");
    }
  }

  /** Accepted, to be confirmed later; {@code providerReference} is the provider's id of the modification. */
  record Pending(String providerReference) implements ModificationOutcome {
    public Pending {
      Objects.requireNonNull(providerReference, "providerReference");
    }
  }

  /**
   * The provider refused it, and nothing moved: e.g. an authorization that expired, a refund above what is left, a
   * charge already refunded or disputed. {@code code} is the provider's reason.
   */
  record Refused(String code) implements ModificationOutcome {
    public Refused {
      Objects.requireNonNull(code, "code");
    }
  }

  /** The request never reached the provider, or it turned it away before processing (as {@code ProviderOutcome}'s). */
  record NotSent(String reason, boolean configurationError) implements ModificationOutcome {
    public NotSent {
      Objects.requireNonNull(reason, "reason");
    }

    /** A refusal that says nothing about the router's configuration. */
    public NotSent(String reason) {
      this(reason, false);
    }
  }

  /** The router itself did not send it (breaker, bucket, pool, supervisor); nothing left this node. */
  record RouterRefused(RouterRefusal refusal) implements ModificationOutcome {
    public RouterRefused {
      Objects.requireNonNull(refusal, "refusal");
    }
  }

  /** The request may have reached the provider but no usable answer came back: ask the same provider again. */
  record Unknown(String reason) implements ModificationOutcome {
    public Unknown {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
