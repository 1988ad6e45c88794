package dev.paymentrouter.intent.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * One try of one provider for an intent.
 *
 * @param number            1-based position among the intent's attempts
 * @param provider          the provider tried
 * @param idempotencyKey    the provider-side idempotency key (also our reference in status queries)
 * @param status            where it stands
 * @param providerReference the provider's charge id once approved, else null
 * @param declineCode       the provider's decline code when declined, else null
 * @param errorCode         why it was not sent or is unknown, else null
 * @param createdAt         when it started
 * @param updatedAt         when it last changed
 */
public record Attempt(
    int number,
    String provider,
    String idempotencyKey,
    AttemptStatus status,
    String providerReference,
    String declineCode,
    String errorCode,
    Instant createdAt,
    Instant updatedAt) {

  public Attempt {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  static Attempt started(int number, String provider, String idempotencyKey, Instant at) {
    return new Attempt(number, provider, idempotencyKey, AttemptStatus.IN_FLIGHT, null, null, null, at, at);
  }

  Attempt approved(String reference, Instant at) {
    return new Attempt(number, provider, idempotencyKey, AttemptStatus.APPROVED, reference, null, null, createdAt, at);
  }

  Attempt declined(String code, Instant at) {
    return new Attempt(number, provider, idempotencyKey, AttemptStatus.DECLINED, null, code, null, createdAt, at);
  }

  Attempt ended(AttemptStatus end, String error, Instant at) {
    return new Attempt(number, provider, idempotencyKey, end, null, null, error, createdAt, at);
  }
}
