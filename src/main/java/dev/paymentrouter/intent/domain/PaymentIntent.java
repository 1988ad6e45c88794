package dev.paymentrouter.intent.domain;

import dev.paymentrouter.provider.domain.ModificationRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A merchant's request to collect an amount, and everything that happened to it since. Immutable: every change is
 * an event folded in by {@link IntentTransitions#evolve}.
 *
 * @param id               opaque id, {@code pi_} prefix
 * @param merchantId       the owning merchant
 * @param amount           what to collect
 * @param paymentMethod    how
 * @param reference        the merchant's own reference (e.g. an order id), or null
 * @param metadata         the merchant's key/value pairs
 * @param status           where the intent stands
 * @param attempts         provider attempts in order
 * @param failureCode      why it failed, when it did
 * @param unresolvedReason why reconciliation gave up on it, while an operator has to look; else null
 * @param deadline         no new attempt starts after this instant
 * @param createdAt        creation time
 * @param updatedAt        last transition time
 * @param parkedSince      since when the intent waits for a provider the router holds back, while it does (and
 *                         through the attempts it starts when it wakes, until a provider answers one); else null
 * @param captureMethod    whether an approval is captured at once or held for a capture
 * @param modifications    captures, cancels and refunds, in the order they started
 * @param description      the merchant's description of the payment, or null
 */
public record PaymentIntent(
    String id,
    String merchantId,
    Money amount,
    PaymentMethod paymentMethod,
    String reference,
    Map<String, String> metadata,
    IntentStatus status,
    List<Attempt> attempts,
    String failureCode,
    String unresolvedReason,
    Instant deadline,
    Instant createdAt,
    Instant updatedAt,
    Instant parkedSince,
    CaptureMethod captureMethod,
    List<Modification> modifications,
    String description)
    implements IntentState {

  public PaymentIntent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(merchantId, "merchantId");
    Objects.requireNonNull(amount, "amount");
    Objects.requireNonNull(paymentMethod, "paymentMethod");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(deadline, "deadline");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    attempts = List.copyOf(attempts);
    captureMethod = captureMethod == null ? CaptureMethod.AUTOMATIC : captureMethod;
    modifications = modifications == null ? List.of() : List.copyOf(modifications);
  }

  /** An intent without a description. */
  public PaymentIntent(String id, String merchantId, Money amount, PaymentMethod paymentMethod, String reference,
      Map<String, String> metadata, IntentStatus status, List<Attempt> attempts, String failureCode,
      String unresolvedReason, Instant deadline, Instant createdAt, Instant updatedAt, Instant parkedSince,
      CaptureMethod captureMethod, List<Modification> modifications) {
    this(id, merchantId, amount, paymentMethod, reference, metadata, status, attempts, failureCode,
        unresolvedReason, deadline, createdAt, updatedAt, parkedSince, captureMethod, modifications, null);
  }

  /** An intent captured at once, with no modification yet. */
  public PaymentIntent(String id, String merchantId, Money amount, PaymentMethod paymentMethod, String reference,
      Map<String, String> metadata, IntentStatus status, List<Attempt> attempts, String failureCode,
      String unresolvedReason, Instant deadline, Instant createdAt, Instant updatedAt, Instant parkedSince) {
    this(id, merchantId, amount, paymentMethod, reference, metadata, status, attempts, failureCode,
        unresolvedReason, deadline, createdAt, updatedAt, parkedSince, CaptureMethod.AUTOMATIC, List.of());
  }

  /** An intent that is not waiting for a provider. */
  public PaymentIntent(String id, String merchantId, Money amount, PaymentMethod paymentMethod, String reference,
      Map<String, String> metadata, IntentStatus status, List<Attempt> attempts, String failureCode,
      String unresolvedReason, Instant deadline, Instant createdAt, Instant updatedAt) {
    this(id, merchantId, amount, paymentMethod, reference, metadata, status, attempts, failureCode,
        unresolvedReason, deadline, createdAt, updatedAt, null);
  }

  /**
   * Whether it waits for a provider the router holds back: open, nothing in flight or unknown, and parked. Its
   * process has a wake-up timer; its recovery retries it.
   */
  public boolean isParked() {
    return parkedSince != null && !status.isFinal() && !isUnresolved() && inFlightAttempt().isEmpty()
        && unknownAttempt().isEmpty();
  }

  /** The attempt waiting for a provider's answer, if any. At most one exists at a time. */
  public Optional<Attempt> inFlightAttempt() {
    return firstWith(AttemptStatus.IN_FLIGHT);
  }

  /** The attempt whose outcome is unknown, if any. While there is one, no other attempt starts. */
  public Optional<Attempt> unknownAttempt() {
    return firstWith(AttemptStatus.UNKNOWN);
  }

  /** The attempt with this number, if any. */
  public Optional<Attempt> attempt(int number) {
    return number >= 1 && number <= attempts.size() ? Optional.of(attempts.get(number - 1)) : Optional.empty();
  }

  /** Whether an operator has to look at it. */
  public boolean isUnresolved() {
    return unresolvedReason != null;
  }

  /** The attempt that was approved, if one was: it holds the payment every modification goes to. */
  public Optional<Attempt> approvedAttempt() {
    return firstWith(AttemptStatus.APPROVED);
  }

  /**
   * Whether a capture, cancel or refund waits for its provider to confirm it (its outcome unknown, or accepted and
   * pending): reconciled like an unknown charge, even on a final intent.
   */
  public boolean awaitsModificationConfirmation() {
    return modifications.stream()
        .anyMatch(m -> m.status() == Modification.Status.UNKNOWN || m.status() == Modification.Status.PENDING);
  }

  /** The modification with this id, if any. */
  public Optional<Modification> modification(String modificationId) {
    return modifications.stream().filter(m -> m.id().equals(modificationId)).findFirst();
  }

  /** The authorized amount a capture may take now: all of it while the intent requires capture, else nothing. */
  public long amountCapturable() {
    return status == IntentStatus.REQUIRES_CAPTURE ? amount.amountMinor() : 0;
  }

  /** What the provider took: the whole amount of an intent captured at once, else what its capture took. */
  public long amountReceived() {
    if (status != IntentStatus.SUCCEEDED) {
      return 0;
    }
    return captureMethod == CaptureMethod.AUTOMATIC ? amount.amountMinor()
        : sum(ModificationRequest.Kind.CAPTURE, Modification.Status.SUCCEEDED::equals);
  }

  /** What refunds gave back so far. */
  public long amountRefunded() {
    return sum(ModificationRequest.Kind.REFUND, Modification.Status.SUCCEEDED::equals);
  }

  /**
   * What a new refund may still give back: what was received, less every refund that gave money back or still may
   * (in flight, pending, unknown), so that refunds that race can never give back more than was taken.
   */
  public long amountRefundable() {
    return amountReceived() - sum(ModificationRequest.Kind.REFUND, Modification.Status::mayMoveMoney);
  }

  private long sum(ModificationRequest.Kind kind, Predicate<Modification.Status> counted) {
    return modifications.stream().filter(m -> m.kind() == kind && counted.test(m.status()))
        .mapToLong(Modification::amountMinor).sum();
  }

  private Optional<Attempt> firstWith(AttemptStatus wanted) {
    return attempts.stream().filter(a -> a.status() == wanted).findFirst();
  }

  PaymentIntent with(IntentStatus newStatus, String newFailureCode, String newUnresolvedReason, Instant at) {
    return new PaymentIntent(id, merchantId, amount, paymentMethod, reference, metadata, newStatus, attempts,
        newFailureCode, newUnresolvedReason, deadline, createdAt, at, parkedSince, captureMethod, modifications,
        description);
  }

  PaymentIntent parked(Instant since, Instant at) {
    return new PaymentIntent(id, merchantId, amount, paymentMethod, reference, metadata, status, attempts,
        failureCode, unresolvedReason, deadline, createdAt, at, since, captureMethod, modifications, description);
  }

  /** With this attempt changed; {@code answered}: a provider answered it, which ends any wait. */
  PaymentIntent withAttempt(Attempt attempt, Instant at, boolean answered) {
    List<Attempt> updated = new ArrayList<>(attempts);
    if (attempt.number() == attempts.size() + 1) {
      updated.add(attempt);
    } else {
      updated.set(attempt.number() - 1, attempt);
    }
    return new PaymentIntent(id, merchantId, amount, paymentMethod, reference, metadata, IntentStatus.PROCESSING,
        updated, failureCode, unresolvedReason, deadline, createdAt, at, answered ? null : parkedSince,
        captureMethod, modifications, description);
  }

  /** With this modification added (a new id) or changed (a known one). */
  PaymentIntent withModification(Modification modification, Instant at) {
    List<Modification> updated = new ArrayList<>(modifications);
    int index = -1;
    for (int i = 0; i < updated.size(); i++) {
      if (updated.get(i).id().equals(modification.id())) {
        index = i;
      }
    }
    if (index < 0) {
      updated.add(modification);
    } else {
      updated.set(index, modification);
    }
    return new PaymentIntent(id, merchantId, amount, paymentMethod, reference, metadata, status, attempts,
        failureCode, unresolvedReason, deadline, createdAt, at, parkedSince, captureMethod, updated, description);
  }

  /** With the merchant's details (metadata, description) as they now are. */
  PaymentIntent annotated(Map<String, String> newMetadata, String newDescription, Instant at) {
    return new PaymentIntent(id, merchantId, amount, paymentMethod, reference, newMetadata, status, attempts,
        failureCode, unresolvedReason, deadline, createdAt, at, parkedSince, captureMethod, modifications,
        newDescription);
  }
}
