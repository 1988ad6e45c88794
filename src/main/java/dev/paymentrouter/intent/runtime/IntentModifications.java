package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.intent.domain.Attempt;
import dev.paymentrouter.intent.domain.Decision;
import dev.paymentrouter.intent.domain.IntentCommand;
import dev.paymentrouter.intent.domain.IntentEvent;
import dev.paymentrouter.intent.domain.IntentStatus;
import dev.paymentrouter.intent.domain.IntentTransitions;
import dev.paymentrouter.intent.domain.Modification;
import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.ModificationRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The part of an intent's process that drives the payment's life after its charge: the merchant's captures, cancels
 * and refunds, their calls to the provider that holds the payment, the status queries about those whose end is
 * unknown or pending, and the cancel of an authorization nobody captured in time. It runs on the process's messages
 * (one at a time) and writes through the process ({@link ProcessOwner}), so the intent keeps its one writer.
 */
final class IntentModifications {

  /** The cancel of an authorization that was not captured in time. */
  static final String AUTHORIZATION_EXPIRED = "authorization_expired";

  private static final Logger log = LoggerFactory.getLogger(IntentModifications.class);

  /** How soon a status query the router did not make is tried again (plus up to as much at random). */
  private static final Duration NOT_ASKED_RETRY = Duration.ofSeconds(1);

  private final String id;
  private final IntentRuntime runtime;
  private final ProcessOwner owner;
  private final IntentLogs logs;
  /** Modifications asked about (sent, or a status query) with no answer yet; touched by messages only. */
  private final Set<String> calling = new HashSet<>();
  /**
   * Messages let in and not handled yet: commands queued and the answers of calls made. Commands are let in only
   * while this stays within half the mailbox, so that an answer always finds room.
   */
  private final AtomicInteger expected = new AtomicInteger();
  /** Callers waiting for a modification to leave flight; its answer or the process's end tells them. */
  private final Map<String, Sinks.One<PaymentIntent>> waiting = new ConcurrentHashMap<>();
  /** What the status queries of the current round said, while some are outstanding. */
  private boolean inconclusive;
  private boolean notAsked;
  private boolean stillPending;

  IntentModifications(String id, IntentRuntime runtime, ProcessOwner owner, IntentLogs logs) {
    this.id = id;
    this.runtime = runtime;
    this.owner = owner;
    this.logs = logs;
  }

  /**
   * The intent once the modification is no longer in flight (answered: done, failed, pending or unknown), or as it
   * is when {@code wait} runs out first.
   */
  Mono<PaymentIntent> awaitAnswer(String modificationId, Duration wait) {
    Sinks.One<PaymentIntent> answered = waiting.computeIfAbsent(modificationId, key -> Sinks.one());
    PaymentIntent now = owner.snapshot();
    if (now == null || now.modification(modificationId).filter(m -> m.status() == Modification.Status.IN_FLIGHT)
        .isEmpty()) {
      waiting.remove(modificationId, answered);
      return Mono.justOrEmpty(now);
    }
    return answered.asMono().timeout(wait, Mono.fromSupplier(owner::snapshot));
  }

  /** The intent changed: tells those waiting for a modification that left flight. */
  void changed(PaymentIntent next) {
    waiting.forEach((modificationId, answered) -> {
      boolean inFlight = next.modification(modificationId)
          .filter(m -> m.status() == Modification.Status.IN_FLIGHT).isPresent();
      if (!inFlight && waiting.remove(modificationId, answered)) {
        answered.tryEmitValue(next);
      }
    });
  }

  /** The process ended: those still waiting get the intent as it is. */
  void ended(PaymentIntent last) {
    waiting.forEach((modificationId, answered) -> answered.tryEmitValue(last));
    waiting.clear();
  }

  /** Lets one more command in, unless half the mailbox is spoken for already. */
  boolean letIn() {
    if (expected.incrementAndGet() > runtime.mailboxCapacity() / 2) {
      expected.decrementAndGet();
      return false;
    }
    return true;
  }

  /** A command let in did not reach the mailbox after all. */
  void keptOut() {
    expected.decrementAndGet();
  }

  /**
   * Decides a merchant's capture, cancel or refund, and tells {@code reply}; whether the intent changed (nothing when
   * the process is {@code ending}: the reply says gone). Modifications
   * a dead predecessor left in flight are marked unknown first (their money may have moved), so the decision counts
   * them; a command whose modification exists is a retry, taken as done.
   */
  Mono<Boolean> command(IntentCommand command, String modificationId, Sinks.One<CommandReply> reply,
      boolean ending) {
    expected.decrementAndGet();
    if (ending) {
      // The process let go of the intent: the caller sends the command again, to a new one.
      reply.tryEmitValue(new CommandReply.Gone());
      return Mono.empty();
    }
    Instant now = runtime.clock().instant();
    return markLost(now).then(Mono.defer(() -> {
      PaymentIntent state = owner.state();
      if (modificationId != null && state.modification(modificationId).isPresent()) {
        reply.tryEmitValue(new CommandReply.Taken());
        return Mono.just(false);
      }
      return switch (IntentTransitions.decide(state, command)) {
        case Decision.Rejected rejected -> {
          reply.tryEmitValue(new CommandReply.Rejected(rejected.code(), rejected.message()));
          yield Mono.just(false);
        }
        case Decision.Accepted accepted -> owner.persist(accepted.events(), owner.checkCount(), false, now)
            .doOnSuccess(done -> reply.tryEmitValue(new CommandReply.Taken()))
            .doOnError(error -> reply.tryEmitValue(new CommandReply.Gone()))
            .thenReturn(true);
      };
    }));
  }

  /**
   * Taken up by recovery after its charge: ask about what a predecessor left unknown or pending, cancel an
   * authorization that expired, then let go.
   */
  Mono<Void> resume() {
    Instant now = runtime.clock().instant();
    return markLost(now).then(Mono.defer(() -> {
      PaymentIntent state = owner.state();
      // A few per round, so that their answers fit the mailbox beside the merchants' commands; the rest stay due.
      awaitingConfirmation(state).stream()
          .filter(open -> !calling.contains(open.id()))
          .limit(Math.max(1, runtime.mailboxCapacity() / 4))
          .forEach(open -> {
            calling.add(open.id());
            askAbout(state, open);
          });
      if (calling.isEmpty() && authorizationExpiresAt(state, runtime.authorizationValidity())
          .filter(expiry -> !expiry.isAfter(now)).isPresent()) {
        IntentCommand.Cancel expire = new IntentCommand.Cancel(runtime.ids().next("can_"), AUTHORIZATION_EXPIRED, now);
        if (IntentTransitions.decide(state, expire) instanceof Decision.Accepted accepted) {
          log.info("Intent {}: authorization not captured in time, canceling it", id);
          return owner.persist(accepted.events(), owner.checkCount(), false, now)
              .then(Mono.defer(() -> proceed(now)));
        }
      }
      return proceed(now);
    }));
  }

  /** A provider answered a modification, or a status query about one. */
  Mono<Void> answered(String modificationId, ModificationOutcome outcome, boolean statusQuery) {
    expected.decrementAndGet();
    calling.remove(modificationId);
    Instant now = runtime.clock().instant();
    IntentCommand command = statusQuery
        ? new IntentCommand.ReconcileModification(modificationId, outcome, now)
        : new IntentCommand.RecordModification(modificationId, outcome, now);
    return switch (IntentTransitions.decide(owner.state(), command)) {
      case Decision.Accepted accepted -> owner.persist(accepted.events(), statusQuery ? 0 : owner.checkCount(),
          false, now).then(Mono.defer(() -> proceed(now)));
      case Decision.Rejected rejected -> {
        switch (rejected.reason()) {
          case STATUS_NOT_ASKED -> notAsked = true;
          case STATUS_UNAVAILABLE -> {
            if (owner.state().modification(modificationId)
                .filter(m -> m.status() == Modification.Status.PENDING).isPresent()) {
              // Accepted by the provider and still under way there: asked again at the pending pace.
              stillPending = true;
            } else {
              log.info("Intent {}: its provider could not say what became of modification {}: {}", id,
                  modificationId, rejected.message());
              inconclusive = true;
            }
          }
          default -> log.warn("Intent {}: answer for modification {} ignored: {}", id, modificationId,
              rejected.code());
        }
        yield proceed(now);
      }
    };
  }

  /**
   * Sends what is in flight and not sent yet; once no call is outstanding, lets the intent go: on the schedule
   * when a status query could not tell (to an operator once it is used up), soon when the router did not ask about
   * an unknown one, at the pending pace while the provider confirms what it accepted (that never runs out: the
   * provider said the money is on its way, and the intent shows it pending).
   */
  Mono<Void> proceed(Instant now) {
    PaymentIntent state = owner.state();
    for (Modification modification : inFlight(state)) {
      if (calling.add(modification.id())) {
        send(state, modification);
      }
    }
    if (!calling.isEmpty()) {
      return Mono.empty();
    }
    boolean couldNotTell = inconclusive;
    boolean didNotAsk = notAsked;
    boolean underWay = stillPending;
    inconclusive = false;
    notAsked = false;
    stillPending = false;
    if (couldNotTell) {
      int checks = owner.checkCount() + 1;
      Optional<Duration> delay = runtime.schedule().delayAfter(checks);
      if (delay.isPresent()) {
        return owner.release(now, now.plus(delay.get()), checks).doOnSuccess(done -> owner.passivate());
      }
      IntentCommand.GiveUp giveUp = new IntentCommand.GiveUp("reconciliation_exhausted", now);
      if (IntentTransitions.decide(state, giveUp) instanceof Decision.Accepted accepted) {
        log.error("Intent {}: its provider could not confirm a capture, cancel or refund after {} checks; an "
            + "operator must look", id, checks);
        return owner.persist(accepted.events(), checks, false, now).doOnSuccess(done -> owner.passivate());
      }
    }
    boolean unknownLeft = state.modifications().stream().anyMatch(m -> m.status() == Modification.Status.UNKNOWN);
    if (didNotAsk && unknownLeft) {
      Duration again = NOT_ASKED_RETRY.plusMillis(ThreadLocalRandom.current().nextLong(NOT_ASKED_RETRY.toMillis()));
      return owner.release(now, now.plus(again), owner.checkCount()).doOnSuccess(done -> owner.passivate());
    }
    if (didNotAsk || underWay) {
      return owner.release(now, now.plus(runtime.pendingInterval()), owner.checkCount())
          .doOnSuccess(done -> owner.passivate());
    }
    return owner.letGo(now).doOnSuccess(done -> owner.passivate());
  }

  /** Marks as unknown the modifications a predecessor left in flight, keeping the lease to ask about them. */
  private Mono<Void> markLost(Instant now) {
    List<IntentEvent> lost = lost(owner.state(), calling, now);
    return lost.isEmpty() ? Mono.empty() : owner.persist(lost, owner.checkCount(), true, now);
  }

  private void send(PaymentIntent state, Modification modification) {
    answerWith(modification.id(), runtime.providers().modify(request(state, modification)), false);
  }

  private void askAbout(PaymentIntent state, Modification modification) {
    answerWith(modification.id(),
        runtime.providers().modificationStatus(request(state, modification), modification.createdAt()), true);
  }

  private void answerWith(String modificationId, Mono<ModificationOutcome> call, boolean statusQuery) {
    expected.incrementAndGet();
    // The call is subscribed here, maybe on the thread that completed a write: its start logs with the fields.
    logs.log(owner.state(), () -> call(modificationId, call, statusQuery));
  }

  private void call(String modificationId, Mono<ModificationOutcome> call, boolean statusQuery) {
    call.onErrorResume(error -> {
          logs.log(owner.snapshot(),
              () -> log.error("Intent {}: call for modification {} failed", id, modificationId, error));
          return Mono.just(new ModificationOutcome.Unknown("dispatch_failed"));
        })
        // The request that asked for the modification goes with the call (see ChargeReconciliation#send).
        .contextWrite(logs::into)
        .subscribe(outcome -> {
          if (!owner.answer(modificationId, outcome, statusQuery)) {
            // The lease runs out and recovery asks the provider again: nothing is decided on a lost answer.
            logs.log(owner.snapshot(), () -> log.error("Intent {}: mailbox full, answer for modification {} dropped",
                id, modificationId));
            owner.passivate();
          }
        });
  }

  /** Whether the intent is still being charged (attempts), as opposed to living on after its charge. */
  static boolean charging(PaymentIntent intent) {
    return intent.status() == IntentStatus.PENDING || intent.status() == IntentStatus.PROCESSING;
  }

  /** The request that carries a modification to the provider that holds the payment. */
  static ModificationRequest request(PaymentIntent intent, Modification modification) {
    Attempt approved = intent.approvedAttempt().orElseThrow();
    return new ModificationRequest(modification.kind(), intent.id(), modification.provider(),
        modification.idempotencyKey(), approved.providerReference(), approved.idempotencyKey(),
        modification.amountMinor(), intent.amount().currency(), modification.reason());
  }

  /** Modifications waiting for a provider's answer. */
  static List<Modification> inFlight(PaymentIntent intent) {
    return intent.modifications().stream().filter(m -> m.status() == Modification.Status.IN_FLIGHT).toList();
  }

  /** Modifications whose end the provider has yet to confirm (unknown, or accepted and pending). */
  static List<Modification> awaitingConfirmation(PaymentIntent intent) {
    return intent.modifications().stream()
        .filter(m -> m.status() == Modification.Status.UNKNOWN || m.status() == Modification.Status.PENDING)
        .toList();
  }

  /**
   * The events that mark as unknown every modification in flight that no call of this process is waiting for: its
   * previous owner died with them in flight, so whether their money moved is for the provider to say.
   */
  static List<IntentEvent> lost(PaymentIntent intent, Set<String> calling, Instant now) {
    List<IntentEvent> events = new ArrayList<>();
    PaymentIntent state = intent;
    for (Modification modification : inFlight(intent)) {
      if (calling.contains(modification.id())) {
        continue;
      }
      if (IntentTransitions.decide(state, new IntentCommand.RecordModification(modification.id(),
          new ModificationOutcome.Unknown("owner_lost"), now)) instanceof Decision.Accepted accepted) {
        events.addAll(accepted.events());
        state = IntentTransitions.evolveAll(state, accepted.events());
      }
    }
    return events;
  }

  /**
   * When an authorization held for capture expires: its approval plus the provider's authorization validity; empty
   * while the intent does not require capture, or a capture or cancel is already under way.
   */
  static Optional<Instant> authorizationExpiresAt(PaymentIntent intent, Function<String, Duration> validity) {
    if (intent.status() != IntentStatus.REQUIRES_CAPTURE
        || intent.modifications().stream().anyMatch(m -> m.status().mayMoveMoney())) {
      return Optional.empty();
    }
    return intent.approvedAttempt().map(approved -> approved.updatedAt().plus(validity.apply(approved.provider())));
  }
}
