package dev.paymentrouter.intent.domain;

import dev.paymentrouter.provider.domain.ModificationRequest;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A change to the payment after its authorization: a capture, a cancel (void) or a refund, sent to the provider that
 * holds the payment under its own idempotency key. Never failed over: the payment lives at that provider.
 *
 * @param id                the modification's id ({@code re_...} for a refund), unique within the intent
 * @param kind              capture, cancel or refund
 * @param amountMinor       the amount captured or refunded; for a cancel, the authorized amount released
 * @param provider          the provider that holds the payment
 * @param idempotencyKey    the provider-side idempotency key, also our reference for it
 * @param status            where it stands
 * @param providerReference the provider's id of the modification once it named one, else null
 * @param failureCode       why it failed, when it did
 * @param reason            the merchant's reason, or null
 * @param createdAt         when it started
 * @param updatedAt         when it last changed
 * @param metadata          the merchant's key/value pairs (a refund's), else empty
 */
public record Modification(
    String id,
    ModificationRequest.Kind kind,
    long amountMinor,
    String provider,
    String idempotencyKey,
    Status status,
    String providerReference,
    String failureCode,
    String reason,
    Instant createdAt,
    Instant updatedAt,
    Map<String, String> metadata) {

  /** Where a modification stands. */
  public enum Status {
    /** Sent, or about to be; no answer yet. */
    IN_FLIGHT,
    /** The provider accepted it and will confirm later: the money will move unless it says otherwise. */
    PENDING,
    /** It may have reached the provider; nobody knows whether the money moved. */
    UNKNOWN,
    /** The money moved. */
    SUCCEEDED,
    /** The provider refused it, or it never reached the provider: nothing moved. */
    FAILED;

    /** Whether the money may still move (or has): it counts against what is left to capture or refund. */
    public boolean mayMoveMoney() {
      return this != FAILED;
    }

    /** Whether the router still has to learn or wait for its end. */
    public boolean isOpen() {
      return this == IN_FLIGHT || this == PENDING || this == UNKNOWN;
    }

    /** The name used on the wire and in the database. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Modification {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    if (amountMinor <= 0) {
      throw new IllegalArgumentException("amountMinor must be > 0");
    }
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }

  /** A modification without the merchant's metadata. */
  public Modification(String id, ModificationRequest.Kind kind, long amountMinor, String provider,
      String idempotencyKey, Status status, String providerReference, String failureCode, String reason,
      Instant createdAt, Instant updatedAt) {
    this(id, kind, amountMinor, provider, idempotencyKey, status, providerReference, failureCode, reason, createdAt,
        updatedAt, Map.of());
  }

  Modification ended(Status end, String reference, String failure, Instant at) {
    return new Modification(id, kind, amountMinor, provider, idempotencyKey, end,
        reference != null ? reference : providerReference, failure, reason, createdAt, at, metadata);
  }
}
