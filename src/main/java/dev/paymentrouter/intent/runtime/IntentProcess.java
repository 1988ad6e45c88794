package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.intent.domain.Decision;
import dev.paymentrouter.intent.domain.IntentCommand;
import dev.paymentrouter.intent.domain.IntentEvent;
import dev.paymentrouter.intent.domain.IntentState;
import dev.paymentrouter.intent.domain.IntentStatus;
import dev.paymentrouter.intent.domain.IntentTransitions;
import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.intent.domain.RouteOptions;
import dev.paymentrouter.intent.runtime.IntentStore.Ownership;
import dev.paymentrouter.process.Correlation;
import dev.paymentrouter.process.Mailbox;
import dev.paymentrouter.provider.domain.ChargeStatus;
import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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

  private sealed interface Message {}

  private record Start(CreateRequest request, Sinks.One<StartResult> reply) implements Message {}

  private record Outcome(int attemptNumber, ProviderOutcome outcome) implements Message {}

  private record Resume(Recovery mode) implements Message {}

  private record StatusAnswer(int attemptNumber, ChargeStatus status, Recovery mode) implements Message {}

  /** A parked intent's own timer went off. */
  private record Wake() implements Message {}

  /** A merchant's capture, cancel or refund, as the modification {@code modificationId}. */
  private record Command(IntentCommand command, String modificationId, Sinks.One<CommandReply> reply,
      Correlation correlation) implements Message {}

  /**
   * A verified provider notification about an unknown attempt ({@code Reconcile}) or an open modification
   * ({@code ReconcileModification}): decided like a status query's answer, by this process, never written past it.
   */
  private record Notified(IntentCommand command, Sinks.One<CommandReply> reply) implements Message {}

  /** What the provider said of a modification: its answer, or ({@code statusQuery}) a status query's. */
  private record ModificationAnswer(String modificationId, ModificationOutcome outcome, boolean statusQuery)
      implements Message {}

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
  /** Where the creating write stands (see {@link CreateWrite}). */
  private final AtomicReference<CreateWrite> createWrite = new AtomicReference<>(CreateWrite.WAITING);
  private final IntentParking parking;
  private final IntentModifications modifications;
  private final ChargeReconciliation reconciliation;
  private final IntentNotifications notifications;
  private final IntentLogs logs;
  /** Claimed for a merchant's command or a provider's notification rather than by recovery: nothing else runs. */
  private boolean claimedForMessage;
  /** Until when this process holds its lease (it claimed the intent, or its last write kept it); null: it does not. */
  private Instant leaseUntil;

  /** The process of a new intent. */
  IntentProcess(String id, IntentRuntime runtime) {
    this.id = id;
    this.runtime = runtime;
    this.logs = new IntentLogs(id);
    this.mailbox = new Mailbox<>(runtime.mailboxCapacity(), logs.handling(message -> message instanceof Command c
        ? c.correlation() : null, () -> state, this::handle), logs.logging(() -> snapshot, this::crashed),
        runtime.metrics().depths());
    this.parking = new IntentParking(runtime.registry());
    Owner owner = new Owner();
    this.modifications = new IntentModifications(id, runtime, owner, logs);
    this.reconciliation = new ChargeReconciliation(id, runtime, owner, logs);
    this.notifications = new IntentNotifications(runtime, owner, modifications);
  }

  /** The process of a stored intent this node just claimed. */
  IntentProcess(IntentStore.StoredIntent stored, IntentRuntime runtime) {
    this(stored.intent().id(), runtime);
    become(stored.intent(), stored.version());
    this.checkCount = stored.checkCount();
    this.nextCheckAt = stored.nextCheckAt();
    this.leaseUntil = runtime.clock().instant().plus(runtime.lease());
  }

  /** The intent's id. */
  public String id() {
    return id;
  }

  /** Messages waiting or being handled. */
  int mailboxDepth() {
    return mailbox.size();
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
    logs.begin(request.merchantId(), request.correlation());
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
  Mono<CommandReply> command(IntentCommand command, String modificationId, Correlation correlation) {
    return admit(reply -> new Command(command, modificationId, reply, correlation));
  }

  /** Marks this process as claimed for the command or notification it is sent first (see {@link #command}). */
  IntentProcess claimedFor() {
    claimedForMessage = true;
    return this;
  }

  /**
   * Sends this process a provider's notification, as a {@code Reconcile} of an attempt or a
   * {@code ReconcileModification}; the reply says whether it changed the intent (taken), was refused by its state,
   * or found the process ending (gone: send it again).
   */
  Mono<CommandReply> notify(IntentCommand command) {
    return admit(reply -> new Notified(command, reply));
  }

  /** Lets a command or notification in while its answers fit the mailbox (see {@link IntentModifications#letIn}). */
  private Mono<CommandReply> admit(Function<Sinks.One<CommandReply>, Message> message) {
    Sinks.One<CommandReply> reply = Sinks.one();
    if (!passivated && modifications.letIn()) {
      if (mailbox.offer(message.apply(reply))) {
        return reply.asMono();
      }
      modifications.keptOut();
    }
    return Mono.just(new CommandReply.Gone());
  }

  /**
   * The intent once the modification is no longer in flight (answered: done, failed, pending or unknown), or as it
   * is when {@code wait} runs out first or this process ends.
   */
  public Mono<PaymentIntent> awaitModification(String modificationId, Duration wait) {
    return passivated ? Mono.fromSupplier(this::snapshot) : modifications.awaitAnswer(modificationId, wait);
  }

  private Mono<Void> handle(Message message) {
    if (passivated && !(message instanceof Command || message instanceof Notified)) {
      // Ended (finished, handed over or crashed): what was still queued is for whoever owns the intent now, which
      // recovery reads from the database. Commands and notifications are answered "gone", to be sent again.
      log.debug("Intent {}: {} after the process ended, dropped", id, message.getClass().getSimpleName());
      return Mono.empty();
    }
    return switch (message) {
      case Start start -> create(start);
      case Outcome outcome -> recordOutcome(outcome);
      case Resume resume -> resume(resume);
      case StatusAnswer answer -> reconciliation.reconcile(answer.attemptNumber(), answer.status(), answer.mode());
      case Wake wake -> retry();
      case Command command -> command(command);
      case Notified notified ->
          notifications.handle(notified.command(), notified.reply(), claimedForMessage, passivated);
      case ModificationAnswer answer ->
          modifications.answered(answer.modificationId(), answer.outcome(), answer.statusQuery());
    };
  }

  private Mono<Void> create(Start start) {
    CreateRequest request = start.request();
    Instant now = runtime.clock().instant();
    IntentCommand.Create command = new IntentCommand.Create(
        id, request.merchantId(), request.amount(), request.paymentMethod(), request.reference(),
        request.metadata(), now.plus(runtime.intentDeadline()),
        runtime.routing().route(request.routingRequest(id), request.paymentMethod()),
        request.captureMethod(), now, request.description());
    return switch (IntentTransitions.decide(IntentState.NONE, command)) {
      case Decision.Rejected rejected -> {
        start.reply().tryEmitValue(new StartResult.Rejected(rejected.code(), rejected.message()));
        passivate();
        yield Mono.empty();
      }
      case Decision.Accepted accepted -> {
        PaymentIntent created = IntentTransitions.evolveAll(IntentState.NONE, accepted.events());
        Ownership ownership = IntentLeases.after(runtime, List.of(), created, 0, false, now);
        yield runtime.store()
            .insert(created, accepted.events(), request.idempotencyKey(), request.requestHash(), ownership,
                () -> createWrite.compareAndSet(CreateWrite.WAITING, CreateWrite.SENT))
            .doOnNext(insertion -> {
              switch (insertion) {
                case IntentStore.Insertion.Inserted inserted -> {
                  leaseUntil = ownership.leaseUntil();
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
              logs.log(created, () -> log.warn("Intent {}: storing it failed, it may or may not exist: {}", id,
                  error.toString()));
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
    Decision decision = message.outcome().mayMoveOn()
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

  /** Decides a command that may park the intent, with routing as it is now (see {@link IntentParking#decide}). */
  private Decision decideParking(Function<RouteOptions, IntentCommand> command, Instant now) {
    return parking.decide(state, command, now, runtime, passivated);
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
        return modifications.resume();
      }
      if (state.status().isFinal()) {
        passivate();
        return Mono.empty();
      }
      if (state.isParked()) {
        // The last owner died while the intent waited (or let it go at shutdown): try again now.
        return retry();
      }
      return state.inFlightAttempt().isPresent() ? reconciliation.resumeInFlight(resume.mode())
          : reconciliation.askProvider(resume.mode());
    }));
  }

  /**
   * A merchant's capture, cancel or refund (see {@link IntentModifications}); then an intent still being charged goes
   * on as before (a process claimed only for the command takes it up as recovery would), and otherwise its
   * modifications go on.
   */
  private Mono<Void> command(Command message) {
    return modifications.command(message.command(), message.modificationId(), message.reply(), passivated)
        .flatMap(changed -> {
          if (!IntentModifications.charging(state)) {
            return modifications.proceed(runtime.clock().instant());
          }
          if (changed) {
            act();
            return Mono.empty();
          }
          return claimedForMessage ? resume(new Resume(Recovery.RESUME)) : Mono.empty();
        });
  }

  private Mono<Void> persist(List<IntentEvent> events, int checks, boolean continuing, Instant now) {
    PaymentIntent before = state;
    PaymentIntent after = IntentTransitions.evolveAll(before, events);
    Ownership ownership = IntentLeases.after(runtime, events, after, checks, continuing, now);
    return runtime.store()
        .append(before, after, version, events, ownership)
        .doOnSuccess(done -> {
          become(after, version + events.size());
          checkCount = checks;
          leaseUntil = ownership.leaseUntil().isAfter(now) ? ownership.leaseUntil() : null;
          nextCheckAt = ownership.nextCheckAt();
          runtime.metrics().transitioned(before, after, events, now);
          parking.parkedBy(events);
          if (before.parkedSince() != null && (after.parkedSince() == null || after.status().isFinal())) {
            runtime.metrics().parkEnded(Duration.between(before.parkedSince(), now),
                after.status() == IntentStatus.FAILED);
          }
        });
  }

  /** Gives up the lease without a transition; the sentinel takes the intent up again at {@code nextCheckAt}. */
  private Mono<Void> release(Instant now, Instant nextCheckAt, int checks) {
    checkCount = checks;
    return runtime.store().reschedule(id, version, new Ownership(runtime.node(), now, nextCheckAt, checkCount))
        .doOnSuccess(done -> {
          leaseUntil = null;
          this.nextCheckAt = nextCheckAt;
        });
  }

  private void become(PaymentIntent next, long nextVersion) {
    state = next;
    version = nextVersion;
    snapshot = next;
    modifications.changed(next);
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
      reconciliation.send(state.inFlightAttempt().get(), leaseUntil);
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

  private void crashed(Throwable error) {
    if (error instanceof IntentStore.ConcurrentUpdateException) {
      log.warn("Intent {}: another writer won, this process stops: {}", id, error.getMessage());
    } else {
      log.error("Intent {}: process crashed; its state is safe in the database, recovery takes it up", id, error);
      if (leaseUntil != null) {
        // Handed over now rather than when the lease runs out: the sentinel's next scan takes the intent up from
        // its stored state, as after a node's death.
        runtime.store().release(List.of(id), runtime.node()).subscribe(released -> { },
            failed -> log.warn("Intent {}: its lease could not be let go ({}); it is taken up once it runs out", id,
                failed.toString()));
      }
    }
    passivate();
  }

  private void passivate() {
    if (!passivated) {
      passivated = true;
      parking.cancelWake();
      parking.leavePlace();
      settled.tryEmitValue(snapshot);
      modifications.ended(snapshot);
      runtime.registry().passivated(this);
    }
  }

  /** What {@link IntentModifications} borrows from this process. */
  private final class Owner implements ProcessOwner {
    @Override
    public PaymentIntent state() {
      return state;
    }

    @Override
    public PaymentIntent snapshot() {
      return snapshot;
    }

    @Override
    public int checkCount() {
      return checkCount;
    }

    @Override
    public Instant nextCheckAt() {
      return nextCheckAt;
    }

    @Override
    public void act() {
      IntentProcess.this.act();
    }

    @Override
    public Decision decideParking(Function<RouteOptions, IntentCommand> command, Instant now) {
      return IntentProcess.this.decideParking(command, now);
    }

    @Override
    public boolean outcome(int attemptNumber, ProviderOutcome outcome) {
      return mailbox.offer(new Outcome(attemptNumber, outcome));
    }

    @Override
    public boolean statusAnswered(int attemptNumber, ChargeStatus status, Recovery mode) {
      return mailbox.offer(new StatusAnswer(attemptNumber, status, mode));
    }

    @Override
    public Mono<Void> persist(List<IntentEvent> events, int checks, boolean continuing, Instant now) {
      return IntentProcess.this.persist(events, checks, continuing, now);
    }

    @Override
    public Mono<Void> release(Instant now, Instant next, int checks) {
      return IntentProcess.this.release(now, next, checks);
    }

    @Override
    public Mono<Void> letGo(Instant now) {
      return leaseUntil != null ? IntentProcess.this.release(now, nextCheckAt, checkCount) : Mono.empty();
    }

    @Override
    public void passivate() {
      IntentProcess.this.passivate();
    }

    @Override
    public boolean answer(String modificationId, ModificationOutcome outcome, boolean statusQuery) {
      return mailbox.offer(new ModificationAnswer(modificationId, outcome, statusQuery));
    }
  }
}
