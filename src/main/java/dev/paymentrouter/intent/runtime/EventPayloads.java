package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.intent.domain.IntentEvent;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The audit-trail form of each event: its type name and its payload. Written by hand so that nothing sensitive
 * (the payment token) lands in the trail by accident, and so that a new event type does not compile until it
 * has a form here.
 */
final class EventPayloads {

  private EventPayloads() {}

  static String type(IntentEvent event) {
    return switch (event) {
      case IntentEvent.IntentCreated e -> "intent_created";
      case IntentEvent.AttemptStarted e -> "attempt_started";
      case IntentEvent.AttemptApproved e -> "attempt_approved";
      case IntentEvent.AttemptDeclined e -> "attempt_declined";
      case IntentEvent.AttemptNotSent e -> "attempt_not_sent";
      // Same type as the provider's refusal (the attempt ends not sent either way); the payload says who refused.
      case IntentEvent.AttemptRefused e -> "attempt_not_sent";
      case IntentEvent.IntentParked e -> "intent_parked";
      case IntentEvent.IntentRetried e -> "intent_retried";
      case IntentEvent.AttemptUnknown e -> "attempt_unknown";
      case IntentEvent.AttemptActionRequired e -> "attempt_action_required";
      case IntentEvent.AttemptNotCharged e -> "attempt_not_charged";
      case IntentEvent.IntentSucceeded e -> "intent_succeeded";
      case IntentEvent.IntentFailed e -> "intent_failed";
      case IntentEvent.IntentUnresolved e -> "intent_unresolved";
      case IntentEvent.IntentRedriven e -> "intent_redriven";
      case IntentEvent.IntentAnnotated e -> "intent_annotated";
      case IntentEvent.IntentAuthorized e -> "intent_authorized";
      case IntentEvent.IntentCanceled e -> "intent_canceled";
      case IntentEvent.ModificationStarted e -> "modification_started";
      case IntentEvent.ModificationSucceeded e -> "modification_succeeded";
      case IntentEvent.ModificationPending e -> "modification_pending";
      case IntentEvent.ModificationFailed e -> "modification_failed";
      case IntentEvent.ModificationUnknown e -> "modification_unknown";
    };
  }

  static Map<String, Object> payload(IntentEvent event) {
    Map<String, Object> payload = new LinkedHashMap<>();
    switch (event) {
      case IntentEvent.IntentCreated e -> {
        payload.put("merchantId", e.merchantId());
        payload.put("amount", e.amount().amountMinor());
        payload.put("currency", e.amount().currency());
        payload.put("paymentMethodType", e.paymentMethod().type());
        payload.put("country", e.paymentMethod().country());
        payload.put("reference", e.reference());
        payload.put("metadata", e.metadata());
        payload.put("deadline", e.deadline().toString());
        payload.put("captureMethod", e.captureMethod().wireName());
        if (e.description() != null) {
          // Also what sets the intent's description column (V19's trigger).
          payload.put("description", e.description());
        }
      }
      case IntentEvent.AttemptStarted e -> {
        payload.put("attempt", e.attemptNumber());
        payload.put("provider", e.provider());
        payload.put("idempotencyKey", e.idempotencyKey());
        payload.put("routingRule", e.routingRule());
        payload.put("candidates", e.candidates());
        if (!e.skipped().isEmpty()) {
          payload.put("skipped", e.skipped());
        }
      }
      case IntentEvent.AttemptApproved e -> {
        payload.put("attempt", e.attemptNumber());
        payload.put("providerReference", e.providerReference());
      }
      case IntentEvent.AttemptDeclined e -> {
        payload.put("attempt", e.attemptNumber());
        payload.put("declineCode", e.declineCode());
      }
      case IntentEvent.AttemptNotSent e -> {
        payload.put("attempt", e.attemptNumber());
        payload.put("reason", e.reason());
      }
      case IntentEvent.AttemptRefused e -> {
        payload.put("attempt", e.attemptNumber());
        payload.put("reason", e.refusal().wireName());
        payload.put("refusedBy", "router");
      }
      case IntentEvent.AttemptUnknown e -> {
        payload.put("attempt", e.attemptNumber());
        payload.put("reason", e.reason());
        if (e.providerReference() != null) {
          payload.put("providerReference", e.providerReference());
        }
      }
      case IntentEvent.AttemptActionRequired e -> {
        payload.put("attempt", e.attemptNumber());
        payload.put("providerReference", e.providerReference());
        payload.put("action", e.action());
      }
      case IntentEvent.IntentParked e -> {
        payload.put("parkedSince", e.parkedSince().toString());
        payload.put("until", e.until().toString());
      }
      case IntentEvent.IntentRetried e -> {
        payload.put("parkedSince", e.parkedSince().toString());
        payload.put("waitedMs", java.time.Duration.between(e.parkedSince(), e.at()).toMillis());
      }
      case IntentEvent.IntentSucceeded e -> {
        // the event itself is the fact
      }
      case IntentEvent.AttemptNotCharged e -> payload.put("attempt", e.attemptNumber());
      case IntentEvent.IntentFailed e -> payload.put("failureCode", e.failureCode());
      case IntentEvent.IntentUnresolved e -> payload.put("reason", e.reason());
      case IntentEvent.IntentRedriven e -> payload.put("operator", e.operator());
      case IntentEvent.IntentAnnotated e -> {
        // What the intent's metadata and description columns become (V19's trigger), both always written.
        payload.put("metadata", e.metadata());
        payload.put("description", e.description());
      }
      case IntentEvent.IntentAuthorized e -> {
        // the event itself is the fact
      }
      case IntentEvent.IntentCanceled e -> payload.put("reason", e.reason());
      case IntentEvent.ModificationStarted e -> {
        payload.put("modification", e.modificationId());
        payload.put("kind", e.kind().name().toLowerCase(Locale.ROOT));
        payload.put("amount", e.amountMinor());
        payload.put("provider", e.provider());
        payload.put("idempotencyKey", e.idempotencyKey());
        payload.put("reason", e.reason());
        if (!e.metadata().isEmpty()) {
          payload.put("metadata", e.metadata());
        }
      }
      case IntentEvent.ModificationSucceeded e -> {
        payload.put("modification", e.modificationId());
        payload.put("providerReference", e.providerReference());
      }
      case IntentEvent.ModificationPending e -> {
        payload.put("modification", e.modificationId());
        payload.put("providerReference", e.providerReference());
      }
      case IntentEvent.ModificationFailed e -> {
        payload.put("modification", e.modificationId());
        payload.put("failureCode", e.failureCode());
      }
      case IntentEvent.ModificationUnknown e -> {
        payload.put("modification", e.modificationId());
        payload.put("reason", e.reason());
      }
    }
    return payload;
  }
}
