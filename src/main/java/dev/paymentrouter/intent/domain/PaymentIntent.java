package dev.paymentrouter.intent.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

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
    Instant parkedSince)
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

  private Optional<Attempt> firstWith(AttemptStatus wanted) {
    return attempts.stream().filter(a -> a.status() == wanted).findFirst();
  }

  PaymentIntent with(IntentStatus newStatus, String newFailureCode, String newUnresolvedReason, Instant at) {
    return new PaymentIntent(id, merchantId, amount, paymentMethod, reference, metadata, newStatus, attempts,
        newFailureCode, newUnresolvedReason, deadline, createdAt, at, parkedSince);
  }

  PaymentIntent parked(Instant since, Instant at) {
    return new PaymentIntent(id, merchantId, amount, paymentMethod, reference, metadata, status, attempts,
        failureCode, unresolvedReason, deadline, createdAt, at, since);
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
        updated, failureCode, unresolvedReason, deadline, createdAt, at, answered ? null : parkedSince);
  }
}
