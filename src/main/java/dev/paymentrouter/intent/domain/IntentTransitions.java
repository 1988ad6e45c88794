package dev.paymentrouter.intent.domain;

import dev.paymentrouter.intent.domain.IntentCommand.Create;
import dev.paymentrouter.intent.domain.IntentCommand.RecordOutcome;
import dev.paymentrouter.intent.domain.IntentEvent.AttemptApproved;
import dev.paymentrouter.intent.domain.IntentEvent.AttemptDeclined;
import dev.paymentrouter.intent.domain.IntentEvent.AttemptNotSent;
import dev.paymentrouter.intent.domain.IntentEvent.AttemptStarted;
import dev.paymentrouter.intent.domain.IntentEvent.AttemptUnknown;
import dev.paymentrouter.intent.domain.IntentEvent.IntentCreated;
import dev.paymentrouter.intent.domain.IntentEvent.IntentFailed;
import dev.paymentrouter.intent.domain.IntentEvent.IntentSucceeded;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The intent state machine: {@link #decide} turns a command into events or a rejection, {@link #evolve} folds one
 * event into the state. Both are pure; every business rule of an intent's life is here.
 */
public final class IntentTransitions {

  /** Failure code when no provider could take the intent. */
  public static final String NO_PROVIDER_AVAILABLE = "no_provider_available";

  /** Failure code when the intent used up its attempts without a charge. */
  public static final String ATTEMPTS_EXHAUSTED = "attempts_exhausted";

  private IntentTransitions() {}

  /** Decides what a command means for the current state. Never throws for a legal state. */
  public static Decision decide(IntentState state, IntentCommand command) {
    return switch (state) {
      case IntentState.NoIntent none -> switch (command) {
        case Create create -> create(create);
        case RecordOutcome outcome -> new Decision.Rejected("intent_not_found", "there is no intent yet");
      };
      case PaymentIntent intent -> switch (command) {
        case Create create -> new Decision.Rejected("intent_exists", "intent " + intent.id() + " already exists");
        case RecordOutcome outcome -> recordOutcome(intent, outcome);
      };
    };
  }

  /** Applies one event. Throws {@link IllegalTransitionException} for an event the state cannot take. */
  public static PaymentIntent evolve(IntentState state, IntentEvent event) {
    return switch (state) {
      case IntentState.NoIntent none -> {
        if (event instanceof IntentCreated created) {
          yield new PaymentIntent(
              created.intentId(), created.merchantId(), created.amount(), created.paymentMethod(),
              created.reference(), created.metadata(), IntentStatus.PENDING, List.of(), null, created.at(),
              created.at());
        }
        throw new IllegalTransitionException(state, event, "the intent does not exist yet");
      }
      case PaymentIntent intent -> evolveIntent(intent, event);
    };
  }

  /** Folds a whole history, oldest first. */
  public static PaymentIntent replay(List<IntentEvent> history) {
    IntentState state = IntentState.NONE;
    for (IntentEvent event : history) {
      state = evolve(state, event);
    }
    if (state instanceof PaymentIntent intent) {
      return intent;
    }
    throw new IllegalArgumentException("an intent history starts with IntentCreated");
  }

  /** Applies events in order to a state. */
  public static PaymentIntent evolveAll(IntentState state, List<IntentEvent> events) {
    IntentState current = state;
    for (IntentEvent event : events) {
      current = evolve(current, event);
    }
    return (PaymentIntent) current;
  }

  /** The provider-side idempotency key of an attempt: unique per attempt, stable across replays. */
  public static String attemptKey(String intentId, int attemptNumber) {
    return intentId + "_" + attemptNumber;
  }

  private static Decision create(Create create) {
    Optional<String> first = nextCandidate(create.route(), List.of());
    if (first.isEmpty()) {
      return new Decision.Rejected(NO_PROVIDER_AVAILABLE, "no provider can take a payment now");
    }
    return new Decision.Accepted(List.of(
        new IntentCreated(
            create.intentId(), create.merchantId(), create.amount(), create.paymentMethod(), create.reference(),
            create.metadata(), create.at()),
        new AttemptStarted(1, first.get(), attemptKey(create.intentId(), 1), create.at())));
  }

  private static Decision recordOutcome(PaymentIntent intent, RecordOutcome command) {
    return switch (intent.status()) {
      case SUCCEEDED, FAILED -> new Decision.Rejected("intent_final", "intent " + intent.id() + " is final");
      case PENDING, PROCESSING -> {
        Optional<Attempt> attempt = intent.attempt(command.attemptNumber())
            .filter(a -> a.status() == AttemptStatus.IN_FLIGHT);
        if (attempt.isEmpty()) {
          yield new Decision.Rejected(
              "attempt_not_in_flight", "attempt " + command.attemptNumber() + " is not waiting for an outcome");
        }
        yield new Decision.Accepted(outcomeEvents(intent, command));
      }
    };
  }

  private static List<IntentEvent> outcomeEvents(PaymentIntent intent, RecordOutcome command) {
    int number = command.attemptNumber();
    Instant at = command.at();
    return switch (command.outcome()) {
      case ProviderOutcome.Approved approved ->
          List.of(new AttemptApproved(number, approved.providerReference(), at), new IntentSucceeded(at));
      case ProviderOutcome.Declined declined ->
          List.of(new AttemptDeclined(number, declined.code(), at), new IntentFailed(declined.code(), at));
      case ProviderOutcome.NotSent notSent -> {
        // Nothing reached the provider, so trying the next one cannot charge twice.
        List<IntentEvent> events = new ArrayList<>();
        events.add(new AttemptNotSent(number, notSent.reason(), at));
        events.add(nextAttemptOrFailure(intent, command.route(), at));
        yield events;
      }
      // A charge may exist: no other provider is tried until reconciliation knows.
      case ProviderOutcome.Unknown unknown -> List.of(new AttemptUnknown(number, unknown.reason(), at));
    };
  }

  private static IntentEvent nextAttemptOrFailure(PaymentIntent intent, RouteOptions route, Instant at) {
    int next = intent.attempts().size() + 1;
    if (next > route.maxAttempts()) {
      return new IntentFailed(ATTEMPTS_EXHAUSTED, at);
    }
    List<String> tried = intent.attempts().stream().map(Attempt::provider).toList();
    return nextCandidate(route, tried)
        .<IntentEvent>map(provider -> new AttemptStarted(next, provider, attemptKey(intent.id(), next), at))
        .orElseGet(() -> new IntentFailed(NO_PROVIDER_AVAILABLE, at));
  }

  private static Optional<String> nextCandidate(RouteOptions route, List<String> tried) {
    return route.candidates().stream().filter(candidate -> !tried.contains(candidate)).findFirst();
  }

  private static PaymentIntent evolveIntent(PaymentIntent intent, IntentEvent event) {
    return switch (event) {
      case IntentCreated created -> throw new IllegalTransitionException(intent, event, "the intent exists");
      case AttemptStarted started -> {
        requireOpen(intent, event);
        if (intent.inFlightAttempt().isPresent()) {
          throw new IllegalTransitionException(intent, event, "another attempt is in flight");
        }
        if (hasUnknownAttempt(intent)) {
          throw new IllegalTransitionException(intent, event, "an attempt may have charged");
        }
        if (started.attemptNumber() != intent.attempts().size() + 1) {
          throw new IllegalTransitionException(intent, event, "attempts are numbered in order");
        }
        yield intent.withAttempt(
            Attempt.started(started.attemptNumber(), started.provider(), started.idempotencyKey(), started.at()),
            IntentStatus.PROCESSING, started.at());
      }
      case AttemptApproved approved -> intent.withAttempt(
          inFlight(intent, event, approved.attemptNumber()).approved(approved.providerReference(), approved.at()),
          IntentStatus.PROCESSING, approved.at());
      case AttemptDeclined declined -> intent.withAttempt(
          inFlight(intent, event, declined.attemptNumber()).declined(declined.declineCode(), declined.at()),
          IntentStatus.PROCESSING, declined.at());
      case AttemptNotSent notSent -> intent.withAttempt(
          inFlight(intent, event, notSent.attemptNumber())
              .ended(AttemptStatus.NOT_SENT, notSent.reason(), notSent.at()),
          IntentStatus.PROCESSING, notSent.at());
      case AttemptUnknown unknown -> intent.withAttempt(
          inFlight(intent, event, unknown.attemptNumber())
              .ended(AttemptStatus.UNKNOWN, unknown.reason(), unknown.at()),
          IntentStatus.PROCESSING, unknown.at());
      case IntentSucceeded succeeded -> {
        requireOpen(intent, event);
        if (intent.attempts().stream().noneMatch(a -> a.status() == AttemptStatus.APPROVED)) {
          throw new IllegalTransitionException(intent, event, "no attempt was approved");
        }
        yield intent.with(IntentStatus.SUCCEEDED, intent.attempts(), null, succeeded.at());
      }
      case IntentFailed failed -> {
        requireOpen(intent, event);
        if (intent.inFlightAttempt().isPresent()) {
          throw new IllegalTransitionException(intent, event, "an attempt is still in flight");
        }
        if (hasUnknownAttempt(intent)) {
          throw new IllegalTransitionException(intent, event, "an attempt may have charged");
        }
        if (intent.attempts().stream().anyMatch(a -> a.status() == AttemptStatus.APPROVED)) {
          throw new IllegalTransitionException(intent, event, "an attempt was approved");
        }
        yield intent.with(IntentStatus.FAILED, intent.attempts(), failed.failureCode(), failed.at());
      }
    };
  }

  private static boolean hasUnknownAttempt(PaymentIntent intent) {
    return intent.attempts().stream().anyMatch(a -> a.status() == AttemptStatus.UNKNOWN);
  }

  private static void requireOpen(PaymentIntent intent, IntentEvent event) {
    if (intent.status().isFinal()) {
      throw new IllegalTransitionException(intent, event, "the intent is final");
    }
  }

  private static Attempt inFlight(PaymentIntent intent, IntentEvent event, int attemptNumber) {
    requireOpen(intent, event);
    return intent.attempt(attemptNumber)
        .filter(a -> a.status() == AttemptStatus.IN_FLIGHT)
        .orElseThrow(() -> new IllegalTransitionException(
            intent, event, "attempt " + attemptNumber + " is not in flight"));
  }
}
