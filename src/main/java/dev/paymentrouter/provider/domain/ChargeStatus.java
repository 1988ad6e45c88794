package dev.paymentrouter.provider.domain;

import java.util.Objects;

/** The answer of a status query about one charge, asked by our reference (the attempt's idempotency key). */
public sealed interface ChargeStatus {

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

  /** The provider confirms it never saw a charge with this reference. */
  record NotFound() implements ChargeStatus {}

  /** The provider could not answer now; ask again later. */
  record Unavailable(String reason) implements ChargeStatus {
    public Unavailable {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
