package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.intent.domain.Attempt;
import dev.paymentrouter.intent.domain.CaptureMethod;
import dev.paymentrouter.intent.domain.Decision;
import dev.paymentrouter.intent.domain.IntentCommand;
import dev.paymentrouter.intent.domain.IntentTransitions;
import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.provider.domain.ChargeStatus;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.provider.domain.ProviderRequest;
import dev.paymentrouter.provider.domain.RouterRefusal;
import dev.paymentrouter.provider.domain.StatusQuery;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The part of an intent's process that makes the charge's calls: it sends the attempt in flight, and learns what
 * became of one whose outcome is unknown: it asks the provider that may have charged (never another), decides on the
 * answer through the process ({@link ProcessOwner}), and paces its questions: on the reconciliation schedule when the
 * provider could not tell, soon when the router itself did not ask, to an operator once the schedule is used up.
 */
final class ChargeReconciliation {

  private static final Logger log = LoggerFactory.getLogger(ChargeReconciliation.class);

  /** How soon a status query the router did not make is tried again (plus up to as much at random). */
  private static final Duration NOT_ASKED_RETRY = Duration.ofSeconds(1);

  private final String id;
  private final IntentRuntime runtime;
  private final ProcessOwner owner;
  private final IntentLogs logs;

  ChargeReconciliation(String id, IntentRuntime runtime, ProcessOwner owner, IntentLogs logs) {
    this.id = id;
    this.runtime = runtime;
    this.owner = owner;
    this.logs = logs;
  }

  /**
   * Sends the attempt in flight; its outcome comes back to the process as a message. Only while the process's lease
   * runs ({@code leaseUntil}, null: it holds none): a worker that takes the call up later does not make it, since
   * another node may own the intent by then and reconcile the attempt as never sent.
   */
  void send(Attempt attempt, Instant leaseUntil) {
    // Most often called once a write completed, on the thread that completed it: the intent's fields open again for
    // the lines of the call's start (here, the gatekeeper's, the pool's, the connector's).
    logs.log(owner.state(), () -> dispatch(attempt, leaseUntil));
  }

  private void dispatch(Attempt attempt, Instant leaseUntil) {
    PaymentIntent state = owner.state();
    log.debug("Intent {}: sending attempt {} to {}", id, attempt.number(), attempt.provider());
    String token = state.paymentMethod().tokenFor(attempt.provider());
    // No token (its stored form could not be decrypted, see IntentStore): no provider may be sent an empty one.
    Mono<ProviderOutcome> sent = token == null
        ? Mono.just(new ProviderOutcome.NotSent("payment_method_unavailable"))
        : runtime.providers().dispatch(charge(state, attempt, token),
            leaseUntil == null ? runtime.clock().instant() : leaseUntil);
    sent
        .onErrorResume(error -> {
          logs.log(owner.snapshot(),
              () -> log.error("Intent {}: dispatch of attempt {} failed", id, attempt.number(), error));
          return Mono.just(new ProviderOutcome.Unknown("dispatch_failed"));
        })
        // The request that caused the call goes with it (its id and trace on the provider's HTTP request).
        .contextWrite(logs::into)
        .subscribe(outcome -> {
          if (log.isDebugEnabled()) {
            // The outcome names no token (see ProviderOutcome); the fields say which intent and request it is for.
            logs.log(owner.snapshot(), () -> log.debug("Intent {}: attempt {} at {} answered {}", id,
                attempt.number(), attempt.provider(), outcome));
          }
          if (!owner.outcome(attempt.number(), outcome)) {
            // Cannot happen with one attempt in flight; if it does, recovery finds the attempt in flight.
            logs.log(owner.snapshot(),
                () -> log.error("Intent {}: mailbox full, outcome of attempt {} dropped", id, attempt.number()));
            owner.passivate();
          }
        });
  }

  /**
   * Taken up after the last owner died with a call in flight: whether it charged is unknown until the provider says,
   * so the attempt is recorded as unknown ({@code owner_lost}) and the provider is asked.
   */
  Mono<Void> resumeInFlight(Recovery mode) {
    PaymentIntent state = owner.state();
    Instant now = runtime.clock().instant();
    IntentCommand.RecordOutcome lost = new IntentCommand.RecordOutcome(state.inFlightAttempt().orElseThrow().number(),
        new ProviderOutcome.Unknown("owner_lost"), runtime.routing().route(state), now);
    Mono<Void> recorded = IntentTransitions.decide(state, lost) instanceof Decision.Accepted accepted
        ? owner.persist(accepted.events(), owner.checkCount(), true, now) : Mono.empty();
    return recorded.then(Mono.defer(() -> askProvider(mode)));
  }

  /** Sends a status query for the unknown attempt; its answer comes back as a message. */
  Mono<Void> askProvider(Recovery mode) {
    if (owner.state().unknownAttempt().isEmpty() || owner.state().isUnresolved()) {
      // Nothing this process can move forward (e.g. the intent waits for an operator): let it go.
      return end(runtime.clock().instant(), null, owner.checkCount());
    }
    Attempt unknown = owner.state().unknownAttempt().get();
    logs.log(owner.state(), () -> ask(unknown, mode));
    return Mono.empty();
  }

  /** The status query, subscribed with the intent's fields open (see {@link #send}). */
  private void ask(Attempt unknown, Recovery mode) {
    runtime.providers().status(unknown.provider(), statusQuery(unknown))
        .onErrorResume(error -> Mono.just(new ChargeStatus.Unavailable("status_query_failed")))
        .contextWrite(logs::into)
        .subscribe(answer -> {
          if (!owner.statusAnswered(unknown.number(), answer, mode)) {
            logs.log(owner.snapshot(),
                () -> log.error("Intent {}: mailbox full, status of attempt {} dropped", id, unknown.number()));
            owner.passivate();
          }
        });
  }

  /** The question for the provider: the charge as it was sent (to replay under its key) while its token is known. */
  private StatusQuery statusQuery(Attempt unknown) {
    PaymentIntent state = owner.state();
    String token = state.paymentMethod().tokenFor(unknown.provider());
    ProviderRequest charge = token == null ? null : charge(state, unknown, token);
    return new StatusQuery(unknown.idempotencyKey(), charge, unknown.providerReference(), unknown.createdAt());
  }

  /** What a status query said about the unknown attempt. */
  Mono<Void> reconcile(int attemptNumber, ChargeStatus status, Recovery mode) {
    Instant now = runtime.clock().instant();
    return switch (owner.decideParking(route -> new IntentCommand.Reconcile(attemptNumber, status,
        runtime.settleTime(), route, now), now)) {
      case Decision.Accepted accepted -> {
        runtime.metrics().reconciled(status);
        yield owner.persist(accepted.events(), 0, false, now).doOnSuccess(done -> owner.act());
      }
      case Decision.Rejected rejected -> switch (rejected.reason()) {
        case TOO_EARLY_TO_TELL -> {
          // Ask again once the provider can no longer be working on the request; this costs no check.
          Instant settledAt = owner.state().attempt(attemptNumber).orElseThrow().createdAt()
              .plus(runtime.settleTime());
          yield end(now, settledAt.isAfter(now) ? settledAt : now, owner.checkCount());
        }
        case STATUS_UNAVAILABLE -> inconclusive(attemptNumber, status, mode, now);
        case STATUS_NOT_ASKED -> notAsked(attemptNumber, status, mode, now);
        case INTENT_EXISTS, INTENT_NOT_FOUND, NO_PROVIDER_AVAILABLE, NO_USABLE_PAYMENT_METHOD, INTENT_FINAL,
            ATTEMPT_NOT_IN_FLIGHT, ATTEMPT_NOT_UNKNOWN, INTENT_UNRESOLVED, INTENT_NOT_UNRESOLVED, INTENT_NOT_PARKED,
            INTENT_NOT_CAPTURABLE, INTENT_NOT_CANCELABLE, INTENT_NOT_REFUNDABLE, AMOUNT_TOO_LARGE,
            MODIFICATION_IN_PROGRESS, MODIFICATION_EXISTS, MODIFICATION_NOT_IN_FLIGHT, MODIFICATION_NOT_OPEN,
            INTENT_PROCESSING -> {
          log.warn("Intent {}: reconciliation of attempt {} refused: {}", id, attemptNumber,
              rejected.code());
          yield end(now, null, owner.checkCount());
        }
      };
    };
  }

  /**
   * The router itself did not ask (its status queries for the provider were used up, or the provider is not
   * running): back-pressure, not a failed check. Ask again soon, spread over a second so that intents held back
   * together do not come back together, without moving the reconciliation schedule. When the provider's status rate
   * turned it away, not before its own turn at that rate: a backlog of unknown outcomes (a sick provider leaves
   * hundreds) then comes back at the pace the rate admits, each about once, instead of all of it every second or
   * two, each time a write, a claim and a load of the intent for nothing.
   */
  private Mono<Void> notAsked(int attemptNumber, ChargeStatus status, Recovery mode, Instant now) {
    runtime.metrics().reconciled(status);
    if (mode == Recovery.RECONCILE_NOW) {
      return end(now, owner.nextCheckAt(), owner.checkCount());
    }
    Duration again = NOT_ASKED_RETRY.plusMillis(ThreadLocalRandom.current().nextLong(NOT_ASKED_RETRY.toMillis()));
    Instant next = now.plus(again);
    if (status instanceof ChargeStatus.NotAsked notAsked && notAsked.refusal() == RouterRefusal.RATE_LIMITED) {
      Instant turn = owner.state().attempt(attemptNumber)
          .flatMap(attempt -> runtime.providers().statusQueryTurn(attempt.provider(), now))
          .orElse(next);
      next = turn.isAfter(next) ? turn : next;
    }
    return end(now, next, owner.checkCount());
  }

  /** The provider could not say. Try later, on the schedule; when the schedule is over, an operator decides. */
  private Mono<Void> inconclusive(int attemptNumber, ChargeStatus status, Recovery mode, Instant now) {
    runtime.metrics().reconciled(status);
    if (mode == Recovery.RECONCILE_NOW) {
      // An on-the-fly check neither uses up the schedule nor moves it: a client polling GET changes nothing.
      return end(now, owner.nextCheckAt(), owner.checkCount());
    }
    int checks = owner.checkCount() + 1;
    return runtime.schedule().delayAfter(checks)
        .map(delay -> end(now, now.plus(delay), checks))
        .orElseGet(() -> {
          IntentCommand.GiveUp giveUp = new IntentCommand.GiveUp("reconciliation_exhausted", now);
          if (IntentTransitions.decide(owner.state(), giveUp) instanceof Decision.Accepted accepted) {
            log.error("Intent {}: provider {} could not confirm attempt {} after {} checks; an operator must look",
                id, owner.state().attempt(attemptNumber).map(Attempt::provider).orElse("?"),
                attemptNumber, checks);
            return owner.persist(accepted.events(), checks, false, now).doOnSuccess(done -> owner.passivate());
          }
          return end(now, null, owner.checkCount());
        });
  }

  /**
   * The charge of an attempt exactly as it is sent (an authorization only, for an intent captured later), so that a
   * replay under the attempt's key is the same request.
   */
  static ProviderRequest charge(PaymentIntent state, Attempt attempt, String token) {
    return new ProviderRequest(state.id(), attempt.number(), attempt.provider(), attempt.idempotencyKey(),
        state.amount().amountMinor(), state.amount().currency(), token,
        state.captureMethod() == CaptureMethod.MANUAL);
  }

  /** Lets the intent go, due again at {@code next} after {@code checks} inconclusive checks; the process ends. */
  private Mono<Void> end(Instant now, Instant next, int checks) {
    return owner.release(now, next, checks).doOnSuccess(done -> owner.passivate());
  }
}
