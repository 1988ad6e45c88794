package dev.paymentrouter.intent.domain;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** The result of deciding a command: events to append, or a rejection that changes nothing. */
public sealed interface Decision {

  /** The command is accepted; these events, in order, are its effect. */
  record Accepted(List<IntentEvent> events) implements Decision {
    public Accepted {
      events = List.copyOf(events);
      if (events.isEmpty()) {
        throw new IllegalArgumentException("an accepted command produces at least one event");
      }
    }
  }

  /** The command is refused, for a reason a caller can switch over, with a message for people. */
  record Rejected(Rejection reason, String message) implements Decision {
    public Rejected {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }

    /** The stable machine-readable code of the reason, e.g. {@code no_provider_available}. */
    public String code() {
      return reason.code();
    }
  }

  /** Why a command was refused. A closed set, so that the compiler finds every caller that must handle a new one. */
  enum Rejection {
    /** Create for an intent that exists. */
    INTENT_EXISTS,
    /** A command for an intent that does not exist yet. */
    INTENT_NOT_FOUND,
    /** Create when no provider can take the intent now: nothing is stored. */
    NO_PROVIDER_AVAILABLE,
    /** Create when no provider the intent may use can charge its payment method (no token it can use). */
    NO_USABLE_PAYMENT_METHOD,
    /** The intent is final; nothing changes it any more. */
    INTENT_FINAL,
    /** An outcome for an attempt that is not waiting for one. */
    ATTEMPT_NOT_IN_FLIGHT,
    /** A status answer or give-up for an attempt that has no unknown outcome. */
    ATTEMPT_NOT_UNKNOWN,
    /** The intent waits for an operator. */
    INTENT_UNRESOLVED,
    /** A re-drive of an intent that does not wait for an operator. */
    INTENT_NOT_UNRESOLVED,
    /** A "not found" before the provider can have finished processing: it proves nothing yet. */
    TOO_EARLY_TO_TELL,
    /** The provider could not say what became of the attempt. */
    STATUS_UNAVAILABLE,
    /** The router did not ask the provider (its own status-query budget, or the provider not running). */
    STATUS_NOT_ASKED,
    /** A retry of an intent that does not wait for a provider. */
    INTENT_NOT_PARKED,
    /** A capture of an intent that holds no authorization to capture. */
    INTENT_NOT_CAPTURABLE,
    /** A cancel of an intent that is paid, failed, waits for its customer, or is charging right now. */
    INTENT_NOT_CANCELABLE,
    /** A refund of an intent that was not paid. */
    INTENT_NOT_REFUNDABLE,
    /** A capture or refund of more than is left to capture or refund. */
    AMOUNT_TOO_LARGE,
    /** A capture or cancel while another one of the authorization is under way or done. */
    MODIFICATION_IN_PROGRESS,
    /** A modification whose id the intent already has. */
    MODIFICATION_EXISTS,
    /** An answer for a modification that is not waiting for one. */
    MODIFICATION_NOT_IN_FLIGHT,
    /** A status answer for a modification that is neither unknown nor pending. */
    MODIFICATION_NOT_OPEN,
    /** A change of the merchant's details while the intent is being charged. */
    INTENT_PROCESSING;

    /** The wire form, e.g. {@code too_early_to_tell}. */
    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
