package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.intent.domain.Attempt;
import dev.paymentrouter.intent.domain.Decision;
import dev.paymentrouter.intent.domain.IntentCommand;
import dev.paymentrouter.intent.domain.IntentEvent;
import dev.paymentrouter.intent.domain.IntentStatus;
import dev.paymentrouter.intent.domain.IntentTransitions;
import dev.paymentrouter.intent.domain.Modification;
import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.ModificationRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * What an intent's process needs to know about the payment's life after its authorization (captures, cancels,
 * refunds), kept out of the process itself: which phase the intent is in, the provider request of a modification,
 * what a process that took over must assume of the modifications its predecessor left in flight, and when an
 * authorization nobody captured expires.
 */
final class IntentModifications {

  /** The cancel of an authorization that was not captured in time. */
  static final String AUTHORIZATION_EXPIRED = "authorization_expired";

  private IntentModifications() {}

  /** Whether the intent is still being charged (attempts), as opposed to living on after its charge. */
  static boolean charging(PaymentIntent intent) {
    return intent.status() == IntentStatus.PENDING || intent.status() == IntentStatus.PROCESSING;
  }

  /** The request that carries a modification to the provider that holds the payment. */
  static ModificationRequest request(PaymentIntent intent, Modification modification) {
    Attempt approved = intent.approvedAttempt().orElseThrow();
    return new ModificationRequest(modification.kind(), intent.id(), modification.provider(),
        modification.idempotencyKey(), approved.providerReference(), approved.idempotencyKey(),
        modification.amountMinor(), intent.amount().currency(), modification.reason());
  }

  /** Modifications waiting for a provider's answer. */
  static List<Modification> inFlight(PaymentIntent intent) {
    return intent.modifications().stream().filter(m -> m.status() == Modification.Status.IN_FLIGHT).toList();
  }

  /** Modifications whose end the provider has yet to confirm (unknown, or accepted and pending). */
  static List<Modification> awaitingConfirmation(PaymentIntent intent) {
    return intent.modifications().stream()
        .filter(m -> m.status() == Modification.Status.UNKNOWN || m.status() == Modification.Status.PENDING)
        .toList();
  }

  /**
   * The events that mark as unknown every modification in flight that no call of this process is waiting for: its
   * previous owner died with them in flight, so whether their money moved is for the provider to say.
   */
  static List<IntentEvent> lost(PaymentIntent intent, Set<String> calling, Instant now) {
    List<IntentEvent> events = new ArrayList<>();
    PaymentIntent state = intent;
    for (Modification modification : inFlight(intent)) {
      if (calling.contains(modification.id())) {
        continue;
      }
      if (IntentTransitions.decide(state, new IntentCommand.RecordModification(modification.id(),
          new ModificationOutcome.Unknown("owner_lost"), now)) instanceof Decision.Accepted accepted) {
        events.addAll(accepted.events());
        state = IntentTransitions.evolveAll(state, accepted.events());
      }
    }
    return events;
  }

  /**
   * When an authorization held for capture expires: its approval plus the provider's authorization validity; empty
   * while the intent does not require capture, or a capture or cancel is already under way.
   */
  static Optional<Instant> authorizationExpiresAt(PaymentIntent intent, Function<String, Duration> validity) {
    if (intent.status() != IntentStatus.REQUIRES_CAPTURE
        || intent.modifications().stream().anyMatch(m -> m.status().mayMoveMoney())) {
      return Optional.empty();
    }
    return intent.approvedAttempt().map(approved -> approved.updatedAt().plus(validity.apply(approved.provider())));
  }
}
