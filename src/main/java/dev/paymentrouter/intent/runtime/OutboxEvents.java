package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.intent.domain.IntentStatus;
import dev.paymentrouter.intent.domain.Modification;
import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.provider.domain.ModificationRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The events a transition owes the merchant (the transactional outbox's rows; their types are the wire names of
 * {@code webhook.domain.WebhookEventType}): derived from the intent before and
 * after it, so that every externally visible change has exactly one event, written by the statement that writes the
 * change. Each carries the resource as the API shows it at that moment.
 */
final class OutboxEvents {

  /** One event: {@code id} {@code evt_...}, its type's wire name, the resource, when. */
  record OutboxEvent(String id, String type, String merchantId, String intentId, Object data, Instant createdAt) {}

  private final IntentIds ids;
  private final ResourceRenderer renderer;

  OutboxEvents(IntentIds ids, ResourceRenderer renderer) {
    this.ids = ids;
    this.renderer = renderer;
  }

  /** The events of a new intent. */
  List<OutboxEvent> created(PaymentIntent intent) {
    List<OutboxEvent> events = new ArrayList<>();
    events.add(intentEvent("payment_intent.created", intent));
    statusType(null, intent).ifPresent(type -> events.add(intentEvent(type, intent)));
    return events;
  }

  /** The events of a transition from {@code before} to {@code after}, in the order a merchant reads them. */
  List<OutboxEvent> changed(PaymentIntent before, PaymentIntent after) {
    List<OutboxEvent> events = new ArrayList<>();
    for (Modification refund : after.modifications()) {
      if (refund.kind() != ModificationRequest.Kind.REFUND) {
        continue;
      }
      Optional<Modification> was = before.modification(refund.id());
      if (was.isEmpty()) {
        events.add(refundEvent("refund.created", after, refund));
      }
      Modification.Status old = was.map(Modification::status).orElse(null);
      if (refund.status() != old && refund.status() == Modification.Status.SUCCEEDED) {
        events.add(refundEvent("refund.succeeded", after, refund));
      } else if (refund.status() != old && refund.status() == Modification.Status.FAILED) {
        events.add(refundEvent("refund.failed", after, refund));
      }
    }
    statusType(before.status(), after).ifPresent(type -> events.add(intentEvent(type, after)));
    return events;
  }

  /** The event of an intent's new status, if the merchant is told of it; none when the status did not change. */
  private static Optional<String> statusType(IntentStatus before, PaymentIntent after) {
    if (after.status() == before) {
      return Optional.empty();
    }
    return Optional.ofNullable(switch (after.status()) {
      // A new intent is processing from its first statement on: its creation says so.
      case PENDING -> null;
      case PROCESSING -> before == null ? null : "payment_intent.processing";
      case SUCCEEDED -> "payment_intent.succeeded";
      case FAILED -> "payment_intent.payment_failed";
      case REQUIRES_CAPTURE -> "payment_intent.requires_capture";
      case CANCELED -> "payment_intent.canceled";
      case REQUIRES_ACTION -> "payment_intent.requires_action";
    });
  }

  private OutboxEvent intentEvent(String type, PaymentIntent intent) {
    return new OutboxEvent(ids.next("evt_"), type, intent.merchantId(), intent.id(), renderer.intent(intent),
        intent.updatedAt());
  }

  private OutboxEvent refundEvent(String type, PaymentIntent intent, Modification refund) {
    return new OutboxEvent(ids.next("evt_"), type, intent.merchantId(), intent.id(), renderer.refund(intent, refund),
        refund.updatedAt());
  }
}
