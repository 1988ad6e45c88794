package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.intent.domain.Attempt;
import dev.paymentrouter.intent.domain.Decision;
import dev.paymentrouter.intent.domain.IntentCommand;
import dev.paymentrouter.intent.domain.IntentEvent;
import dev.paymentrouter.intent.domain.IntentState;
import dev.paymentrouter.intent.domain.IntentTransitions;
import dev.paymentrouter.intent.domain.Money;
import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.intent.domain.PaymentMethod;
import dev.paymentrouter.intent.domain.ReconciliationSchedule;
import dev.paymentrouter.intent.runtime.IntentStore.Ownership;
import dev.paymentrouter.process.Mailbox;
import dev.paymentrouter.provider.domain.ChargeStatus;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.provider.domain.ProviderRequest;
import dev.paymentrouter.provider.runtime.ProviderDirectory;
import dev.paymentrouter.routing.domain.RoutingRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 */
public final class IntentProcess {

  private static final Logger log = LoggerFactory.getLogger(IntentProcess.class);

  /** What a merchant asked for, validated. */
  public record CreateRequest(
      String merchantId,
      Money amount,
      PaymentMethod paymentMethod,
      String reference,
      Map<String, String> metadata,
      String idempotencyKey,
      String requestHash) {

    public CreateRequest {
      Objects.requireNonNull(merchantId, "merchantId");
      Objects.requireNonNull(amount, "amount");
      Objects.requireNonNull(paymentMethod, "paymentMethod");
      Objects.requireNonNull(idempotencyKey, "idempotencyKey");
      Objects.requireNonNull(requestHash, "requestHash");
      metadata = Map.copyOf(metadata);
    }
  }

  /** How a creation ended. */
  public sealed interface StartResult {
    /** A new intent was stored and is being processed. */
    record Created(IntentProcess process, PaymentIntent intent) implements StartResult {}

    /** The key was used before: for {@code existingIntentId}, with the same request or not. */
    record Duplicate(String existingIntentId, boolean sameRequest) implements StartResult {}

    /** The domain refused (e.g. no provider available); nothing was stored. */
    record Rejected(String code, String message) implements StartResult {}

    /** Too many intents are active on this node; nothing was stored. */
    record Overloaded() implements StartResult {}
  }

  /** Why a stored intent is taken up again. */
  public sealed interface Recovery {
    /** The sentinel found it due: its owner died, or its next reconciliation is due. */
    Recovery RESUME = NodeReason.RESUME;
    /** Someone asked for it (a GET): check an unknown outcome now, without using up the schedule. */
    Recovery RECONCILE_NOW = NodeReason.RECONCILE_NOW;

    /** An operator sent an unresolved intent back to reconciliation; their name goes on the intent's trail. */
    static Recovery redrive(String operator) {
      return new Redrive(operator);
    }

    /** The node's own reasons, which name nobody. */
    enum NodeReason implements Recovery { RESUME, RECONCILE_NOW }

    /** An operator's re-drive. */
    record Redrive(String operator) implements Recovery {
      public Redrive {
        Objects.requireNonNull(operator, "operator");
      }
    }
  }

  private sealed interface Message {}

  private record Start(CreateRequest request, Sinks.One<StartResult> reply) implements Message {}

  private record Outcome(int attemptNumber, ProviderOutcome outcome) implements Message {}

  private record Resume(Recovery mode) implements Message {}

  private record StatusAnswer(int attemptNumber, ChargeStatus status, Recovery mode) implements Message {}

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

  /** The process of a new intent. */
  IntentProcess(String id, IntentRuntime runtime) {
    this.id = id;
    this.runtime = runtime;
    this.mailbox = new Mailbox<>(runtime.mailboxCapacity(), this::handle, this::crashed);
  }

  /** The process of a stored intent this node just claimed. */
  IntentProcess(IntentStore.StoredIntent stored, IntentRuntime runtime) {
    this(stored.intent().id(), runtime);
    become(stored.intent(), stored.version());
    this.checkCount = stored.checkCount();
    this.nextCheckAt = stored.nextCheckAt();
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

  boolean resume(Recovery mode) {
    return mailbox.offer(new Resume(mode));
  }

  private Mono<Void> handle(Message message) {
    return switch (message) {
      case Start start -> create(start);
      case Outcome outcome -> recordOutcome(outcome);
      case Resume resume -> resume(resume);
      case StatusAnswer answer -> reconcile(answer);
    };
  }

  private Mono<Void> create(Start start) {
    CreateRequest request = start.request();
    Instant now = runtime.clock().instant();
    IntentCommand.Create command = new IntentCommand.Create(
        id, request.merchantId(), request.amount(), request.paymentMethod(), request.reference(),
        request.metadata(), now.plus(runtime.intentDeadline()), runtime.routing().route(routingRequest(request)),
        now);
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
                ownershipAfter(created, 0, false, now))
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
              }
            })
            .doOnError(error -> {
              start.reply().tryEmitError(error);
              passivate();
            })
            .then();
      }
    };
  }

  private Mono<Void> recordOutcome(Outcome message) {
    Instant now = runtime.clock().instant();
    IntentCommand.RecordOutcome command = new IntentCommand.RecordOutcome(
        message.attemptNumber(), message.outcome(), runtime.routing().route(state), now);
    return switch (IntentTransitions.decide(state, command)) {
      case Decision.Rejected rejected -> {
        log.warn("Intent {}: outcome for attempt {} ignored: {}", id, message.attemptNumber(), rejected.code());
        yield Mono.empty();
      }
      case Decision.Accepted accepted -> persist(accepted.events(), checkCount, false, now).doOnSuccess(done -> act());
    };
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
      if (state.status().isFinal()) {
        passivate();
        return Mono.empty();
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
    runtime.providers().status(unknown.provider(), unknown.idempotencyKey())
        .onErrorResume(error -> Mono.just(new ChargeStatus.Unavailable("status_query_failed")))
        .subscribe(status -> {
          if (!mailbox.offer(new StatusAnswer(unknown.number(), status, mode))) {
            log.error("Intent {}: mailbox full, status of attempt {} dropped", id, unknown.number());
            passivate();
          }
        });
    return Mono.empty();
  }

  private Mono<Void> reconcile(StatusAnswer answer) {
    Instant now = runtime.clock().instant();
    IntentCommand.Reconcile command = new IntentCommand.Reconcile(answer.attemptNumber(), answer.status(),
        runtime.settleTime(), runtime.routing().route(state), now);
    return switch (IntentTransitions.decide(state, command)) {
      case Decision.Accepted accepted -> {
        runtime.metrics().reconciled(answer.status());
        yield persist(accepted.events(), 0, false, now).doOnSuccess(done -> act());
      }
      case Decision.Rejected rejected -> switch (rejected.code()) {
        case "too_early_to_tell" -> {
          // Ask again once the provider can no longer be working on the request; this costs no check.
          Instant settledAt = state.attempt(answer.attemptNumber()).orElseThrow().createdAt()
              .plus(runtime.settleTime());
          yield release(now, settledAt.isAfter(now) ? settledAt : now).doOnSuccess(done -> passivate());
        }
        case "status_unavailable" -> inconclusive(answer, now);
        default -> {
          log.warn("Intent {}: reconciliation of attempt {} refused: {}", id, answer.attemptNumber(),
              rejected.code());
          yield release(now, null).doOnSuccess(done -> passivate());
        }
      };
    };
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

  private Mono<Void> persist(List<IntentEvent> events, int checks, boolean continuing, Instant now) {
    PaymentIntent before = state;
    PaymentIntent after = IntentTransitions.evolveAll(before, events);
    return runtime.store()
        .append(before, after, version, events, ownershipAfter(after, checks, continuing, now))
        .doOnSuccess(done -> {
          become(after, version + events.size());
          checkCount = checks;
          runtime.metrics().transitioned(events);
        });
  }

  /** Gives up the lease without a transition; the sentinel takes the intent up again at {@code nextCheckAt}. */
  private Mono<Void> release(Instant now, Instant nextCheckAt) {
    return runtime.store().reschedule(id, version, new Ownership(runtime.node(), now, nextCheckAt, checkCount));
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
    if (!after.status().isFinal() && after.unknownAttempt().isPresent() && !after.isUnresolved()) {
      Duration delay = runtime.schedule().delayAfter(checks).orElse(Duration.ZERO);
      return new Ownership(runtime.node(), now, now.plus(delay), checks);
    }
    return new Ownership(runtime.node(), now, null, checks);
  }

  private void become(PaymentIntent next, long nextVersion) {
    state = next;
    version = nextVersion;
    snapshot = next;
  }

  /** After a persisted transition: send the next request, or passivate when nothing is left to do here. */
  private void act() {
    if (!state.status().isFinal() && state.inFlightAttempt().isPresent()) {
      send(state.inFlightAttempt().get());
    } else {
      passivate();
    }
  }

  private void send(Attempt attempt) {
    ProviderRequest request = new ProviderRequest(
        id, attempt.number(), attempt.provider(), attempt.idempotencyKey(), state.amount().amountMinor(),
        state.amount().currency(), state.paymentMethod().token());
    runtime.providers().dispatch(request)
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
      settled.tryEmitValue(snapshot);
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
      Duration intentDeadline) {}
}
