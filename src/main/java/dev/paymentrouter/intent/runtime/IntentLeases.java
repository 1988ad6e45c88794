package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.intent.domain.IntentEvent;
import dev.paymentrouter.intent.domain.Modification;
import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.intent.runtime.IntentStore.Ownership;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The lease and schedule written with each transition of an intent: who must be working on it and until when, and
 * when recovery should look at it next. One rule for every state, so that nothing an intent still has to do is ever
 * left without either a live owner or a time to be found again.
 */
final class IntentLeases {

  private IntentLeases() {}

  /**
   * The ownership after {@code events} made the intent {@code after}. An owner keeps its lease while a call is in
   * flight (or while it goes on at once, {@code continuing}) and through a parked wait; an unknown outcome (of a
   * charge, capture, cancel or refund) is handed to the sentinel for its next check on the schedule, a pending
   * capture, cancel or refund for one at the pending pace; a held authorization is due when it expires; a final
   * intent with nothing open needs nobody.
   */
  static Ownership after(IntentRuntime runtime, List<IntentEvent> events, PaymentIntent after,
      int checks, boolean continuing, Instant now) {
    String node = runtime.node();
    Instant held = now.plus(runtime.lease());
    Optional<Instant> parkedUntil = IntentParking.until(events);
    if (parkedUntil.isPresent()) {
      // Parked: the owner keeps the intent through its wait; should it die, others take over a lease later.
      Instant until = parkedUntil.get();
      return new Ownership(node, (until.isAfter(now) ? until : now).plus(runtime.lease()), null, checks);
    }
    if (!after.status().isFinal() && after.inFlightAttempt().isPresent()) {
      return new Ownership(node, held, null, checks);
    }
    if (continuing || !IntentModifications.inFlight(after).isEmpty()) {
      // Due when the lease runs out: should this node die while it works on the intent, recovery finds it even when
      // its status (succeeded, with a refund under way) is not an open one.
      return new Ownership(node, held, IntentModifications.charging(after) ? null : held, checks);
    }
    boolean unknownCharge = !after.status().isFinal() && after.unknownAttempt().isPresent() && !after.isUnresolved();
    boolean unknownModification = after.modifications().stream()
        .anyMatch(m -> m.status() == Modification.Status.UNKNOWN);
    // An unconfirmed modification stays due even once unresolved: the sentinel skips unresolved intents, and the
    // time set keeps it claimable for an operator's re-drive.
    if (unknownCharge || unknownModification) {
      Duration delay = runtime.schedule().delayAfter(checks).orElse(Duration.ZERO);
      return new Ownership(node, now, now.plus(delay), checks);
    }
    if (after.awaitsModificationConfirmation()) {
      // Accepted by its provider, to be confirmed later (usually by webhook): looked at again at the pending pace.
      return new Ownership(node, now, now.plus(runtime.pendingInterval()), checks);
    }
    return new Ownership(node, now,
        IntentModifications.authorizationExpiresAt(after, runtime.authorizationValidity()).orElse(null), checks);
  }
}
