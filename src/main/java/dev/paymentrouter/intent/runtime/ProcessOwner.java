package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.intent.domain.Decision;
import dev.paymentrouter.intent.domain.IntentCommand;
import dev.paymentrouter.intent.domain.IntentEvent;
import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.intent.domain.RouteOptions;
import dev.paymentrouter.provider.domain.ChargeStatus;
import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * What the parts of an intent's process ({@link ChargeReconciliation}, {@link IntentModifications},
 * {@link IntentNotifications}) borrow from it:
 * its state, its writes (the only way to the intent's rows), its lease, its end, and its mailbox for the answers of
 * the calls they make. Called only while the process handles a message, so one at a time.
 */
interface ProcessOwner {

  /** The intent as last persisted. */
  PaymentIntent state();

  /** The same, readable from any thread (null before the intent is created). */
  PaymentIntent snapshot();

  /** Inconclusive status queries so far. */
  int checkCount();

  /** When recovery should look next, as last written. */
  Instant nextCheckAt();

  /** Persists a transition with the lease and schedule that go with it. */
  Mono<Void> persist(List<IntentEvent> events, int checks, boolean continuing, Instant now);

  /** Gives the lease up without a transition: due again at {@code nextCheckAt}, after {@code checks}. */
  Mono<Void> release(Instant now, Instant nextCheckAt, int checks);

  /** Gives the lease up, keeping the schedule, when the process holds it; else nothing. */
  Mono<Void> letGo(Instant now);

  /** After a persisted transition of the charge: the next attempt, a wait, or the end. */
  void act();

  /** Decides a command that may park the intent (see {@code IntentProcess}). */
  Decision decideParking(Function<RouteOptions, IntentCommand> command, Instant now);

  /** The process has nothing more to do. */
  void passivate();

  /** Hands a provider's answer about an attempt to the process; false when its mailbox is full. */
  boolean outcome(int attemptNumber, ProviderOutcome outcome);

  /** Hands a status query's answer about an attempt to the process; false when its mailbox is full. */
  boolean statusAnswered(int attemptNumber, ChargeStatus status, Recovery mode);

  /** Hands a provider's answer about a modification to the process; false when its mailbox is full. */
  boolean answer(String modificationId, ModificationOutcome outcome, boolean statusQuery);
}
