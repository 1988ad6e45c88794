package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.intent.domain.Decision;
import dev.paymentrouter.intent.domain.IntentCommand;
import dev.paymentrouter.intent.domain.IntentTransitions;
import java.time.Instant;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The part of an intent's process that takes a provider's verified notification: an unknown attempt's verdict goes
 * through the same decision as a status query's answer (a decline may move on to the next provider, so routing is
 * asked), a capture's, cancel's or refund's through the modification's reconciliation (a payment's end, which names
 * no modification, through that of the intent's open capture or cancel). One the intent's state refuses
 * changes nothing; a process claimed only for it then lets the intent go exactly as it was (its checks untouched).
 */
final class IntentNotifications {

  private final IntentRuntime runtime;
  private final ProcessOwner owner;
  private final IntentModifications modifications;

  IntentNotifications(IntentRuntime runtime, ProcessOwner owner, IntentModifications modifications) {
    this.runtime = runtime;
    this.owner = owner;
    this.modifications = modifications;
  }

  /**
   * Decides the notification's command (let in by {@link IntentModifications#letIn}, now out of the mailbox) and
   * tells {@code reply}; {@code claimedForIt}: nothing else of the intent runs in this process.
   */
  Mono<Void> handle(IntentCommand command, Sinks.One<CommandReply> reply, boolean claimedForIt, boolean ending) {
    modifications.keptOut();
    if (ending) {
      reply.tryEmitValue(new CommandReply.Gone());
      return Mono.empty();
    }
    Instant now = runtime.clock().instant();
    Decision decision = switch (command) {
      case IntentCommand.Reconcile reconcile -> owner.decideParking(route -> new IntentCommand.Reconcile(
          reconcile.attemptNumber(), reconcile.status(), runtime.settleTime(), route, now), now);
      case IntentCommand.ReconcileModification reconcile -> IntentTransitions.decide(owner.state(), reconcile);
      case IntentCommand.ReconcileAuthorization reconcile -> IntentTransitions.decide(owner.state(), reconcile);
      // IntentLifecycle.notify lets nothing else through; were it to, it would change nothing.
      default -> new Decision.Rejected(Decision.Rejection.ATTEMPT_NOT_UNKNOWN,
          "a notification carries only a reconciliation");
    };
    return switch (decision) {
      case Decision.Rejected rejected -> {
        reply.tryEmitValue(new CommandReply.Rejected(rejected.code(), rejected.message()));
        yield claimedForIt ? owner.letGo(now).doOnSuccess(done -> owner.passivate()) : Mono.empty();
      }
      case Decision.Accepted accepted when command instanceof IntentCommand.Reconcile reconcile -> {
        runtime.metrics().reconciled(reconcile.status());
        // As a status query's verdict: the schedule of checks starts over, and the intent acts on it at once.
        yield owner.persist(accepted.events(), 0, false, now).doOnSuccess(done -> {
          reply.tryEmitValue(new CommandReply.Taken());
          owner.act();
        });
      }
      case Decision.Accepted accepted -> owner.persist(accepted.events(), owner.checkCount(), false, now)
          .doOnSuccess(done -> reply.tryEmitValue(new CommandReply.Taken()))
          .then(Mono.defer(() -> modifications.proceed(now)));
    };
  }
}
