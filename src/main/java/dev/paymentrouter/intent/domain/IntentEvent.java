package dev.paymentrouter.intent.domain;

import dev.paymentrouter.provider.domain.ModificationRequest;
import dev.paymentrouter.provider.domain.RouterRefusal;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

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
      Instant deadline,
      CaptureMethod captureMethod,
      Instant at,
      String description)
      implements IntentEvent {
    public IntentCreated {
      Objects.requireNonNull(intentId, "intentId");
      Objects.requireNonNull(deadline, "deadline");
      metadata = Map.copyOf(metadata);
      captureMethod = captureMethod == null ? CaptureMethod.AUTOMATIC : captureMethod;
    }

    /** An intent without a description. */
    public IntentCreated(String intentId, String merchantId, Money amount, PaymentMethod paymentMethod,
        String reference, Map<String, String> metadata, Instant deadline, CaptureMethod captureMethod, Instant at) {
      this(intentId, merchantId, amount, paymentMethod, reference, metadata, deadline, captureMethod, at, null);
    }

    /** An intent captured at once. */
    public IntentCreated(String intentId, String merchantId, Money amount, PaymentMethod paymentMethod,
        String reference, Map<String, String> metadata, Instant deadline, Instant at) {
      this(intentId, merchantId, amount, paymentMethod, reference, metadata, deadline, CaptureMethod.AUTOMATIC, at);
    }
  }

  /**
   * A provider attempt was started; its request may be sent from now on. {@code skipped}: providers of the rule left
   * out because the intent's payment method cannot be charged there, with why.
   */
  record AttemptStarted(
      int attemptNumber, String provider, String idempotencyKey, String routingRule, List<String> candidates,
      Map<String, String> skipped, Instant at)
      implements IntentEvent {
    public AttemptStarted {
      candidates = List.copyOf(candidates);
      // By provider name, so that answers and the trail show them in one order.
      skipped = skipped == null || skipped.isEmpty()
          ? Map.of()
          : Collections.unmodifiableSortedMap(new TreeMap<>(skipped));
    }

    /** An attempt for which routing skipped no provider. */
    public AttemptStarted(
        int attemptNumber, String provider, String idempotencyKey, String routingRule, List<String> candidates,
        Instant at) {
      this(attemptNumber, provider, idempotencyKey, routingRule, candidates, Map.of(), at);
    }
  }

  /** The provider charged (answered, or found by reconciliation). */
  record AttemptApproved(int attemptNumber, String providerReference, Instant at) implements IntentEvent {}

  /** The provider declined (answered, or found by reconciliation). */
  record AttemptDeclined(int attemptNumber, String declineCode, Instant at) implements IntentEvent {}

  /** The request never reached the provider. */
  record AttemptNotSent(int attemptNumber, String reason, Instant at) implements IntentEvent {}

  /**
   * The router itself refused to send the request (its breaker, bucket, pool or supervisor): the attempt ends
   * not sent, and the provider may be asked again later, with a new attempt.
   */
  record AttemptRefused(int attemptNumber, RouterRefusal refusal, Instant at) implements IntentEvent {
    public AttemptRefused {
      Objects.requireNonNull(refusal, "refusal");
    }
  }

  /**
   * No provider can take the intent now, only because the router holds them back: it waits until {@code until},
   * the earliest moment one can. {@code parkedSince} is when this wait began (an earlier park's, if the intent was
   * refused again right after waking).
   */
  record IntentParked(Instant parkedSince, Instant until, Instant at) implements IntentEvent {
    public IntentParked {
      Objects.requireNonNull(parkedSince, "parkedSince");
      Objects.requireNonNull(until, "until");
    }
  }

  /** A parked intent woke up and a provider can take it now; the next event starts its attempt. */
  record IntentRetried(Instant parkedSince, Instant at) implements IntentEvent {
    public IntentRetried {
      Objects.requireNonNull(parkedSince, "parkedSince");
    }
  }

  /**
   * The request may have reached the provider; nobody knows whether it charged. {@code providerReference} is the
   * provider's id for the payment when its answer named one (a pending payment), else null.
   */
  record AttemptUnknown(int attemptNumber, String reason, String providerReference, Instant at)
      implements IntentEvent {

    /** No answer that named the payment. */
    public AttemptUnknown(int attemptNumber, String reason, Instant at) {
      this(attemptNumber, reason, null, at);
    }
  }

  /**
   * The provider holds the payment until the customer acts ({@code action}, in the provider's words). Final for the
   * router, which does not drive customer actions.
   */
  record AttemptActionRequired(int attemptNumber, String providerReference, String action, Instant at)
      implements IntentEvent {
    public AttemptActionRequired {
      Objects.requireNonNull(providerReference, "providerReference");
      Objects.requireNonNull(action, "action");
    }
  }

  /** The provider confirmed that the unknown attempt charged nothing. */
  record AttemptNotCharged(int attemptNumber, Instant at) implements IntentEvent {}

  /** The provider authorized and holds the funds: the intent requires capture (or a cancel). */
  record IntentAuthorized(Instant at) implements IntentEvent {}

  /** A capture, cancel or refund was started: it may be sent to the provider from now on. */
  record ModificationStarted(
      String modificationId, ModificationRequest.Kind kind, long amountMinor, String provider, String idempotencyKey,
      String reason, Map<String, String> metadata, Instant at) implements IntentEvent {
    public ModificationStarted {
      Objects.requireNonNull(modificationId, "modificationId");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(provider, "provider");
      Objects.requireNonNull(idempotencyKey, "idempotencyKey");
      metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** A modification without the merchant's metadata. */
    public ModificationStarted(String modificationId, ModificationRequest.Kind kind, long amountMinor, String provider,
        String idempotencyKey, String reason, Instant at) {
      this(modificationId, kind, amountMinor, provider, idempotencyKey, reason, Map.of(), at);
    }
  }

  /** The money of a modification moved (answered, or found by reconciliation). */
  record ModificationSucceeded(String modificationId, String providerReference, Instant at) implements IntentEvent {}

  /** The provider accepted a modification and will confirm it later. */
  record ModificationPending(String modificationId, String providerReference, Instant at) implements IntentEvent {}

  /** A modification moved nothing: refused by the provider, or never sent. */
  record ModificationFailed(String modificationId, String failureCode, Instant at) implements IntentEvent {}

  /** A modification may have reached the provider; nobody knows whether the money moved. */
  record ModificationUnknown(String modificationId, String reason, Instant at) implements IntentEvent {}

  /** The intent will not be paid: canceled before any charge, or its authorization released. Final. */
  record IntentCanceled(String reason, Instant at) implements IntentEvent {}

  /** The intent is paid. Final. */
  record IntentSucceeded(Instant at) implements IntentEvent {}

  /** The intent will not be paid. Final. */
  record IntentFailed(String failureCode, Instant at) implements IntentEvent {}

  /** Reconciliation gave up; an operator has to look. */
  record IntentUnresolved(String reason, Instant at) implements IntentEvent {}

  /**
   * The merchant changed the intent's details: its metadata and description are now these. Money, status and
   * attempts are untouched.
   */
  record IntentAnnotated(Map<String, String> metadata, String description, Instant at) implements IntentEvent {
    public IntentAnnotated {
      metadata = Map.copyOf(metadata);
    }
  }

  /** An operator, named, sent an unresolved intent back to reconciliation. */
  record IntentRedriven(String operator, Instant at) implements IntentEvent {
    public IntentRedriven {
      Objects.requireNonNull(operator, "operator");
    }
  }
}
