package dev.paymentrouter.provider.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * A question to one provider about one attempt whose outcome is unknown: what became of the charge sent under
 * {@code reference}? Providers answer it in different ways (a lookup by our reference, a replay of the same request
 * under the same idempotency key, a retrieval by the provider's own id, a search by metadata), so the query carries
 * everything any of them needs.
 *
 * @param reference         our reference: the attempt's idempotency key
 * @param charge            the charge exactly as it was sent, for a replay under the same key; null when it cannot be
 *                          rebuilt (its token is no longer readable), and then a connector must not replay
 * @param providerReference the provider's id for the payment when an earlier answer named one, else null
 * @param sentAt            when the attempt was sent, for providers whose idempotency keys expire
 */
public record StatusQuery(String reference, ProviderRequest charge, String providerReference, Instant sentAt) {

  public StatusQuery {
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(sentAt, "sentAt");
    if (charge != null && !charge.idempotencyKey().equals(reference)) {
      throw new IllegalArgumentException("the charge to replay was sent under another key");
    }
  }

  /** A query by our reference alone. */
  public static StatusQuery byReference(String reference, Instant sentAt) {
    return new StatusQuery(reference, null, null, sentAt);
  }
}
