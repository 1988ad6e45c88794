package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.intent.domain.Attempt;
import dev.paymentrouter.intent.domain.Decision;
import dev.paymentrouter.intent.domain.IntentCommand;
import dev.paymentrouter.intent.domain.IntentState;
import dev.paymentrouter.intent.domain.IntentTransitions;
import dev.paymentrouter.intent.domain.Money;
import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.intent.domain.PaymentMethod;
import dev.paymentrouter.process.Mailbox;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.provider.domain.ProviderRequest;
import dev.paymentrouter.provider.runtime.ProviderDirectory;
import dev.paymentrouter.routing.domain.RoutingRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The owner of one active intent: the only writer of its state. It takes one message at a time from a bounded
 * mailbox, asks the domain what the message means, persists the resulting events, then acts (sends the next
 * provider request) and replies. Once the intent is final, or waits for something only reconciliation can
 * learn, the process passivates: its state lives on in PostgreSQL.
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

  private sealed interface Message {}

  private record Start(CreateRequest request, Sinks.One<StartResult> reply) implements Message {}

  private record Outcome(int attemptNumber, ProviderOutcome outcome) implements Message {}

  private final String id;
  private final IntentRuntime runtime;
  private final Mailbox<Message> mailbox;
  private final Sinks.One<PaymentIntent> settled = Sinks.one();
  private PaymentIntent state;
  private long version;
  private volatile PaymentIntent snapshot;
  private volatile boolean passivated;

  IntentProcess(String id, IntentRuntime runtime) {
    this.id = id;
    this.runtime = runtime;
    this.mailbox = new Mailbox<>(runtime.mailboxCapacity(), this::handle, this::crashed);
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

  private Mono<Void> handle(Message message) {
    return switch (message) {
      case Start start -> create(start);
      case Outcome outcome -> recordOutcome(outcome);
    };
  }

  private Mono<Void> create(Start start) {
    CreateRequest request = start.request();
    IntentCommand.Create command = new IntentCommand.Create(
        id, request.merchantId(), request.amount(), request.paymentMethod(), request.reference(),
        request.metadata(), runtime.routing().route(routingRequest(request)), runtime.clock().instant());
    return switch (IntentTransitions.decide(IntentState.NONE, command)) {
      case Decision.Rejected rejected -> {
        start.reply().tryEmitValue(new StartResult.Rejected(rejected.code(), rejected.message()));
        passivate();
        yield Mono.empty();
      }
      case Decision.Accepted accepted -> {
        PaymentIntent created = IntentTransitions.evolveAll(IntentState.NONE, accepted.events());
        yield runtime.store()
            .insert(created, accepted.events(), request.idempotencyKey(), request.requestHash())
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
    IntentCommand.RecordOutcome command = new IntentCommand.RecordOutcome(
        message.attemptNumber(), message.outcome(), runtime.routing().route(state), runtime.clock().instant());
    return switch (IntentTransitions.decide(state, command)) {
      case Decision.Rejected rejected -> {
        log.warn("Intent {}: outcome for attempt {} ignored: {}", id, message.attemptNumber(), rejected.code());
        yield Mono.empty();
      }
      case Decision.Accepted accepted -> {
        PaymentIntent before = state;
        PaymentIntent after = IntentTransitions.evolveAll(before, accepted.events());
        yield runtime.store().append(before, after, version, accepted.events())
            .doOnSuccess(done -> {
              become(after, version + accepted.events().size());
              runtime.metrics().transitioned(accepted.events());
              act();
            });
      }
    };
  }

  private void become(PaymentIntent next, long nextVersion) {
    state = next;
    version = nextVersion;
    snapshot = next;
  }

  /** After a persisted transition: send the next request, or passivate when nothing is left to do here. */
  private void act() {
    if (state.status().isFinal()) {
      passivate();
      return;
    }
    state.inFlightAttempt().ifPresentOrElse(this::send, this::passivate);
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
      int mailboxCapacity) {}

}
