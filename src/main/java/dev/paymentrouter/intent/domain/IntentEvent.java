package dev.paymentrouter.intent.domain;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/** What happened to an intent. Events are facts: appended, never changed. */
public sealed interface IntentEvent {

  /** When it happened. */
  Instant at();

  /** The intent came into being, pending. */
  record IntentCreated(
      String intentId,
      String merchantId,
      Money amount,
      PaymentMethod paymentMethod,
      String reference,
      Map<String, String> metadata,
      Instant at)
      implements IntentEvent {
    public IntentCreated {
      Objects.requireNonNull(intentId, "intentId");
      metadata = Map.copyOf(metadata);
    }
  }

  /** A provider attempt was started; its request may be sent from now on. */
  record AttemptStarted(int attemptNumber, String provider, String idempotencyKey, Instant at)
      implements IntentEvent {}

  /** The provider charged. */
  record AttemptApproved(int attemptNumber, String providerReference, Instant at) implements IntentEvent {}

  /** The provider declined. */
  record AttemptDeclined(int attemptNumber, String declineCode, Instant at) implements IntentEvent {}

  /** The request never reached the provider. */
  record AttemptNotSent(int attemptNumber, String reason, Instant at) implements IntentEvent {}

  /** The request may have reached the provider; nobody knows whether it charged. */
  record AttemptUnknown(int attemptNumber, String reason, Instant at) implements IntentEvent {}

  /** The intent is paid. Final. */
  record IntentSucceeded(Instant at) implements IntentEvent {}

  /** The intent will not be paid. Final. */
  record IntentFailed(String failureCode, Instant at) implements IntentEvent {}
}
