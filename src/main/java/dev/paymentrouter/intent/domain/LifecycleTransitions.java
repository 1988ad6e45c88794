package dev.paymentrouter.intent.domain;

import dev.paymentrouter.intent.domain.Decision.Rejection;
import dev.paymentrouter.intent.domain.IntentCommand.Cancel;
import dev.paymentrouter.intent.domain.IntentCommand.Capture;
import dev.paymentrouter.intent.domain.IntentCommand.ReconcileAuthorization;
import dev.paymentrouter.intent.domain.IntentCommand.ReconcileModification;
import dev.paymentrouter.intent.domain.IntentCommand.RecordModification;
import dev.paymentrouter.intent.domain.IntentCommand.Refund;
import dev.paymentrouter.intent.domain.IntentEvent.IntentCanceled;
import dev.paymentrouter.intent.domain.IntentEvent.IntentSucceeded;
import dev.paymentrouter.intent.domain.IntentEvent.ModificationFailed;
import dev.paymentrouter.intent.domain.IntentEvent.ModificationPending;
import dev.paymentrouter.intent.domain.IntentEvent.ModificationStarted;
import dev.paymentrouter.intent.domain.IntentEvent.ModificationSucceeded;
import dev.paymentrouter.intent.domain.IntentEvent.ModificationUnknown;
import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.ModificationRequest.Kind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The payment after its authorization: capture, cancel and refund, decided and folded like every other transition
 * (see {@link IntentTransitions}, which hands these commands and events here). The money rules, each held twice (the
 * decision refuses what would break it, the fold throws if an event would): captured ≤ authorized, once; refunded ≤
 * received, counting every refund that may still move money, so that refunds that race are decided one after another
 * by the intent's one writer and can never give back more than was taken; nothing moves after a cancel; and a
 * modification goes only to the provider that holds the payment, never to another.
 */
final class LifecycleTransitions {

  private LifecycleTransitions() {}

  static Decision capture(PaymentIntent intent, Capture command) {
    if (intent.status() != IntentStatus.REQUIRES_CAPTURE) {
      return new Decision.Rejected(Rejection.INTENT_NOT_CAPTURABLE,
          "intent " + intent.id() + " is " + intent.status().wireName() + ", not requires_capture");
    }
    Optional<Decision> busy = busyWithAuthorization(intent);
    if (busy.isPresent()) {
      return busy.get();
    }
    long amount = command.amountMinor() == 0 ? intent.amountCapturable() : command.amountMinor();
    if (amount < 1 || amount > intent.amountCapturable()) {
      return new Decision.Rejected(Rejection.AMOUNT_TOO_LARGE,
          "a capture takes 1 to " + intent.amountCapturable() + " of the authorized amount");
    }
    return started(intent, command.modificationId(), Kind.CAPTURE, amount, null, Map.of(), command.at());
  }

  static Decision cancel(PaymentIntent intent, Cancel command) {
    return switch (intent.status()) {
      // Nothing may have been charged: nothing to release at a provider.
      case PENDING, PROCESSING -> intent.inFlightAttempt().isPresent() || intent.unknownAttempt().isPresent()
          ? new Decision.Rejected(Rejection.INTENT_NOT_CANCELABLE,
              "an attempt of intent " + intent.id() + " may be charging; cancel once its outcome is known")
          : new Decision.Accepted(List.of(new IntentCanceled(command.reason(), command.at())));
      case REQUIRES_CAPTURE -> busyWithAuthorization(intent).orElseGet(() -> started(intent, command.modificationId(),
          Kind.CANCEL, intent.amount().amountMinor(), command.reason(), Map.of(), command.at()));
      case SUCCEEDED, FAILED, REQUIRES_ACTION, CANCELED -> new Decision.Rejected(Rejection.INTENT_NOT_CANCELABLE,
          "intent " + intent.id() + " is " + intent.status().wireName());
    };
  }

  static Decision refund(PaymentIntent intent, Refund command) {
    if (intent.status() != IntentStatus.SUCCEEDED) {
      return new Decision.Rejected(Rejection.INTENT_NOT_REFUNDABLE,
          "intent " + intent.id() + " is " + intent.status().wireName() + ": only a succeeded intent is refunded");
    }
    if (intent.modification(command.modificationId()).isPresent()) {
      return new Decision.Rejected(Rejection.MODIFICATION_EXISTS,
          "modification " + command.modificationId() + " exists");
    }
    long refundable = intent.amountRefundable();
    long amount = command.amountMinor() == 0 ? refundable : command.amountMinor();
    if (amount < 1 || amount > refundable) {
      return new Decision.Rejected(Rejection.AMOUNT_TOO_LARGE, refundable == 0
          ? "nothing is left to refund (refunds that may still succeed count)"
          : "a refund gives back 1 to " + refundable + " (what is left, refunds that may still succeed counted)");
    }
    return started(intent, command.modificationId(), Kind.REFUND, amount, command.reason(), command.metadata(),
        command.at());
  }

  static Decision record(PaymentIntent intent, RecordModification command) {
    Optional<Modification> modification = intent.modification(command.modificationId())
        .filter(m -> m.status() == Modification.Status.IN_FLIGHT);
    if (modification.isEmpty()) {
      return new Decision.Rejected(Rejection.MODIFICATION_NOT_IN_FLIGHT,
          "modification " + command.modificationId() + " is not waiting for an answer");
    }
    String id = command.modificationId();
    Instant at = command.at();
    return new Decision.Accepted(switch (command.outcome()) {
      case ModificationOutcome.Succeeded succeeded -> succeeded(modification.get(), succeeded.providerReference(), at);
      case ModificationOutcome.Pending pending -> List.of(new ModificationPending(id, pending.providerReference(), at));
      // The provider refused it or never saw it: nothing moved, and the merchant may ask again.
      case ModificationOutcome.Refused refused -> List.of(new ModificationFailed(id, refused.code(), at));
      case ModificationOutcome.NotSent notSent -> List.of(new ModificationFailed(id, notSent.reason(), at));
      case ModificationOutcome.RouterRefused refused ->
          List.of(new ModificationFailed(id, refused.refusal().wireName(), at));
      // The money may have moved: the same provider is asked again, nothing else happens meanwhile.
      case ModificationOutcome.Unknown unknown -> List.of(new ModificationUnknown(id, unknown.reason(), at));
    });
  }

  static Decision reconcile(PaymentIntent intent, ReconcileModification command) {
    Optional<Modification> modification = intent.modification(command.modificationId())
        .filter(m -> m.status() == Modification.Status.UNKNOWN || m.status() == Modification.Status.PENDING);
    if (modification.isEmpty()) {
      return new Decision.Rejected(Rejection.MODIFICATION_NOT_OPEN,
          "modification " + command.modificationId() + " is neither unknown nor pending");
    }
    String id = command.modificationId();
    Instant at = command.at();
    return switch (command.status()) {
      case ModificationOutcome.Succeeded succeeded ->
          new Decision.Accepted(succeeded(modification.get(), succeeded.providerReference(), at));
      case ModificationOutcome.Refused refused ->
          new Decision.Accepted(List.of(new ModificationFailed(id, refused.code(), at)));
      case ModificationOutcome.Pending pending -> modification.get().status() == Modification.Status.UNKNOWN
          ? new Decision.Accepted(List.of(new ModificationPending(id, pending.providerReference(), at)))
          : new Decision.Rejected(Rejection.STATUS_UNAVAILABLE, "the provider has not confirmed it yet");
      // A status query the provider turned away, or could not answer, says nothing about the modification.
      case ModificationOutcome.NotSent notSent ->
          new Decision.Rejected(Rejection.STATUS_UNAVAILABLE, "the provider could not say: " + notSent.reason());
      case ModificationOutcome.RouterRefused refused -> new Decision.Rejected(Rejection.STATUS_NOT_ASKED,
          "the router did not ask the provider: " + refused.refusal().wireName());
      case ModificationOutcome.Unknown unknown ->
          new Decision.Rejected(Rejection.STATUS_UNAVAILABLE, "the provider could not say: " + unknown.reason());
    };
  }

  /**
   * What the provider's word on the authorization's end proves about the intent's open capture or cancel (at most
   * one is open: {@link #busyWithAuthorization}). In flight counts as open: the provider may tell before our call's
   * answer arrives, and that answer is then refused as late. Anything that does not prove this one's outcome leaves
   * it open, for its status query.
   */
  static Decision reconcile(PaymentIntent intent, ReconcileAuthorization command) {
    Optional<Modification> open = intent.modifications().stream()
        .filter(m -> m.kind() != Kind.REFUND && m.status().isOpen())
        .findFirst();
    if (open.isEmpty()) {
      return new Decision.Rejected(Rejection.MODIFICATION_NOT_OPEN,
          "intent " + intent.id() + " has no capture or cancel open");
    }
    Modification modification = open.get();
    if (command.modificationId() != null && !command.modificationId().equals(modification.id())) {
      return new Decision.Rejected(Rejection.MODIFICATION_NOT_OPEN,
          "modification " + command.modificationId() + " is not the open " + modification.id());
    }
    String id = modification.id();
    Instant at = command.at();
    return switch (modification.kind()) {
      case CAPTURE -> switch (command.end()) {
        // Captured as much as this capture asked: the router sends one capture per authorization, so the money
        // taken is this capture's. Another amount was captured by someone else (the provider's dashboard): money
        // moved, not as recorded, so it stays open for its status query and then an operator.
        case CAPTURE -> command.amountMinor() == modification.amountMinor()
            ? new Decision.Accepted(succeeded(modification, command.providerReference(), at))
            : new Decision.Rejected(Rejection.STATUS_UNAVAILABLE, "the provider captured "
                + command.amountMinor() + ", capture " + id + " asked for " + modification.amountMinor());
        // Released with nothing taken: no capture can follow a release, so this one took nothing.
        case CANCEL -> command.amountMinor() == 0
            ? new Decision.Accepted(List.of(new ModificationFailed(id, "authorization_canceled", at)))
            : new Decision.Rejected(Rejection.STATUS_UNAVAILABLE, "released after taking money");
        case REFUND -> throw new IllegalStateException("refused by the command's constructor");
      };
      case CANCEL -> switch (command.end()) {
        // Released with nothing taken: the hold is gone (by this cancel, or by the provider at the end of the
        // capture window); either way nothing will be taken.
        case CANCEL -> command.amountMinor() == 0
            ? new Decision.Accepted(succeeded(modification, command.providerReference(), at))
            : new Decision.Rejected(Rejection.STATUS_UNAVAILABLE, "released after taking money");
        // Captured: a captured payment is not released any more, so this cancel released nothing.
        case CAPTURE -> new Decision.Accepted(List.of(new ModificationFailed(id, "authorization_captured", at)));
        case REFUND -> throw new IllegalStateException("refused by the command's constructor");
      };
      case REFUND -> throw new IllegalStateException("refunds are filtered out above");
    };
  }

  /** Folds a started modification into the intent; throws where it would break a money rule. */
  static PaymentIntent started(PaymentIntent intent, ModificationStarted started) {
    if (intent.modification(started.modificationId()).isPresent()) {
      throw new IllegalTransitionException(intent, started, "the modification exists");
    }
    long limit = switch (started.kind()) {
      case CAPTURE, CANCEL -> intent.amountCapturable();
      case REFUND -> intent.amountRefundable();
    };
    if (started.amountMinor() > limit || busyWithAuthorization(intent).isPresent()
        && started.kind() != Kind.REFUND) {
      throw new IllegalTransitionException(intent, started, "the amount is not available for it");
    }
    return intent.withModification(new Modification(started.modificationId(), started.kind(),
        started.amountMinor(), started.provider(), started.idempotencyKey(), Modification.Status.IN_FLIGHT, null,
        null, started.reason(), started.at(), started.at(), started.metadata()), started.at());
  }

  /**
   * Folds the end (or the pending or unknown state) of an open modification into the intent; only one in flight may
   * become unknown.
   */
  static PaymentIntent ended(PaymentIntent intent, IntentEvent event, String id, Modification.Status end,
      String reference, String failure) {
    Modification open = open(intent, event, id);
    if (end == Modification.Status.UNKNOWN && open.status() != Modification.Status.IN_FLIGHT) {
      throw new IllegalTransitionException(intent, event, "only a modification in flight becomes unknown");
    }
    return intent.withModification(open.ended(end, reference, failure, event.at()), event.at());
  }

  /** The events of a modification whose money moved, and what that does to the intent. */
  private static List<IntentEvent> succeeded(Modification modification, String providerReference, Instant at) {
    List<IntentEvent> events = new ArrayList<>();
    events.add(new ModificationSucceeded(modification.id(), providerReference, at));
    switch (modification.kind()) {
      case CAPTURE -> events.add(new IntentSucceeded(at));
      case CANCEL -> events.add(new IntentCanceled(modification.reason(), at));
      case REFUND -> { }
    }
    return events;
  }

  /** A capture or cancel already under way or done: the authorization is spoken for. */
  private static Optional<Decision> busyWithAuthorization(PaymentIntent intent) {
    return intent.modifications().stream()
        .filter(m -> m.kind() != Kind.REFUND && m.status().mayMoveMoney())
        .findFirst()
        .map(m -> new Decision.Rejected(Rejection.MODIFICATION_IN_PROGRESS,
            "the " + m.kind().name().toLowerCase(Locale.ROOT) + " " + m.id() + " is "
                + m.status().wireName()));
  }

  private static Decision started(PaymentIntent intent, String id, Kind kind, long amount, String reason,
      Map<String, String> metadata, Instant at) {
    // The payment lives at the provider that approved it; no attempt approved means there is nothing to change.
    Optional<Attempt> approved = intent.approvedAttempt();
    if (approved.isEmpty() || approved.get().providerReference() == null) {
      return new Decision.Rejected(Rejection.INTENT_NOT_CAPTURABLE, "no approved payment to change");
    }
    return new Decision.Accepted(List.of(
        new ModificationStarted(id, kind, amount, approved.get().provider(), id, reason, metadata, at)));
  }

  private static Modification open(PaymentIntent intent, IntentEvent event, String id) {
    return intent.modification(id)
        .filter(m -> m.status().isOpen())
        .orElseThrow(() -> new IllegalTransitionException(intent, event, "modification " + id + " is not open"));
  }
}
