package dev.paymentrouter.intent.domain;

import dev.paymentrouter.intent.domain.Decision.Rejection;
import dev.paymentrouter.intent.domain.IntentCommand.Create;
import dev.paymentrouter.intent.domain.IntentCommand.GiveUp;
import dev.paymentrouter.intent.domain.IntentCommand.Reconcile;
import dev.paymentrouter.intent.domain.IntentCommand.RecordOutcome;
import dev.paymentrouter.intent.domain.IntentCommand.Redrive;
import dev.paymentrouter.intent.domain.IntentCommand.Retry;
import dev.paymentrouter.intent.domain.IntentEvent.AttemptActionRequired;
import dev.paymentrouter.intent.domain.IntentEvent.AttemptApproved;
import dev.paymentrouter.intent.domain.IntentEvent.AttemptDeclined;
import dev.paymentrouter.intent.domain.IntentEvent.AttemptNotCharged;
import dev.paymentrouter.intent.domain.IntentEvent.AttemptNotSent;
import dev.paymentrouter.intent.domain.IntentEvent.AttemptRefused;
import dev.paymentrouter.intent.domain.IntentEvent.AttemptStarted;
import dev.paymentrouter.intent.domain.IntentEvent.AttemptUnknown;
import dev.paymentrouter.intent.domain.IntentEvent.IntentAuthorized;
import dev.paymentrouter.intent.domain.IntentEvent.IntentCanceled;
import dev.paymentrouter.intent.domain.IntentEvent.IntentCreated;
import dev.paymentrouter.intent.domain.IntentEvent.IntentFailed;
import dev.paymentrouter.intent.domain.IntentEvent.IntentParked;
import dev.paymentrouter.intent.domain.IntentEvent.IntentRedriven;
import dev.paymentrouter.intent.domain.IntentEvent.IntentRetried;
import dev.paymentrouter.intent.domain.IntentEvent.IntentSucceeded;
import dev.paymentrouter.intent.domain.IntentEvent.IntentUnresolved;
import dev.paymentrouter.intent.domain.IntentEvent.ModificationFailed;
import dev.paymentrouter.intent.domain.IntentEvent.ModificationPending;
import dev.paymentrouter.intent.domain.IntentEvent.ModificationStarted;
import dev.paymentrouter.intent.domain.IntentEvent.ModificationSucceeded;
import dev.paymentrouter.intent.domain.IntentEvent.ModificationUnknown;
import dev.paymentrouter.provider.domain.ChargeStatus;
import dev.paymentrouter.provider.domain.ModificationRequest;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The intent state machine: {@link #decide} turns a command into events or a rejection, {@link #evolve} folds one
 * event into the state. Both are pure; every business rule of an intent's life is here. The rule everything else
 * serves: a new attempt starts only when every earlier one is proven not to have charged.
 *
 * <p>The router's own refusals (breaker, bucket, pool, supervisor) are back-pressure, not failed payments: when the
 * only providers left are ones the router itself holds back, the intent parks until the earliest moment one can take
 * it, within the route's {@code maxPark} and its deadline, and fails {@code no_provider_available} only when that
 * moment would come too late. A provider the router refused may be asked again, with a new attempt; such attempts
 * never reached a provider, so they do not count against {@code maxAttempts}.
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
        case Retry retry -> notFound();
        case IntentCommand.Capture capture -> notFound();
        case IntentCommand.Cancel cancel -> notFound();
        case IntentCommand.Refund refund -> notFound();
        case IntentCommand.RecordModification record -> notFound();
        case IntentCommand.ReconcileModification reconcile -> notFound();
        case IntentCommand.ReconcileAuthorization reconcile -> notFound();
        case IntentCommand.Annotate annotate -> notFound();
      };
      case PaymentIntent intent -> switch (command) {
        case Create create -> new Decision.Rejected(Rejection.INTENT_EXISTS,
            "intent " + intent.id() + " already exists");
        case RecordOutcome outcome -> recordOutcome(intent, outcome);
        case Reconcile reconcile -> reconcile(intent, reconcile);
        case GiveUp giveUp -> giveUp(intent, giveUp);
        case Redrive redrive -> redrive(intent, redrive);
        case Retry retry -> retry(intent, retry);
        case IntentCommand.Capture capture -> LifecycleTransitions.capture(intent, capture);
        case IntentCommand.Cancel cancel -> LifecycleTransitions.cancel(intent, cancel);
        case IntentCommand.Refund refund -> LifecycleTransitions.refund(intent, refund);
        case IntentCommand.RecordModification record -> LifecycleTransitions.record(intent, record);
        case IntentCommand.ReconcileModification reconcile -> LifecycleTransitions.reconcile(intent, reconcile);
        case IntentCommand.ReconcileAuthorization reconcile -> LifecycleTransitions.reconcile(intent, reconcile);
        case IntentCommand.Annotate annotate -> annotate(intent, annotate);
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
              created.deadline(), created.at(), created.at(), null, created.captureMethod(), List.of(),
              created.description());
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

  /** What an approval means: paid when captured at once, authorized (held for a capture) otherwise. */
  private static IntentEvent paid(PaymentIntent intent, Instant at) {
    return intent.captureMethod() == CaptureMethod.MANUAL ? new IntentAuthorized(at) : new IntentSucceeded(at);
  }

  private static Decision notFound() {
    return new Decision.Rejected(Rejection.INTENT_NOT_FOUND, "there is no intent yet");
  }

  private static Decision create(Create create) {
    Optional<String> first = nextCandidate(create.route(), List.of());
    if (first.isEmpty() && create.route().noneUsable()) {
      // No wait helps: the payment method must change (a token for one of the rule's providers).
      return new Decision.Rejected(Rejection.NO_USABLE_PAYMENT_METHOD, "none of the providers for this payment can "
          + "charge its payment method: " + create.route().skipped().entrySet().stream()
              .map(skip -> skip.getKey() + " (" + skip.getValue() + ")").collect(Collectors.joining(", ")));
    }
    if (first.isEmpty()) {
      return new Decision.Rejected(Rejection.NO_PROVIDER_AVAILABLE, "no provider can take a payment now");
    }
    return new Decision.Accepted(List.of(
        new IntentCreated(
            create.intentId(), create.merchantId(), create.amount(), create.paymentMethod(), create.reference(),
            create.metadata(), create.deadline(), create.captureMethod(), create.at(), create.description()),
        started(create.intentId(), 1, first.get(), create.route(), create.at())));
  }

  /**
   * The merchant's details change on any intent but one being charged: its provider call was sent with the details it
   * had, and the answer to that call comes first (the change is refused; nothing about the money depends on it).
   */
  private static Decision annotate(PaymentIntent intent, IntentCommand.Annotate command) {
    if (intent.status() == IntentStatus.PENDING || intent.status() == IntentStatus.PROCESSING) {
      return new Decision.Rejected(Rejection.INTENT_PROCESSING,
          "intent " + intent.id() + " is being charged; change its details once it is no longer processing");
    }
    Map<String, String> metadata = new TreeMap<>(command.clearMetadata() ? Map.of() : intent.metadata());
    command.removedKeys().forEach(metadata::remove);
    metadata.putAll(command.metadata());
    String description = command.clearDescription() ? null
        : command.description() != null ? command.description() : intent.description();
    return new Decision.Accepted(List.of(new IntentEvent.IntentAnnotated(metadata, description, command.at())));
  }

  private static Decision recordOutcome(PaymentIntent intent, RecordOutcome command) {
    if (intent.status().isFinal()) {
      return intentFinal(intent);
    }
    if (intent.attempt(command.attemptNumber()).filter(a -> a.status() == AttemptStatus.IN_FLIGHT).isEmpty()) {
      return new Decision.Rejected(
          Rejection.ATTEMPT_NOT_IN_FLIGHT, "attempt " + command.attemptNumber() + " is not waiting for an outcome");
    }
    int number = command.attemptNumber();
    Instant at = command.at();
    List<IntentEvent> events = new ArrayList<>();
    switch (command.outcome()) {
      case ProviderOutcome.Approved approved -> {
        events.add(new AttemptApproved(number, approved.providerReference(), at));
        events.add(paid(intent, at));
      }
      case ProviderOutcome.Declined declined -> {
        IntentEvent ended = new AttemptDeclined(number, declined.code(), at);
        events.add(ended);
        // A hard decline is the card's answer: another provider would only hear it again.
        events.add(declined.retryableElsewhere()
            ? continueOrFail(evolve(intent, ended), command.route(), at, declined.code(), declined.code())
            : new IntentFailed(declined.code(), at));
      }
      case ProviderOutcome.NotSent notSent -> {
        // The provider refused before processing, or was never reached: trying the next one cannot charge twice.
        IntentEvent ended = new AttemptNotSent(number, notSent.reason(), at);
        events.add(ended);
        events.add(continueOrFail(evolve(intent, ended), command.route(), at, NO_PROVIDER_AVAILABLE,
            ATTEMPTS_EXHAUSTED));
      }
      case ProviderOutcome.RouterRefused refused -> {
        // Nothing left this node: another provider may take it now, or this one once the router lets it.
        IntentEvent ended = new AttemptRefused(number, refused.refusal(), at);
        events.add(ended);
        events.add(continueOrFail(evolve(intent, ended), command.route(), at, NO_PROVIDER_AVAILABLE,
            ATTEMPTS_EXHAUSTED));
      }
      // A charge may exist: no other provider is tried until reconciliation knows.
      case ProviderOutcome.Unknown unknown ->
          events.add(new AttemptUnknown(number, unknown.reason(), unknown.providerReference(), at));
      // The payment exists at the provider and may still be completed by the customer there: trying another provider
      // could charge twice, and calling it approved would ship goods unpaid. The router's part ends here.
      case ProviderOutcome.ActionRequired action ->
          events.add(new AttemptActionRequired(number, action.providerReference(), action.action(), at));
    }
    return new Decision.Accepted(events);
  }

  private static Decision reconcile(PaymentIntent intent, Reconcile command) {
    if (intent.status().isFinal()) {
      return intentFinal(intent);
    }
    if (intent.isUnresolved()) {
      return new Decision.Rejected(Rejection.INTENT_UNRESOLVED, "intent " + intent.id() + " waits for an operator");
    }
    Optional<Attempt> unknown = intent.attempt(command.attemptNumber())
        .filter(a -> a.status() == AttemptStatus.UNKNOWN);
    if (unknown.isEmpty()) {
      return new Decision.Rejected(
          Rejection.ATTEMPT_NOT_UNKNOWN, "attempt " + command.attemptNumber() + " has no unknown outcome");
    }
    int number = command.attemptNumber();
    Instant at = command.at();
    return switch (command.status()) {
      case ChargeStatus.Charged charged -> new Decision.Accepted(List.of(
          new AttemptApproved(number, charged.providerReference(), at), paid(intent, at)));
      case ChargeStatus.Declined declined -> {
        IntentEvent ended = new AttemptDeclined(number, declined.code(), at);
        yield new Decision.Accepted(List.of(ended, declined.retryableElsewhere()
            ? continueOrFail(evolve(intent, ended), command.route(), at, declined.code(), declined.code())
            : new IntentFailed(declined.code(), at)));
      }
      case ChargeStatus.NotFound notFound -> {
        if (at.isBefore(unknown.get().createdAt().plus(command.settleTime()))) {
          yield new Decision.Rejected(Rejection.TOO_EARLY_TO_TELL,
              "the provider may still be processing attempt " + number + "; not found proves nothing yet");
        }
        IntentEvent ended = new AttemptNotCharged(number, at);
        yield new Decision.Accepted(List.of(ended,
            continueOrFail(evolve(intent, ended), command.route(), at, NO_PROVIDER_AVAILABLE, ATTEMPTS_EXHAUSTED)));
      }
      case ChargeStatus.Unavailable unavailable -> new Decision.Rejected(
          Rejection.STATUS_UNAVAILABLE, "the provider could not say: " + unavailable.reason());
      case ChargeStatus.ActionRequired action -> new Decision.Accepted(List.of(
          new AttemptActionRequired(number, action.providerReference(), action.action(), at)));
      case ChargeStatus.NotAsked notAsked -> new Decision.Rejected(
          Rejection.STATUS_NOT_ASKED, "the router did not ask the provider: " + notAsked.refusal().wireName());
    };
  }

  private static Decision giveUp(PaymentIntent intent, GiveUp command) {
    // A capture, cancel or refund the provider has not confirmed is reconciled like a charge, final intent or not.
    boolean modificationOpen = intent.awaitsModificationConfirmation();
    if (intent.status().isFinal() && !modificationOpen) {
      return intentFinal(intent);
    }
    if (intent.isUnresolved()) {
      return new Decision.Rejected(Rejection.INTENT_UNRESOLVED, "intent " + intent.id() + " is already unresolved");
    }
    if (intent.unknownAttempt().isEmpty() && !modificationOpen) {
      return new Decision.Rejected(Rejection.ATTEMPT_NOT_UNKNOWN,
          "intent " + intent.id() + " has nothing to reconcile");
    }
    return new Decision.Accepted(List.of(new IntentUnresolved(command.reason(), command.at())));
  }

  private static Decision redrive(PaymentIntent intent, Redrive command) {
    if (!intent.isUnresolved()) {
      return new Decision.Rejected(Rejection.INTENT_NOT_UNRESOLVED, "intent " + intent.id() + " is not unresolved");
    }
    return new Decision.Accepted(List.of(new IntentRedriven(command.operator(), command.at())));
  }

  /**
   * A parked intent wakes up: the first candidate the router lets through now (one it refused before included,
   * with a new attempt and key: nothing was sent), or another wait, or the end once waiting is no longer allowed.
   */
  private static Decision retry(PaymentIntent intent, Retry command) {
    if (intent.status().isFinal()) {
      return intentFinal(intent);
    }
    if (intent.isUnresolved()) {
      return new Decision.Rejected(Rejection.INTENT_UNRESOLVED, "intent " + intent.id() + " waits for an operator");
    }
    if (!intent.isParked()) {
      return new Decision.Rejected(Rejection.INTENT_NOT_PARKED, "intent " + intent.id() + " is not waiting");
    }
    RouteOptions route = command.route();
    Instant at = command.at();
    if (at.isAfter(intent.deadline())) {
      return new Decision.Accepted(List.of(new IntentFailed(DEADLINE_EXCEEDED, at)));
    }
    if (answeredAttempts(intent) >= route.maxAttempts()) {
      return new Decision.Accepted(List.of(new IntentFailed(ATTEMPTS_EXHAUSTED, at)));
    }
    Set<String> spent = spentProviders(intent);
    Optional<String> ready = route.candidates().stream()
        .filter(candidate -> !spent.contains(candidate) && route.readyAt(candidate, at))
        .findFirst();
    if (ready.isPresent()) {
      return new Decision.Accepted(List.of(new IntentRetried(intent.parkedSince(), at),
          started(intent.id(), intent.attempts().size() + 1, ready.get(), route, at)));
    }
    return new Decision.Accepted(List.of(parkOrFail(intent, route, at, NO_PROVIDER_AVAILABLE)));
  }

  private static Decision intentFinal(PaymentIntent intent) {
    return new Decision.Rejected(Rejection.INTENT_FINAL, "intent " + intent.id() + " is final");
  }

  /**
   * After an attempt proven not to have charged ({@code intent} has it ended): the next untried candidate the router
   * lets through now, else a wait for one it holds back, else the end. {@code noCandidateCode} and
   * {@code exhaustedCode} say why it ended.
   */
  private static IntentEvent continueOrFail(
      PaymentIntent intent, RouteOptions route, Instant at, String noCandidateCode, String exhaustedCode) {
    if (at.isAfter(intent.deadline())) {
      return new IntentFailed(DEADLINE_EXCEEDED, at);
    }
    if (answeredAttempts(intent) >= route.maxAttempts()) {
      return new IntentFailed(exhaustedCode, at);
    }
    int next = intent.attempts().size() + 1;
    Set<String> tried = intent.attempts().stream().map(Attempt::provider).collect(Collectors.toSet());
    // A provider just refused by the router is not asked again at once (that could spin): it is waited for.
    return route.candidates().stream()
        .filter(candidate -> !tried.contains(candidate) && route.readyAt(candidate, at))
        .findFirst()
        .<IntentEvent>map(provider -> started(intent.id(), next, provider, route, at))
        .orElseGet(() -> parkOrFail(intent, route, at, noCandidateCode));
  }

  /**
   * No provider can take the intent now. If one the intent has not used up can take it later (a candidate, or a
   * provider the router holds back), and the earliest such moment falls within {@code maxPark} of when the wait
   * began and before the deadline, the intent parks until then; otherwise it fails with {@code noCandidateCode}. A
   * candidate the router does not hold back counts as ready at once (e.g. a half-open circuit whose probes are
   * taken): the runtime keeps a minimum wait between tries.
   */
  private static IntentEvent parkOrFail(PaymentIntent intent, RouteOptions route, Instant at, String noCandidateCode) {
    if (route.maxPark().isZero()) {
      return new IntentFailed(noCandidateCode, at);
    }
    Set<String> spent = spentProviders(intent);
    Optional<Instant> earliest = Stream.concat(route.candidates().stream(), route.heldBack().keySet().stream())
        .filter(provider -> !spent.contains(provider))
        .map(provider -> route.heldBack().getOrDefault(provider, at))
        .min(Comparator.naturalOrder());
    if (earliest.isEmpty()) {
      return new IntentFailed(noCandidateCode, at);
    }
    Instant since = intent.parkedSince() != null ? intent.parkedSince() : at;
    Instant until = earliest.get().isBefore(at) ? at : earliest.get();
    Instant limit = since.plus(route.maxPark());
    if (until.isAfter(limit) || until.isAfter(intent.deadline())) {
      return new IntentFailed(noCandidateCode, at);
    }
    return new IntentParked(since, until, at);
  }

  /** Attempts that reached (or may have reached) a provider; the router's own refusals do not count. */
  private static long answeredAttempts(PaymentIntent intent) {
    return intent.attempts().stream().filter(attempt -> !attempt.refusedByRouter()).count();
  }

  /** Providers this intent may not ask again: each has had an attempt that was not only refused by the router. */
  private static Set<String> spentProviders(PaymentIntent intent) {
    return intent.attempts().stream()
        .filter(attempt -> !attempt.refusedByRouter())
        .map(Attempt::provider)
        .collect(Collectors.toSet());
  }

  private static AttemptStarted started(String intentId, int number, String provider, RouteOptions route,
      Instant at) {
    return new AttemptStarted(number, provider, attemptKey(intentId, number), route.rule(), route.candidates(),
        route.skipped(), at);
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
        if (intent.approvedAttempt().isPresent()) {
          throw new IllegalTransitionException(intent, event, "an earlier attempt was approved");
        }
        if (started.attemptNumber() != intent.attempts().size() + 1) {
          throw new IllegalTransitionException(intent, event, "attempts are numbered in order");
        }
        yield intent.withAttempt(Attempt.started(started), started.at(), false);
      }
      // A provider's answer (or its silence after sending) ends any wait: a later wait is a new one.
      case AttemptApproved approved -> intent.withAttempt(
          mayHaveCharged(intent, event, approved.attemptNumber()).approved(approved.providerReference(),
              approved.at()),
          approved.at(), true);
      case AttemptDeclined declined -> intent.withAttempt(
          mayHaveCharged(intent, event, declined.attemptNumber()).declined(declined.declineCode(), declined.at()),
          declined.at(), true);
      case AttemptNotSent notSent -> intent.withAttempt(
          attemptIn(intent, event, notSent.attemptNumber(), AttemptStatus.IN_FLIGHT)
              .ended(AttemptStatus.NOT_SENT, notSent.reason(), notSent.at()),
          notSent.at(), true);
      case AttemptRefused refused -> intent.withAttempt(
          attemptIn(intent, event, refused.attemptNumber(), AttemptStatus.IN_FLIGHT)
              .ended(AttemptStatus.NOT_SENT, refused.refusal().wireName(), refused.at()),
          refused.at(), false);
      case AttemptUnknown unknown -> intent.withAttempt(
          attemptIn(intent, event, unknown.attemptNumber(), AttemptStatus.IN_FLIGHT)
              .unknown(unknown.reason(), unknown.providerReference(), unknown.at()),
          unknown.at(), true);
      case AttemptActionRequired action -> {
        Attempt held = mayHaveCharged(intent, event, action.attemptNumber())
            .actionRequired(action.providerReference(), action.action(), action.at());
        PaymentIntent withAttempt = intent.withAttempt(held, action.at(), true);
        yield withAttempt.with(IntentStatus.REQUIRES_ACTION, null, null, action.at());
      }
      case AttemptNotCharged notCharged -> {
        Attempt attempt = attemptIn(intent, event, notCharged.attemptNumber(), AttemptStatus.UNKNOWN);
        yield intent.withAttempt(attempt.ended(AttemptStatus.NOT_CHARGED, attempt.errorCode(), notCharged.at()),
            notCharged.at(), true);
      }
      case IntentParked parked -> {
        requireOpen(intent, event);
        if (intent.isUnresolved() || intent.approvedAttempt().isPresent()
            || intent.attempts().stream().anyMatch(a -> MAY_HAVE_CHARGED.contains(a.status()))) {
          throw new IllegalTransitionException(intent, event, "only an intent with nothing in flight or unknown waits");
        }
        yield intent.parked(parked.parkedSince(), parked.at());
      }
      case IntentRetried retried -> {
        if (!intent.isParked()) {
          throw new IllegalTransitionException(intent, event, "the intent is not parked");
        }
        yield intent.parked(intent.parkedSince(), retried.at());
      }
      case IntentSucceeded succeeded -> {
        requireOpen(intent, event);
        if (intent.attempts().stream().noneMatch(a -> a.status() == AttemptStatus.APPROVED)) {
          throw new IllegalTransitionException(intent, event, "no attempt was approved");
        }
        if (intent.captureMethod() == CaptureMethod.MANUAL && intent.modifications().stream().noneMatch(
            m -> m.kind() == ModificationRequest.Kind.CAPTURE && m.status() == Modification.Status.SUCCEEDED)) {
          throw new IllegalTransitionException(intent, event, "nothing was captured");
        }
        yield intent.with(IntentStatus.SUCCEEDED, null, null, succeeded.at());
      }
      case IntentAuthorized authorized -> {
        requireOpen(intent, event);
        if (intent.captureMethod() != CaptureMethod.MANUAL || intent.approvedAttempt().isEmpty()) {
          throw new IllegalTransitionException(intent, event, "only an approved manual-capture intent is held");
        }
        yield intent.with(IntentStatus.REQUIRES_CAPTURE, null, null, authorized.at());
      }
      case IntentCanceled canceled -> {
        requireOpen(intent, event);
        boolean released = intent.modifications().stream().anyMatch(
            m -> m.kind() == ModificationRequest.Kind.CANCEL && m.status() == Modification.Status.SUCCEEDED);
        boolean nothingCharged = intent.approvedAttempt().isEmpty()
            && intent.attempts().stream().noneMatch(a -> MAY_HAVE_CHARGED.contains(a.status()));
        if (!released && !nothingCharged) {
          throw new IllegalTransitionException(intent, event, "a charge may exist that was not released");
        }
        yield intent.with(IntentStatus.CANCELED, null, null, canceled.at());
      }
      case ModificationStarted started -> LifecycleTransitions.started(intent, started);
      case ModificationSucceeded succeeded -> LifecycleTransitions.ended(intent, event, succeeded.modificationId(),
          Modification.Status.SUCCEEDED, succeeded.providerReference(), null);
      case ModificationPending pending -> LifecycleTransitions.ended(intent, event, pending.modificationId(),
          Modification.Status.PENDING, pending.providerReference(), null);
      case ModificationFailed failed -> LifecycleTransitions.ended(intent, event, failed.modificationId(),
          Modification.Status.FAILED, null, failed.failureCode());
      case ModificationUnknown unknown -> LifecycleTransitions.ended(intent, event, unknown.modificationId(),
          Modification.Status.UNKNOWN, null, unknown.reason());
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
        if (!intent.awaitsModificationConfirmation()) {
          requireOpen(intent, event);
        }
        if (intent.unknownAttempt().isEmpty() && !intent.awaitsModificationConfirmation() || intent.isUnresolved()) {
          throw new IllegalTransitionException(intent, event, "only an intent reconciling can be unresolved");
        }
        yield intent.with(intent.status(), intent.failureCode(), unresolved.reason(), unresolved.at());
      }
      case IntentEvent.IntentAnnotated annotated -> {
        if (intent.status() == IntentStatus.PENDING || intent.status() == IntentStatus.PROCESSING) {
          throw new IllegalTransitionException(intent, event, "the intent is being charged");
        }
        yield intent.annotated(annotated.metadata(), annotated.description(), annotated.at());
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
