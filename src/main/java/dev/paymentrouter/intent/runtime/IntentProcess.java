package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.intent.domain.Attempt;
import dev.paymentrouter.intent.domain.CaptureMethod;
import dev.paymentrouter.intent.domain.Decision;
import dev.paymentrouter.intent.domain.IntentCommand;
import dev.paymentrouter.intent.domain.IntentEvent;
import dev.paymentrouter.intent.domain.IntentState;
import dev.paymentrouter.intent.domain.IntentStatus;
import dev.paymentrouter.intent.domain.IntentTransitions;
import dev.paymentrouter.intent.domain.Modification;
import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.intent.domain.ReconciliationSchedule;
import dev.paymentrouter.intent.domain.RouteOptions;
import dev.paymentrouter.intent.runtime.IntentStore.Ownership;
import dev.paymentrouter.process.Mailbox;
import dev.paymentrouter.provider.domain.ChargeStatus;
import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.ModificationRequest;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.provider.domain.ProviderRequest;
import dev.paymentrouter.provider.domain.StatusQuery;
import dev.paymentrouter.provider.runtime.ProviderDirectory;
import dev.paymentrouter.routing.domain.RoutingRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The owner of one active intent: the only writer of its state. It takes one message at a time from a bounded
 * mailbox, asks the domain what the message means, persists the resulting events (with its ownership lease), then
 * acts (sends the next provider request, or asks a provider what became of an unknown one) and replies. Once the
 * intent is final, or waits for a later reconciliation, the process passivates and lets its lease go: the state
 * lives on in PostgreSQL, and the {@link IntentSentinel} of any node takes it from there.
 *
 * <p>An intent the router itself holds back (every provider left refused by its breaker, bucket, pool or
 * supervisor) parks: the process keeps its lease and sends itself a wake-up message for the earliest moment a
 * provider can take it, holding no thread meanwhile. If the node dies, the lease runs out and the sentinel's
 * recovery retries the intent at once.
 */
public final class IntentProcess {

  private static final Logger log = LoggerFactory.getLogger(IntentProcess.class);

  /** How soon a status query the router did not make is tried again (plus up to as much at random). */
  private static final Duration NOT_ASKED_RETRY = Duration.ofSeconds(1);


  private sealed interface Message {}

  private record Start(CreateRequest request, Sinks.One<StartResult> reply) implements Message {}

  private record Outcome(int attemptNumber, ProviderOutcome outcome) implements Message {}

  private record Resume(Recovery mode) implements Message {}

  private record StatusAnswer(int attemptNumber, ChargeStatus status, Recovery mode) implements Message {}

  /** A parked intent's own timer went off. */
  private record Wake() implements Message {}

  /** A merchant's capture, cancel or refund, as the modification {@code modificationId}. */
  private record Command(IntentCommand command, String modificationId, Sinks.One<CommandReply> reply)
      implements Message {}

  /** What the provider said of a modification: its answer, or ({@code statusQuery}) a status query's. */
  private record ModificationAnswer(String modificationId, ModificationOutcome outcome, boolean statusQuery)
      implements Message {}

  /** What became of a merchant's command. */
  public sealed interface CommandReply {
    /** Taken: persisted now, or (the modification exists) before. */
    record Taken() implements CommandReply {}

    /** Refused by the intent's state; nothing changed. */
    record Rejected(String code, String message) implements CommandReply {}

    /** This process is ending, or its mailbox is full: send the command again (to a new process). */
    record Gone() implements CommandReply {}
  }

  private final String id;
  private final IntentRuntime runtime;
  private final Mailbox<Message> mailbox;
  private final Sinks.One<PaymentIntent> settled = Sinks.one();
  private PaymentIntent state;
  private long version;
  private int checkCount;
  private Instant nextCheckAt;
  private volatile PaymentIntent snapshot;
  private volatile boolean passivated;
  /** Where the creating write stands; it leaves {@link CreateWrite#WAITING} once, to either of the others. */
  private enum CreateWrite {
    /** Queued for the database, not sent yet: its creator may still withdraw it. */
    WAITING,
    /** Sent: it may commit, whatever its creator does now. */
    SENT,
    /** Withdrawn by its creator before it was sent: it never will be. */
    WITHDRAWN
  }

  private final AtomicReference<CreateWrite> createWrite = new AtomicReference<>(CreateWrite.WAITING);
  private final IntentParking parking;
  /** Modifications this process asked a provider about and has no answer for yet (touched by messages only). */
  private final Set<String> calling = new HashSet<>();
  /** What the status queries of the current round said, while some are outstanding. */
  private boolean inconclusive;
  private boolean notAsked;
  /** Claimed for a merchant's command rather than by recovery: nothing else of it was started. */
  private boolean claimedForCommand;
  /** Whether this process's lease runs (it claimed the intent, or its last write kept the lease). */
  private boolean holdsLease;
  /**
   * Messages this process has let in and not handled yet: commands queued, and the answers of the provider calls it
   * made. Commands are let in only while this stays within half the mailbox, so that an answer always finds room.
   */
  private final AtomicInteger expected = new AtomicInteger();
  /** Callers waiting for a modification to leave flight. */
  private final Map<String, Sinks.One<PaymentIntent>> waiting = new ConcurrentHashMap<>();

  /** The process of a new intent. */
  IntentProcess(String id, IntentRuntime runtime) {
    this.id = id;
    this.runtime = runtime;
    this.mailbox = new Mailbox<>(runtime.mailboxCapacity(), this::handle, this::crashed);
    this.parking = new IntentParking(runtime.registry());
  }

  /** The process of a stored intent this node just claimed. */
  IntentProcess(IntentStore.StoredIntent stored, IntentRuntime runtime) {
    this(stored.intent().id(), runtime);
    become(stored.intent(), stored.version());
    this.checkCount = stored.checkCount();
    this.nextCheckAt = stored.nextCheckAt();
    this.holdsLease = true;
  }

  /** The intent's id. */
  public String id() {
    return id;
  }

  /** The intent as last persisted, or null before it is created. */
  public PaymentIntent snapshot() {
    return snapshot;
  }

  /**
   * The intent once this process has nothing more to do (final, or waiting for reconciliation), or its current
   * state when {@code wait} runs out first.
   */
  public Mono<PaymentIntent> awaitSettled(Duration wait) {
    if (wait.isZero() || passivated) {
      return Mono.fromSupplier(this::snapshot);
    }
    return settled.asMono().timeout(wait, Mono.fromSupplier(this::snapshot));
  }

  Mono<StartResult> start(CreateRequest request) {
    Sinks.One<StartResult> reply = Sinks.one();
    if (!mailbox.offer(new Start(request, reply))) {
      return Mono.just(new StartResult.Overloaded());
    }
    return reply.asMono();
  }

  /**
   * The creator stopped waiting for the create. True when its write had not been sent yet: it never will be, and
   * nothing is stored. False when it was sent already: it may commit, and the intent then goes on as usual.
   */
  boolean withdrawCreate() {
    return createWrite.compareAndSet(CreateWrite.WAITING, CreateWrite.WITHDRAWN);
  }

  boolean resume(Recovery mode) {
    return mailbox.offer(new Resume(mode));
  }

  /**
   * Sends a merchant's capture, cancel or refund to this process, as the modification {@code modificationId} (a
   * command whose modification exists already is taken as done).
   */
  public Mono<CommandReply> command(IntentCommand command, String modificationId) {
    Sinks.One<CommandReply> reply = Sinks.one();
    if (passivated || expected.incrementAndGet() > runtime.mailboxCapacity() / 2) {
      expected.decrementAndGet();
      return Mono.just(new CommandReply.Gone());
    }
    if (!mailbox.offer(new Command(command, modificationId, reply))) {
      expected.decrementAndGet();
      return Mono.just(new CommandReply.Gone());
    }
    return reply.asMono();
  }

  /** As {@link #command}, as the first message of a process claimed for it. */
  Mono<CommandReply> firstCommand(IntentCommand command, String modificationId) {
    claimedForCommand = true;
    return command(command, modificationId);
  }

  /**
   * The intent once the modification is no longer in flight (answered: done, failed, pending or unknown), or as it
   * is when {@code wait} runs out first or this process ends.
   */
  public Mono<PaymentIntent> awaitModification(String modificationId, Duration wait) {
    Sinks.One<PaymentIntent> answered = waiting.computeIfAbsent(modificationId, id -> Sinks.one());
    if (passivated || !inFlight(snapshot, modificationId)) {
      waiting.remove(modificationId, answered);
      return Mono.fromSupplier(this::snapshot);
    }
    return answered.asMono().timeout(wait, Mono.fromSupplier(this::snapshot));
  }

  private static boolean inFlight(PaymentIntent intent, String modificationId) {
    return intent != null && intent.modification(modificationId)
        .filter(m -> m.status() == Modification.Status.IN_FLIGHT).isPresent();
  }

  private Mono<Void> handle(Message message) {
    return switch (message) {
      case Start start -> create(start);
      case Outcome outcome -> recordOutcome(outcome);
      case Resume resume -> resume(resume);
      case StatusAnswer answer -> reconcile(answer);
      case Wake wake -> retry();
      case Command command -> command(command);
      case ModificationAnswer answer -> modificationAnswered(answer);
    };
  }

  private Mono<Void> create(Start start) {
    CreateRequest request = start.request();
    Instant now = runtime.clock().instant();
    IntentCommand.Create command = new IntentCommand.Create(
        id, request.merchantId(), request.amount(), request.paymentMethod(), request.reference(),
        request.metadata(), now.plus(runtime.intentDeadline()),
        runtime.routing().route(routingRequest(request), request.paymentMethod()),
        request.captureMethod(), now);
    return switch (IntentTransitions.decide(IntentState.NONE, command)) {
      case Decision.Rejected rejected -> {
        start.reply().tryEmitValue(new StartResult.Rejected(rejected.code(), rejected.message()));
        passivate();
        yield Mono.empty();
      }
      case Decision.Accepted accepted -> {
        PaymentIntent created = IntentTransitions.evolveAll(IntentState.NONE, accepted.events());
        yield runtime.store()
            .insert(created, accepted.events(), request.idempotencyKey(), request.requestHash(),
                ownershipAfter(created, 0, false, now),
                () -> createWrite.compareAndSet(CreateWrite.WAITING, CreateWrite.SENT))
            .doOnNext(insertion -> {
              switch (insertion) {
                case IntentStore.Insertion.Inserted inserted -> {
                  become(created, accepted.events().size());
                  runtime.metrics().created();
                  start.reply().tryEmitValue(new StartResult.Created(this, created));
                  act();
                }
                case IntentStore.Insertion.Conflict conflict -> {
                  start.reply().tryEmitValue(new StartResult.Duplicate(
                      conflict.existingIntentId(), conflict.existingRequestHash().equals(request.requestHash())));
                  passivate();
                }
                case IntentStore.Insertion.Withdrawn withdrawn -> {
                  start.reply().tryEmitValue(new StartResult.NotStored("withdrawn"));
                  passivate();
                }
              }
            })
            .doOnError(error -> {
              // The statement was sent: whether it committed is unknown (a connection can break after COMMIT).
              log.warn("Intent {}: storing it failed, it may or may not exist: {}", id, error.toString());
              start.reply().tryEmitValue(new StartResult.MayExist("storage_error"));
              passivate();
            })
            .onErrorResume(error -> Mono.empty())
            .then();
      }
    };
  }

  private Mono<Void> recordOutcome(Outcome message) {
    Instant now = runtime.clock().instant();
    Function<RouteOptions, IntentCommand> command = route -> new IntentCommand.RecordOutcome(
        message.attemptNumber(), message.outcome(), route, now);
    // Only an outcome after which the intent may move on to another attempt needs to know what the router holds
    // back; an approval (the common case) or an unknown outcome does not ask the providers.
    boolean mayMoveOn = switch (message.outcome()) {
      case ProviderOutcome.Approved approved -> false;
      case ProviderOutcome.Unknown unknown -> false;
      case ProviderOutcome.ActionRequired actionRequired -> false;
      case ProviderOutcome.Declined declined -> declined.retryableElsewhere();
      case ProviderOutcome.NotSent notSent -> true;
      case ProviderOutcome.RouterRefused refused -> true;
    };
    Decision decision = mayMoveOn
        ? decideParking(command, now)
        : IntentTransitions.decide(state, command.apply(runtime.routing().route(state)));
    return switch (decision) {
      case Decision.Rejected rejected -> {
        log.warn("Intent {}: outcome for attempt {} ignored: {}", id, message.attemptNumber(), rejected.code());
        yield Mono.empty();
      }
      case Decision.Accepted accepted -> persist(accepted.events(), checkCount, false, now).doOnSuccess(done -> act());
    };
  }

  /** The intent's own timer went off, or it was recovered while parked: try a provider, wait longer, or fail. */
  private Mono<Void> retry() {
    Instant now = runtime.clock().instant();
    return switch (decideParking(route -> new IntentCommand.Retry(route, now), now)) {
      case Decision.Accepted accepted -> persist(accepted.events(), checkCount, false, now).doOnSuccess(done -> act());
      case Decision.Rejected rejected -> {
        // Not parked (a late timer): whatever the intent does now was started by the transition that unparked it.
        log.debug("Intent {}: retry refused: {}", id, rejected.code());
        yield Mono.empty();
      }
    };
  }

  /**
   * Decides a command that may park the intent, with routing as it is now. Waiting is allowed while this node has
   * a parking place for the intent (it keeps the one it holds); when the decision parks and no place can be taken,
   * it is decided again without waiting, so the intent fails at once as it would without parking.
   */
  private Decision decideParking(Function<RouteOptions, IntentCommand> command, Instant now) {
    Duration maxPark = runtime.maxPark();
    Decision decision = IntentTransitions.decide(state, command.apply(runtime.routing().route(state, now, maxPark)));
    if (!maxPark.isZero() && !parking.holdsPlace() && parks(decision)) {
      if (passivated || !parking.takePlace()) {
        runtime.metrics().parkRefused();
        decision = IntentTransitions.decide(state,
            command.apply(runtime.routing().route(state, now, Duration.ZERO)));
      }
    }
    return decision;
  }

  private static boolean parks(Decision decision) {
    return decision instanceof Decision.Accepted accepted
        && accepted.events().stream().anyMatch(event -> event instanceof IntentEvent.IntentParked);
  }

  /** Taken up again after a claim: first settle what the last owner left open, then ask the provider. */
  private Mono<Void> resume(Resume resume) {
    Instant now = runtime.clock().instant();
    Mono<Void> redriven = Mono.empty();
    if (resume.mode() instanceof Recovery.Redrive redrive && IntentTransitions.decide(state,
        new IntentCommand.Redrive(redrive.operator(), now)) instanceof Decision.Accepted accepted) {
      log.info("Intent {}: re-driven by operator {}", id, redrive.operator());
      redriven = persist(accepted.events(), 0, true, now);
    }
    return redriven.then(Mono.defer(() -> {
      if (!IntentModifications.charging(state)) {
        return resumeModifications();
      }
      if (state.status().isFinal()) {
        passivate();
        return Mono.empty();
      }
      if (state.isParked()) {
        // The last owner died while the intent waited (or let it go at shutdown): try again now.
        return retry();
      }
      if (state.inFlightAttempt().isPresent()) {
        // The last owner died with this call in flight: whether it charged is unknown until the provider says.
        Attempt inFlight = state.inFlightAttempt().get();
        IntentCommand.RecordOutcome lost = new IntentCommand.RecordOutcome(inFlight.number(),
            new ProviderOutcome.Unknown("owner_lost"), runtime.routing().route(state), runtime.clock().instant());
        if (IntentTransitions.decide(state, lost) instanceof Decision.Accepted accepted) {
          return persist(accepted.events(), checkCount, true, runtime.clock().instant())
              .then(Mono.defer(() -> askProvider(resume.mode())));
        }
      }
      return askProvider(resume.mode());
    }));
  }

  /** Sends a status query for the unknown attempt; its answer comes back as a message. */
  private Mono<Void> askProvider(Recovery mode) {
    if (state.unknownAttempt().isEmpty() || state.isUnresolved()) {
      // Nothing this process can move forward (e.g. the intent waits for an operator): let it go.
      return release(runtime.clock().instant(), null).doOnSuccess(done -> passivate());
    }
    Attempt unknown = state.unknownAttempt().get();
    runtime.providers().status(unknown.provider(), statusQuery(unknown))
        .onErrorResume(error -> Mono.just(new ChargeStatus.Unavailable("status_query_failed")))
        .subscribe(status -> {
          if (!mailbox.offer(new StatusAnswer(unknown.number(), status, mode))) {
            log.error("Intent {}: mailbox full, status of attempt {} dropped", id, unknown.number());
            passivate();
          }
        });
    return Mono.empty();
  }

  /** The question for the provider: the charge as it was sent (to replay under its key) while its token is known. */
  private StatusQuery statusQuery(Attempt unknown) {
    String token = state.paymentMethod().tokenFor(unknown.provider());
    ProviderRequest charge = token == null ? null : new ProviderRequest(id, unknown.number(), unknown.provider(),
        unknown.idempotencyKey(), state.amount().amountMinor(), state.amount().currency(), token,
        state.captureMethod() == CaptureMethod.MANUAL);
    return new StatusQuery(unknown.idempotencyKey(), charge, unknown.providerReference(), unknown.createdAt());
  }

  private Mono<Void> reconcile(StatusAnswer answer) {
    Instant now = runtime.clock().instant();
    return switch (decideParking(route -> new IntentCommand.Reconcile(answer.attemptNumber(), answer.status(),
        runtime.settleTime(), route, now), now)) {
      case Decision.Accepted accepted -> {
        runtime.metrics().reconciled(answer.status());
        yield persist(accepted.events(), 0, false, now).doOnSuccess(done -> act());
      }
      case Decision.Rejected rejected -> switch (rejected.reason()) {
        case TOO_EARLY_TO_TELL -> {
          // Ask again once the provider can no longer be working on the request; this costs no check.
          Instant settledAt = state.attempt(answer.attemptNumber()).orElseThrow().createdAt()
              .plus(runtime.settleTime());
          yield release(now, settledAt.isAfter(now) ? settledAt : now).doOnSuccess(done -> passivate());
        }
        case STATUS_UNAVAILABLE -> inconclusive(answer, now);
        case STATUS_NOT_ASKED -> notAsked(answer, now);
        case INTENT_EXISTS, INTENT_NOT_FOUND, NO_PROVIDER_AVAILABLE, NO_USABLE_PAYMENT_METHOD, INTENT_FINAL,
            ATTEMPT_NOT_IN_FLIGHT, ATTEMPT_NOT_UNKNOWN, INTENT_UNRESOLVED, INTENT_NOT_UNRESOLVED, INTENT_NOT_PARKED,
            INTENT_NOT_CAPTURABLE, INTENT_NOT_CANCELABLE, INTENT_NOT_REFUNDABLE, AMOUNT_TOO_LARGE,
            MODIFICATION_IN_PROGRESS, MODIFICATION_EXISTS, MODIFICATION_NOT_IN_FLIGHT, MODIFICATION_NOT_OPEN -> {
          log.warn("Intent {}: reconciliation of attempt {} refused: {}", id, answer.attemptNumber(),
              rejected.code());
          yield release(now, null).doOnSuccess(done -> passivate());
        }
      };
    };
  }

  /**
   * The router itself did not ask (its status queries for the provider were used up, or the provider is not
   * running): back-pressure, not a failed check. Ask again soon, spread over a second so that intents held back
   * together do not come back together, without moving the reconciliation schedule.
   */
  private Mono<Void> notAsked(StatusAnswer answer, Instant now) {
    runtime.metrics().reconciled(answer.status());
    if (answer.mode() == Recovery.RECONCILE_NOW) {
      return release(now, nextCheckAt).doOnSuccess(done -> passivate());
    }
    Duration again = NOT_ASKED_RETRY.plusMillis(ThreadLocalRandom.current().nextLong(NOT_ASKED_RETRY.toMillis()));
    return release(now, now.plus(again)).doOnSuccess(done -> passivate());
  }

  /** The provider could not say. Try later, on the schedule; when the schedule is over, an operator decides. */
  private Mono<Void> inconclusive(StatusAnswer answer, Instant now) {
    runtime.metrics().reconciled(answer.status());
    if (answer.mode() == Recovery.RECONCILE_NOW) {
      // An on-the-fly check neither uses up the schedule nor moves it: a client polling GET changes nothing.
      return release(now, nextCheckAt).doOnSuccess(done -> passivate());
    }
    int checks = checkCount + 1;
    return runtime.schedule().delayAfter(checks)
        .map(delay -> {
          checkCount = checks;
          return release(now, now.plus(delay)).doOnSuccess(done -> passivate());
        })
        .orElseGet(() -> {
          IntentCommand.GiveUp giveUp = new IntentCommand.GiveUp("reconciliation_exhausted", now);
          if (IntentTransitions.decide(state, giveUp) instanceof Decision.Accepted accepted) {
            log.error("Intent {}: provider {} could not confirm attempt {} after {} checks; an operator must look",
                id, state.attempt(answer.attemptNumber()).map(Attempt::provider).orElse("?"),
                answer.attemptNumber(), checks);
            return persist(accepted.events(), checks, false, now).doOnSuccess(done -> passivate());
          }
          return release(now, null).doOnSuccess(done -> passivate());
        });
  }

  /**
   * A merchant's capture, cancel or refund. Modifications a dead predecessor left in flight are marked unknown first
   * (their money may have moved), so the decision counts them; a command whose modification exists is a retry, taken
   * as done.
   */
  private Mono<Void> command(Command message) {
    expected.decrementAndGet();
    if (passivated) {
      message.reply().tryEmitValue(new CommandReply.Gone());
      return Mono.empty();
    }
    Instant now = runtime.clock().instant();
    return markLost(now).then(Mono.defer(() -> {
      if (message.modificationId() != null && state.modification(message.modificationId()).isPresent()) {
        message.reply().tryEmitValue(new CommandReply.Taken());
        return afterCommand(now, false);
      }
      return switch (IntentTransitions.decide(state, message.command())) {
        case Decision.Rejected rejected -> {
          message.reply().tryEmitValue(new CommandReply.Rejected(rejected.code(), rejected.message()));
          yield afterCommand(now, false);
        }
        case Decision.Accepted accepted -> persist(accepted.events(), checkCount, false, now)
            .doOnSuccess(done -> message.reply().tryEmitValue(new CommandReply.Taken()))
            .doOnError(error -> message.reply().tryEmitValue(new CommandReply.Gone()))
            .then(Mono.defer(() -> afterCommand(now, true)));
      };
    }));
  }

  /** After a command: an intent still being charged goes on as before; else its modifications go on. */
  private Mono<Void> afterCommand(Instant now, boolean changed) {
    if (!IntentModifications.charging(state)) {
      return proceed(now);
    }
    if (changed) {
      act();
      return Mono.empty();
    }
    // Refused while the charge goes on: a process that was running goes on as it was; one claimed only for the
    // command takes the intent up as recovery would have.
    return claimedForCommand ? resume(new Resume(Recovery.RESUME)) : Mono.empty();
  }

  /** Marks as unknown the modifications a predecessor left in flight, keeping the lease to ask about them. */
  private Mono<Void> markLost(Instant now) {
    List<IntentEvent> lost = IntentModifications.lost(state, calling, now);
    return lost.isEmpty() ? Mono.empty() : persist(lost, checkCount, true, now);
  }

  /**
   * Taken up by recovery after its charge: ask about what a predecessor left unknown or pending, cancel an
   * authorization that expired, then let go.
   */
  private Mono<Void> resumeModifications() {
    Instant now = runtime.clock().instant();
    return markLost(now).then(Mono.defer(() -> {
      // A few per round, so that their answers fit the mailbox beside the merchants' commands; the rest stay due.
      IntentModifications.awaitingConfirmation(state).stream()
          .filter(open -> !calling.contains(open.id()))
          .limit(Math.max(1, runtime.mailboxCapacity() / 4))
          .forEach(open -> {
            calling.add(open.id());
            askAbout(open);
          });
      if (calling.isEmpty() && IntentModifications.authorizationExpiresAt(state, runtime.authorizationValidity())
          .filter(expiry -> !expiry.isAfter(now)).isPresent()) {
        IntentCommand.Cancel expire = new IntentCommand.Cancel(runtime.ids().next("can_"),
            IntentModifications.AUTHORIZATION_EXPIRED, now);
        if (IntentTransitions.decide(state, expire) instanceof Decision.Accepted accepted) {
          log.info("Intent {}: authorization not captured in time, canceling it", id);
          return persist(accepted.events(), checkCount, false, now).then(Mono.defer(() -> proceed(now)));
        }
      }
      return proceed(now);
    }));
  }

  /** A provider answered a modification, or a status query about one. */
  private Mono<Void> modificationAnswered(ModificationAnswer answer) {
    expected.decrementAndGet();
    calling.remove(answer.modificationId());
    Instant now = runtime.clock().instant();
    IntentCommand command = answer.statusQuery()
        ? new IntentCommand.ReconcileModification(answer.modificationId(), answer.outcome(), now)
        : new IntentCommand.RecordModification(answer.modificationId(), answer.outcome(), now);
    return switch (IntentTransitions.decide(state, command)) {
      case Decision.Accepted accepted ->
          persist(accepted.events(), answer.statusQuery() ? 0 : checkCount, false, now)
              .then(Mono.defer(() -> proceed(now)));
      case Decision.Rejected rejected -> {
        switch (rejected.reason()) {
          case STATUS_NOT_ASKED -> notAsked = true;
          case STATUS_UNAVAILABLE -> inconclusive = true;
          default -> log.warn("Intent {}: answer for modification {} ignored: {}", id, answer.modificationId(),
              rejected.code());
        }
        yield proceed(now);
      }
    };
  }

  /**
   * Sends what is in flight and not sent yet; once no call is outstanding, lets the intent go: on the schedule
   * when a status query could not tell (to an operator once it is used up), soon when the router did not ask.
   */
  private Mono<Void> proceed(Instant now) {
    for (Modification modification : IntentModifications.inFlight(state)) {
      if (calling.add(modification.id())) {
        send(modification);
      }
    }
    if (!calling.isEmpty()) {
      return Mono.empty();
    }
    boolean couldNotTell = inconclusive;
    boolean didNotAsk = notAsked;
    inconclusive = false;
    notAsked = false;
    if (couldNotTell) {
      int checks = checkCount + 1;
      Optional<Duration> delay = runtime.schedule().delayAfter(checks);
      if (delay.isPresent()) {
        checkCount = checks;
        return release(now, now.plus(delay.get())).doOnSuccess(done -> passivate());
      }
      IntentCommand.GiveUp giveUp = new IntentCommand.GiveUp("reconciliation_exhausted", now);
      if (IntentTransitions.decide(state, giveUp) instanceof Decision.Accepted accepted) {
        log.error("Intent {}: its provider could not confirm a capture, cancel or refund after {} checks; an "
            + "operator must look", id, checks);
        return persist(accepted.events(), checks, false, now).doOnSuccess(done -> passivate());
      }
    }
    if (didNotAsk) {
      Duration again = NOT_ASKED_RETRY.plusMillis(ThreadLocalRandom.current().nextLong(NOT_ASKED_RETRY.toMillis()));
      return release(now, now.plus(again)).doOnSuccess(done -> passivate());
    }
    return (holdsLease ? release(now, nextCheckAt) : Mono.<Void>empty()).doOnSuccess(done -> passivate());
  }

  private void send(Modification modification) {
    ModificationRequest request = IntentModifications.request(state, modification);
    answerWith(modification.id(), runtime.providers().modify(request), false);
  }

  private void askAbout(Modification modification) {
    ModificationRequest request = IntentModifications.request(state, modification);
    answerWith(modification.id(), runtime.providers().modificationStatus(request, modification.createdAt()), true);
  }

  private void answerWith(String modificationId, Mono<ModificationOutcome> call, boolean statusQuery) {
    expected.incrementAndGet();
    call.onErrorResume(error -> {
          log.error("Intent {}: call for modification {} failed", id, modificationId, error);
          return Mono.just(new ModificationOutcome.Unknown("dispatch_failed"));
        })
        .subscribe(outcome -> {
          if (!mailbox.offer(new ModificationAnswer(modificationId, outcome, statusQuery))) {
            // The lease runs out and recovery asks the provider again: nothing is decided on a lost answer.
            log.error("Intent {}: mailbox full, answer for modification {} dropped", id, modificationId);
            passivate();
          }
        });
  }

  private Mono<Void> persist(List<IntentEvent> events, int checks, boolean continuing, Instant now) {
    PaymentIntent before = state;
    PaymentIntent after = IntentTransitions.evolveAll(before, events);
    Ownership ownership = IntentParking.until(events)
        // Parked: the owner keeps the intent through its wait; should it die, others take over a lease later.
        .map(until -> new Ownership(runtime.node(), (until.isAfter(now) ? until : now).plus(runtime.lease()), null,
            checks))
        .orElseGet(() -> ownershipAfter(after, checks, continuing, now));
    return runtime.store()
        .append(before, after, version, events, ownership)
        .doOnSuccess(done -> {
          become(after, version + events.size());
          checkCount = checks;
          holdsLease = ownership.leaseUntil().isAfter(now);
          nextCheckAt = ownership.nextCheckAt();
          runtime.metrics().transitioned(events);
          parking.parkedBy(events);
          if (before.parkedSince() != null && (after.parkedSince() == null || after.status().isFinal())) {
            runtime.metrics().parkEnded(Duration.between(before.parkedSince(), now),
                after.status() == IntentStatus.FAILED);
          }
        });
  }

  /** Gives up the lease without a transition; the sentinel takes the intent up again at {@code nextCheckAt}. */
  private Mono<Void> release(Instant now, Instant nextCheckAt) {
    return runtime.store().reschedule(id, version, new Ownership(runtime.node(), now, nextCheckAt, checkCount))
        .doOnSuccess(done -> {
          holdsLease = false;
          this.nextCheckAt = nextCheckAt;
        });
  }

  /**
   * The lease and schedule that go with a state: an owner keeps its lease while a call is in flight (or while it
   * goes on at once, {@code continuing}); a final or unresolved intent needs nobody; an unknown outcome is handed
   * to the sentinel for its next check.
   */
  private Ownership ownershipAfter(PaymentIntent after, int checks, boolean continuing, Instant now) {
    Instant held = now.plus(runtime.lease());
    if (continuing || (!after.status().isFinal() && after.inFlightAttempt().isPresent())) {
      return new Ownership(runtime.node(), held, null, checks);
    }
    if (!IntentModifications.inFlight(after).isEmpty()) {
      return new Ownership(runtime.node(), held, null, checks);
    }
    if (!after.status().isFinal() && after.unknownAttempt().isPresent() && !after.isUnresolved()) {
      Duration delay = runtime.schedule().delayAfter(checks).orElse(Duration.ZERO);
      return new Ownership(runtime.node(), now, now.plus(delay), checks);
    }
    if (!IntentModifications.awaitingConfirmation(after).isEmpty()) {
      // Due for a status query on the schedule; once unresolved the sentinel skips it, and the time set keeps it
      // claimable for an operator's re-drive.
      Duration delay = runtime.schedule().delayAfter(checks).orElse(Duration.ZERO);
      return new Ownership(runtime.node(), now, now.plus(delay), checks);
    }
    return new Ownership(runtime.node(), now,
        IntentModifications.authorizationExpiresAt(after, runtime.authorizationValidity()).orElse(null), checks);
  }

  private void become(PaymentIntent next, long nextVersion) {
    state = next;
    version = nextVersion;
    snapshot = next;
    waiting.forEach((modificationId, answered) -> {
      if (!inFlight(next, modificationId) && waiting.remove(modificationId, answered)) {
        answered.tryEmitValue(next);
      }
    });
  }

  /**
   * After a persisted transition: send the next request, set the wake-up of a parked intent, or passivate when
   * nothing is left to do here. A parking place is kept only while the intent is parked or on its way to a provider
   * after waking (so that a refusal right after waking waits again without asking for a new place).
   */
  private void act() {
    if (!state.status().isFinal() && state.inFlightAttempt().isPresent()) {
      if (state.parkedSince() == null) {
        parking.leavePlace();
      }
      send(state.inFlightAttempt().get());
    } else if (state.isParked()) {
      sleepUntilDue();
    } else {
      passivate();
    }
  }

  /** Sends this process a wake-up at the moment the intent parked for. */
  private void sleepUntilDue() {
    parking.wakeWhenDue(runtime.clock().instant(), () -> {
      if (!passivated && !mailbox.offer(new Wake())) {
        // The mailbox is bounded; a parked intent gets no other messages, so this should not happen. If it does,
        // the process lets go and recovery retries the intent once its lease has run out.
        log.error("Intent {}: mailbox full, wake-up dropped", id);
        passivate();
      }
    });
  }

  private void send(Attempt attempt) {
    String token = state.paymentMethod().tokenFor(attempt.provider());
    // No token (its stored form could not be decrypted, see IntentStore): no provider may be sent an empty one.
    Mono<ProviderOutcome> sent = token == null
        ? Mono.just(new ProviderOutcome.NotSent("payment_method_unavailable"))
        : runtime.providers().dispatch(new ProviderRequest(id, attempt.number(), attempt.provider(),
            attempt.idempotencyKey(), state.amount().amountMinor(), state.amount().currency(), token,
            state.captureMethod() == CaptureMethod.MANUAL));
    sent
        .onErrorResume(error -> {
          log.error("Intent {}: dispatch of attempt {} failed", id, attempt.number(), error);
          return Mono.just(new ProviderOutcome.Unknown("dispatch_failed"));
        })
        .subscribe(outcome -> {
          if (!mailbox.offer(new Outcome(attempt.number(), outcome))) {
            // Cannot happen with one attempt in flight; if it does, recovery finds the attempt in flight.
            log.error("Intent {}: mailbox full, outcome of attempt {} dropped", id, attempt.number());
            passivate();
          }
        });
  }

  private void crashed(Throwable error) {
    if (error instanceof IntentStore.ConcurrentUpdateException) {
      log.warn("Intent {}: another writer won, this process stops: {}", id, error.getMessage());
    } else {
      log.error("Intent {}: process crashed; its state is safe in the database", id, error);
    }
    passivate();
  }

  private void passivate() {
    if (!passivated) {
      passivated = true;
      parking.cancelWake();
      parking.leavePlace();
      settled.tryEmitValue(snapshot);
      waiting.forEach((modificationId, answered) -> answered.tryEmitValue(snapshot));
      waiting.clear();
      runtime.registry().passivated(this);
    }
  }

  private RoutingRequest routingRequest(CreateRequest request) {
    return new RoutingRequest(
        id, request.merchantId(), request.amount().amountMinor(), request.amount().currency(),
        request.paymentMethod().type(), request.paymentMethod().country(), request.metadata());
  }

  /** Everything a process needs from its node. */
  record IntentRuntime(
      IntentStore store,
      IntentRouting routing,
      ProviderDirectory providers,
      Clock clock,
      IntentRegistry registry,
      IntentMetrics metrics,
      int mailboxCapacity,
      String node,
      Duration lease,
      Duration settleTime,
      ReconciliationSchedule schedule,
      Duration intentDeadline,
      Duration maxPark,
      IntentIds ids,
      Function<String, Duration> authorizationValidity) {}
}
