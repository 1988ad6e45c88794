package dev.paymentrouter.notification.domain;

import dev.paymentrouter.provider.domain.ChargeStatus;
import dev.paymentrouter.provider.domain.ModificationOutcome;

/**
 * Stripe's event types, as data: what each tells the router. The fields come from the event's {@code data.object}
 * (a PaymentIntent, a Refund or a Dispute) and its metadata, where the connector put our keys.
 */
public final class StripeEvents {

  private StripeEvents() {}

  /** The parts of an event's object that matter here; null where absent. */
  public record EventObject(String id, String status, String attemptKey, String modificationKey, String failureCode,
      String paymentIntent) {}

  /** What an event of {@code type} about {@code object} means. */
  public static Notice notice(String type, EventObject object) {
    return switch (type) {
      // The PaymentIntent charged (captured, or authorized and held for a later capture): proves the charge.
      case "payment_intent.succeeded" -> new Notice.AttemptVerdict(object.attemptKey(),
          new ChargeStatus.Charged(object.id()));
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
