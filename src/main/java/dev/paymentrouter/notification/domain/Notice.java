package dev.paymentrouter.notification.domain;

import dev.paymentrouter.provider.domain.ChargeStatus;
import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.ModificationRequest;
import java.util.Objects;

/** What a verified provider notification tells the router, before it is matched to an intent. */
public sealed interface Notice {

  /**
   * The verdict on a charge, named by our attempt's key ({@code pi_..._N}, the provider-side idempotency key carried
   * in Stripe's metadata and as Adyen's merchantReference); resolves the attempt if it is unknown.
   */
  record AttemptVerdict(String attemptKey, ChargeStatus status) implements Notice {
    public AttemptVerdict {
      Objects.requireNonNull(status, "status");
    }
  }

  /** The verdict on a capture, cancel or refund, named by its key (= our modification id). */
  record ModificationVerdict(String modificationKey, ModificationOutcome outcome) implements Notice {
    public ModificationVerdict {
      Objects.requireNonNull(outcome, "outcome");
    }
  }

  /**
   * A payment's authorization ended at its provider, named by our attempt's key: captured ({@code end} CAPTURE,
   * {@code amountMinor} taken) or released ({@code end} CANCEL, nothing taken). Stripe tells it on the PaymentIntent,
   * which names our capture only when the capture carried its key ({@code modificationKey}, else null), so it resolves
   * the intent's open capture or cancel. {@code charge}, when not null, is what it also proves about the attempt (a
   * captured payment was charged); {@code providerReference} is the provider's id of the capture or release.
   */
  record AuthorizationEnded(String attemptKey, ChargeStatus charge, ModificationRequest.Kind end, long amountMinor,
      String modificationKey, String providerReference) implements Notice {
    public AuthorizationEnded {
      Objects.requireNonNull(end, "end");
      Objects.requireNonNull(providerReference, "providerReference");
    }
  }

  /**
   * A dispute or chargeback on a payment: recorded on the notification's row and logged, no state change (the
   * router does not model disputes yet; the money already moved at the provider).
   */
  record Dispute(String attemptKey, String providerReference) implements Notice {}

  /** Anything else: stored for the record, nothing to decide. */
  record Informational(String attemptKey, String providerReference) implements Notice {}

  /** The intent an attempt key names ({@code pi_..._N} → {@code pi_...}), or null when it is no attempt key. */
  static String intentOf(String attemptKey) {
    int cut = attemptKey == null ? -1 : attemptKey.lastIndexOf('_');
    return cut > 0 && attemptNumberOf(attemptKey) > 0 ? attemptKey.substring(0, cut) : null;
  }

  /** The attempt number an attempt key names, or 0 when it is no attempt key. */
  static int attemptNumberOf(String attemptKey) {
    int cut = attemptKey == null ? -1 : attemptKey.lastIndexOf('_');
    if (cut <= 0 || !attemptKey.startsWith("pi_")) {
      return 0;
    }
    try {
      return Math.max(0, Integer.parseInt(attemptKey.substring(cut + 1)));
    } catch (NumberFormatException notANumber) {
      return 0;
    }
  }

  /** The intent this notice's attempt key names, else null. */
  default String intentId() {
    return switch (this) {
      case AttemptVerdict verdict -> intentOf(verdict.attemptKey());
      case AuthorizationEnded ended -> intentOf(ended.attemptKey());
      case Dispute dispute -> intentOf(dispute.attemptKey());
      case Informational info -> intentOf(info.attemptKey());
      case ModificationVerdict verdict -> null;
    };
  }

  /** The attempt number this notice's attempt key names, else 0. */
  default int attemptNumber() {
    return switch (this) {
      case AttemptVerdict verdict -> attemptNumberOf(verdict.attemptKey());
      case AuthorizationEnded ended -> attemptNumberOf(ended.attemptKey());
      case Dispute dispute -> 0;
      case Informational info -> 0;
      case ModificationVerdict verdict -> 0;
    };
  }
}
