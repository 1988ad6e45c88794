package dev.paymentrouter.intent.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A merchant's request to collect an amount, and everything that happened to it since. Immutable: every change is
 * an event folded in by {@link IntentTransitions#evolve}.
 *
 * @param id            opaque id, {@code pi_} prefix
 * @param merchantId    the owning merchant
 * @param amount        what to collect
 * @param paymentMethod how
 * @param reference     the merchant's own reference (e.g. an order id), or null
 * @param metadata      the merchant's key/value pairs, in the order given
 * @param status        where the intent stands
 * @param attempts      provider attempts in order
 * @param failureCode   why it failed, when it did
 * @param createdAt     creation time
 * @param updatedAt     last transition time
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
    Instant createdAt,
    Instant updatedAt)
    implements IntentState {

  public PaymentIntent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(merchantId, "merchantId");
    Objects.requireNonNull(amount, "amount");
    Objects.requireNonNull(paymentMethod, "paymentMethod");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    attempts = List.copyOf(attempts);
  }

  /** The attempt waiting for a provider's answer, if any. At most one exists at a time. */
  public Optional<Attempt> inFlightAttempt() {
    return attempts.stream().filter(a -> a.status() == AttemptStatus.IN_FLIGHT).findFirst();
  }

  /** The attempt with this number, if any. */
  public Optional<Attempt> attempt(int number) {
    return number >= 1 && number <= attempts.size() ? Optional.of(attempts.get(number - 1)) : Optional.empty();
  }

  /** Providers this intent already tried, in any state. */
  public Set<String> triedProviders() {
    return attempts.stream().map(Attempt::provider).collect(Collectors.toUnmodifiableSet());
  }

  PaymentIntent with(IntentStatus newStatus, List<Attempt> newAttempts, String newFailureCode, Instant at) {
    return new PaymentIntent(
        id, merchantId, amount, paymentMethod, reference, metadata, newStatus, newAttempts, newFailureCode,
        createdAt, at);
  }

  PaymentIntent withAttempt(Attempt attempt, IntentStatus newStatus, Instant at) {
    List<Attempt> updated = new ArrayList<>(attempts);
    if (attempt.number() == attempts.size() + 1) {
      updated.add(attempt);
    } else {
      updated.set(attempt.number() - 1, attempt);
    }
    return with(newStatus, updated, failureCode, at);
  }
}
