package dev.paymentrouter.intent.domain;

import dev.paymentrouter.intent.domain.IntentCommand.Create;
import dev.paymentrouter.intent.domain.IntentCommand.GiveUp;
import dev.paymentrouter.intent.domain.IntentCommand.RecordOutcome;
import dev.paymentrouter.intent.domain.IntentCommand.Reconcile;
import dev.paymentrouter.intent.domain.IntentCommand.Redrive;
import dev.paymentrouter.intent.domain.IntentEvent.AttemptApproved;
import dev.paymentrouter.intent.domain.IntentEvent.AttemptDeclined;
import dev.paymentrouter.intent.domain.IntentEvent.AttemptNotCharged;
import dev.paymentrouter.intent.domain.IntentEvent.AttemptNotSent;
import dev.paymentrouter.intent.domain.IntentEvent.AttemptStarted;
import dev.paymentrouter.intent.domain.IntentEvent.AttemptUnknown;
import dev.paymentrouter.intent.domain.IntentEvent.IntentCreated;
import dev.paymentrouter.intent.domain.IntentEvent.IntentFailed;
import dev.paymentrouter.intent.domain.IntentEvent.IntentRedriven;
import dev.paymentrouter.intent.domain.IntentEvent.IntentSucceeded;
import dev.paymentrouter.intent.domain.IntentEvent.IntentUnresolved;
import dev.paymentrouter.provider.domain.ChargeStatus;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The intent state machine: {@link #decide} turns a command into events or a rejection, {@link #evolve} folds one
 * event into the state. Both are pure; every business rule of an intent's life is here. The rule everything else
 * serves: a new attempt starts only when every earlier one is proven not to have charged.
 */
public final class IntentTransitions {

  /** Failure code when no provider could take the intent. */
  public static final String NO_PROVIDER_AVAILABLE = "no_provider_available";

  /** Failure code when the intent used up its attempts without a charge. */
  public static final String ATTEMPTS_EXHAUSTED = "attempts_exhausted";

  /** Failure code when the intent's deadline passed before any charge. */
  public static final String DEADLINE_EXCEEDED = "deadline_exceeded";

  private static final Set<AttemptStatus> MAY_HAVE_CHARGED = Set.of(AttemptStatus.IN_FLIGHT, AttemptStatus.UNKNOWN);

  private IntentTransitions() {}

  /** Decides what a command means for the current state. Never throws for a legal state. */
  public static Decision decide(IntentState state, IntentCommand command) {
    return switch (state) {
      case IntentState.NoIntent none -> switch (command) {
        case Create create -> create(create);
        case RecordOutcome outcome -> notFound();
        case Reconcile reconcile -> notFound();
        case GiveUp giveUp -> notFound();
        case Redrive redrive -> notFound();
      };
      case PaymentIntent intent -> switch (command) {
        case Create create -> new Decision.Rejected("intent_exists", "intent " + intent.id() + " already exists");
        case RecordOutcome outcome -> recordOutcome(intent, outcome);
        case Reconcile reconcile -> reconcile(intent, reconcile);
        case GiveUp giveUp -> giveUp(intent, giveUp);
        case Redrive redrive -> redrive(intent, redrive);
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
              created.reference(), created.metadata(), IntentStatus.PENDING, List.of(), null, null,
              created.deadline(), created.at(), created.at());
        }
        throw new IllegalTransitionException(state, event, "the intent does not exist yet");
      }
      case PaymentIntent intent -> evolveIntent(intent, event);
    };
  }

  /** Folds a whole history, oldest first. */
  public static PaymentIntent replay(List<IntentEvent> history) {
    return evolveAll(IntentState.NONE, history);
  }

  /** Applies events in order to a state. */
  public static PaymentIntent evolveAll(IntentState state, List<IntentEvent> events) {
    IntentState current = state;
    for (IntentEvent event : events) {
      current = evolve(current, event);
    }
    if (current instanceof PaymentIntent intent) {
      return intent;
    }
    throw new IllegalArgumentException("an intent history starts with IntentCreated");
  }

  /** The provider-side idempotency key of an attempt: unique per attempt, stable across replays. */
  public static String attemptKey(String intentId, int attemptNumber) {
    return intentId + "_" + attemptNumber;
  }

  private static Decision notFound() {
    return new Decision.Rejected("intent_not_found", "there is no intent yet");
  }

  private static Decision create(Create create) {
    Optional<String> first = nextCandidate(create.route(), List.of());
    if (first.isEmpty()) {
      return new Decision.Rejected(NO_PROVIDER_AVAILABLE, "no provider can take a payment now");
    }
    return new Decision.Accepted(List.of(
        new IntentCreated(
            create.intentId(), create.merchantId(), create.amount(), create.paymentMethod(), create.reference(),
            create.metadata(), create.deadline(), create.at()),
        started(create.intentId(), 1, first.get(), create.route(), create.at())));
  }

  private static Decision recordOutcome(PaymentIntent intent, RecordOutcome command) {
    if (intent.status().isFinal()) {
      return intentFinal(intent);
    }
    if (intent.attempt(command.attemptNumber()).filter(a -> a.status() == AttemptStatus.IN_FLIGHT).isEmpty()) {
      return new Decision.Rejected(
          "attempt_not_in_flight", "attempt " + command.attemptNumber() + " is not waiting for an outcome");
    }
    int number = command.attemptNumber();
    Instant at = command.at();
    List<IntentEvent> events = new ArrayList<>();
    switch (command.outcome()) {
      case ProviderOutcome.Approved approved -> {
        events.add(new AttemptApproved(number, approved.providerReference(), at));
        events.add(new IntentSucceeded(at));
      }
      case ProviderOutcome.Declined declined -> {
        events.add(new AttemptDeclined(number, declined.code(), at));
        // A hard decline is the card's answer: another provider would only hear it again.
        events.add(declined.retryableElsewhere()
            ? continueOrFail(intent, command.route(), at, declined.code(), declined.code())
            : new IntentFailed(declined.code(), at));
      }
      case ProviderOutcome.NotSent notSent -> {
        // Nothing reached the provider, so trying the next one cannot charge twice.
        events.add(new AttemptNotSent(number, notSent.reason(), at));
        events.add(continueOrFail(intent, command.route(), at, NO_PROVIDER_AVAILABLE, ATTEMPTS_EXHAUSTED));
      }
      // A charge may exist: no other provider is tried until reconciliation knows.
      case ProviderOutcome.Unknown unknown -> events.add(new AttemptUnknown(number, unknown.reason(), at));
    }
    return new Decision.Accepted(events);
  }

  private static Decision reconcile(PaymentIntent intent, Reconcile command) {
    if (intent.status().isFinal()) {
      return intentFinal(intent);
    }
    if (intent.isUnresolved()) {
      return new Decision.Rejected("intent_unresolved", "intent " + intent.id() + " waits for an operator");
    }
    Optional<Attempt> unknown = intent.attempt(command.attemptNumber())
        .filter(a -> a.status() == AttemptStatus.UNKNOWN);
    if (unknown.isEmpty()) {
      return new Decision.Rejected(
          "attempt_not_unknown", "attempt " + command.attemptNumber() + " has no unknown outcome");
    }
    int number = command.attemptNumber();
    Instant at = command.at();
    return switch (command.status()) {
      case ChargeStatus.Charged charged -> new Decision.Accepted(List.of(
          new AttemptApproved(number, charged.providerReference(), at), new IntentSucceeded(at)));
      case ChargeStatus.Declined declined -> new Decision.Accepted(List.of(
          new AttemptDeclined(number, declined.code(), at),
          declined.retryableElsewhere()
              ? continueOrFail(intent, command.route(), at, declined.code(), declined.code())
              : new IntentFailed(declined.code(), at)));
      case ChargeStatus.NotFound notFound -> {
        if (at.isBefore(unknown.get().createdAt().plus(command.settleTime()))) {
          yield new Decision.Rejected("too_early_to_tell",
              "the provider may still be processing attempt " + number + "; not found proves nothing yet");
        }
        yield new Decision.Accepted(List.of(
            new AttemptNotCharged(number, at),
            continueOrFail(intent, command.route(), at, NO_PROVIDER_AVAILABLE, ATTEMPTS_EXHAUSTED)));
      }
      case ChargeStatus.Unavailable unavailable -> new Decision.Rejected(
          "status_unavailable", "the provider could not say: " + unavailable.reason());
    };
  }

  private static Decision giveUp(PaymentIntent intent, GiveUp command) {
    if (intent.status().isFinal()) {
      return intentFinal(intent);
    }
    if (intent.isUnresolved()) {
      return new Decision.Rejected("intent_unresolved", "intent " + intent.id() + " is already unresolved");
    }
    if (intent.unknownAttempt().isEmpty()) {
      return new Decision.Rejected("attempt_not_unknown", "intent " + intent.id() + " has nothing to reconcile");
    }
    return new Decision.Accepted(List.of(new IntentUnresolved(command.reason(), command.at())));
  }

  private static Decision redrive(PaymentIntent intent, Redrive command) {
    if (!intent.isUnresolved()) {
      return new Decision.Rejected("intent_not_unresolved", "intent " + intent.id() + " is not unresolved");
    }
    return new Decision.Accepted(List.of(new IntentRedriven(command.operator(), command.at())));
  }

  private static Decision intentFinal(PaymentIntent intent) {
    return new Decision.Rejected("intent_final", "intent " + intent.id() + " is final");
  }

  /**
   * After an attempt proven not to have charged: the next untried candidate, or the end. {@code noCandidateCode}
   * and {@code exhaustedCode} say why it ended.
   */
  private static IntentEvent continueOrFail(
      PaymentIntent intent, RouteOptions route, Instant at, String noCandidateCode, String exhaustedCode) {
    if (at.isAfter(intent.deadline())) {
      return new IntentFailed(DEADLINE_EXCEEDED, at);
    }
    int next = intent.attempts().size() + 1;
    if (next > route.maxAttempts()) {
      return new IntentFailed(exhaustedCode, at);
    }
    List<String> tried = intent.attempts().stream().map(Attempt::provider).toList();
    return nextCandidate(route, tried)
        .<IntentEvent>map(provider -> started(intent.id(), next, provider, route, at))
        .orElseGet(() -> new IntentFailed(noCandidateCode, at));
  }

  private static AttemptStarted started(String intentId, int number, String provider, RouteOptions route,
      Instant at) {
    return new AttemptStarted(number, provider, attemptKey(intentId, number), route.rule(), route.candidates(), at);
  }

  private static Optional<String> nextCandidate(RouteOptions route, List<String> tried) {
    return route.candidates().stream().filter(candidate -> !tried.contains(candidate)).findFirst();
  }

  private static PaymentIntent evolveIntent(PaymentIntent intent, IntentEvent event) {
    return switch (event) {
      case IntentCreated created -> throw new IllegalTransitionException(intent, event, "the intent exists");
      case AttemptStarted started -> {
        requireOpen(intent, event);
        if (intent.attempts().stream().anyMatch(a -> MAY_HAVE_CHARGED.contains(a.status()))) {
          throw new IllegalTransitionException(intent, event, "an earlier attempt may have charged");
        }
        if (started.attemptNumber() != intent.attempts().size() + 1) {
          throw new IllegalTransitionException(intent, event, "attempts are numbered in order");
        }
        yield intent.withAttempt(Attempt.started(started), started.at());
      }
      case AttemptApproved approved -> intent.withAttempt(
          mayHaveCharged(intent, event, approved.attemptNumber()).approved(approved.providerReference(),
              approved.at()),
          approved.at());
      case AttemptDeclined declined -> intent.withAttempt(
          mayHaveCharged(intent, event, declined.attemptNumber()).declined(declined.declineCode(), declined.at()),
          declined.at());
      case AttemptNotSent notSent -> intent.withAttempt(
          attemptIn(intent, event, notSent.attemptNumber(), AttemptStatus.IN_FLIGHT)
              .ended(AttemptStatus.NOT_SENT, notSent.reason(), notSent.at()),
          notSent.at());
      case AttemptUnknown unknown -> intent.withAttempt(
          attemptIn(intent, event, unknown.attemptNumber(), AttemptStatus.IN_FLIGHT)
              .ended(AttemptStatus.UNKNOWN, unknown.reason(), unknown.at()),
          unknown.at());
      case AttemptNotCharged notCharged -> {
        Attempt attempt = attemptIn(intent, event, notCharged.attemptNumber(), AttemptStatus.UNKNOWN);
        yield intent.withAttempt(attempt.ended(AttemptStatus.NOT_CHARGED, attempt.errorCode(), notCharged.at()),
            notCharged.at());
      }
      case IntentSucceeded succeeded -> {
        requireOpen(intent, event);
        if (intent.attempts().stream().noneMatch(a -> a.status() == AttemptStatus.APPROVED)) {
          throw new IllegalTransitionException(intent, event, "no attempt was approved");
        }
        yield intent.with(IntentStatus.SUCCEEDED, null, null, succeeded.at());
      }
      case IntentFailed failed -> {
        requireOpen(intent, event);
        if (intent.attempts().stream().anyMatch(a -> MAY_HAVE_CHARGED.contains(a.status()))) {
          throw new IllegalTransitionException(intent, event, "an attempt may have charged");
        }
        if (intent.attempts().stream().anyMatch(a -> a.status() == AttemptStatus.APPROVED)) {
          throw new IllegalTransitionException(intent, event, "an attempt was approved");
        }
        yield intent.with(IntentStatus.FAILED, failed.failureCode(), null, failed.at());
      }
      case IntentUnresolved unresolved -> {
        requireOpen(intent, event);
        if (intent.unknownAttempt().isEmpty() || intent.isUnresolved()) {
          throw new IllegalTransitionException(intent, event, "only an intent reconciling can be unresolved");
        }
        yield intent.with(intent.status(), intent.failureCode(), unresolved.reason(), unresolved.at());
      }
      case IntentRedriven redriven -> {
        if (!intent.isUnresolved()) {
          throw new IllegalTransitionException(intent, event, "the intent is not unresolved");
        }
        yield intent.with(intent.status(), intent.failureCode(), null, redriven.at());
      }
    };
  }

  private static void requireOpen(PaymentIntent intent, IntentEvent event) {
    if (intent.status().isFinal()) {
      throw new IllegalTransitionException(intent, event, "the intent is final");
    }
  }

  private static Attempt mayHaveCharged(PaymentIntent intent, IntentEvent event, int attemptNumber) {
    requireOpen(intent, event);
    return intent.attempt(attemptNumber)
        .filter(a -> MAY_HAVE_CHARGED.contains(a.status()))
        .orElseThrow(() -> new IllegalTransitionException(
            intent, event, "attempt " + attemptNumber + " is neither in flight nor unknown"));
  }

  private static Attempt attemptIn(PaymentIntent intent, IntentEvent event, int attemptNumber, AttemptStatus wanted) {
    requireOpen(intent, event);
    return intent.attempt(attemptNumber)
        .filter(a -> a.status() == wanted)
        .orElseThrow(() -> new IllegalTransitionException(
            intent, event, "attempt " + attemptNumber + " is not " + wanted.wireName()));
  }
}
