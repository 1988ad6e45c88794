package dev.paymentrouter.notification.domain;

import dev.paymentrouter.provider.domain.ChargeStatus;
import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.ModificationRequest;

/**
 * Stripe's event types, as data: what each tells the router. The fields come from the event's {@code data.object}
 * (a PaymentIntent, a Refund or a Dispute) and its metadata, where the connector put our keys.
 */
public final class StripeEvents {

  private StripeEvents() {}

  /**
   * The parts of an event's object that matter here; null where absent. {@code amountReceived} and
   * {@code latestCharge} are a PaymentIntent's ({@code amount_received}, {@code latest_charge}).
   */
  public record EventObject(String id, String status, String attemptKey, String modificationKey, String failureCode,
      String paymentIntent, Long amountReceived, String latestCharge) {

    /** An object without a PaymentIntent's amounts (a Refund, a Dispute). */
    public EventObject(String id, String status, String attemptKey, String modificationKey, String failureCode,
        String paymentIntent) {
      this(id, status, attemptKey, modificationKey, failureCode, paymentIntent, null, null);
    }
  }

  /** What an event of {@code type} about {@code object} means. */
  public static Notice notice(String type, EventObject object) {
    return switch (type) {
      // The PaymentIntent charged: proves the charge. Stripe sends it when the money is taken, at once or, for a
      // manual-capture PaymentIntent, when its capture succeeded (a hold is told by amount_capturable_updated), and
      // then amount_received is what the capture took; a succeeded PaymentIntent is final, so no later event can
      // contradict it. With amount_received it also ends the authorization as captured (the capture's key is in the
      // metadata when the connector sent it with the capture); without, it proves only the charge.
      case "payment_intent.succeeded" -> "succeeded".equals(object.status()) && object.amountReceived() != null
          ? new Notice.AuthorizationEnded(object.attemptKey(), new ChargeStatus.Charged(object.id()),
              ModificationRequest.Kind.CAPTURE, object.amountReceived(), object.modificationKey(),
              object.latestCharge() != null ? object.latestCharge() : object.id())
          : new Notice.AttemptVerdict(object.attemptKey(), new ChargeStatus.Charged(object.id()));
      // Canceled with nothing received: the hold is released (by our cancel, or by Stripe when the capture window
      // ran out) and Stripe makes no further charge on a canceled PaymentIntent; final, like succeeded. A cancel
      // carries no metadata of ours, and a key in the metadata would be a capture's: no modification is named.
      // Money received before a cancel (not possible for an uncaptured card payment) is not a clean release.
      case "payment_intent.canceled" -> "canceled".equals(object.status()) && Long.valueOf(0).equals(
          object.amountReceived())
          ? new Notice.AuthorizationEnded(object.attemptKey(), null, ModificationRequest.Kind.CANCEL, 0, null,
              object.id())
          : new Notice.Informational(object.attemptKey(), object.id());
      case "payment_intent.amount_capturable_updated" -> "requires_capture".equals(object.status())
          ? new Notice.AttemptVerdict(object.attemptKey(), new ChargeStatus.Charged(object.id()))
          : new Notice.Informational(object.attemptKey(), object.id());
      // The confirmation failed: Stripe moved no money for it. Declined as hard (see AdyenEvents' AUTHORISATION).
      case "payment_intent.payment_failed" -> new Notice.AttemptVerdict(object.attemptKey(),
          new ChargeStatus.Declined(object.failureCode() == null ? "card_declined" : object.failureCode(), false));
      // A Refund object: succeeded moved the money; failed or canceled proves it did not; pending is a promise.
      case "refund.created", "refund.updated", "charge.refund.updated" -> switch (String.valueOf(object.status())) {
        case "succeeded" -> new Notice.ModificationVerdict(object.modificationKey(),
            new ModificationOutcome.Succeeded(object.id()));
        case "failed", "canceled" -> new Notice.ModificationVerdict(object.modificationKey(),
            new ModificationOutcome.Refused(object.failureCode() == null ? object.status() : object.failureCode()));
        case "pending", "requires_action" -> new Notice.ModificationVerdict(object.modificationKey(),
            new ModificationOutcome.Pending(object.id()));
        default -> new Notice.Informational(null, object.id());
      };
      case "charge.dispute.created", "charge.dispute.updated", "charge.dispute.closed",
          "charge.dispute.funds_withdrawn", "charge.dispute.funds_reinstated" ->
          new Notice.Dispute(null, object.paymentIntent());
      default -> new Notice.Informational(object.attemptKey(), object.id());
    };
  }
}
