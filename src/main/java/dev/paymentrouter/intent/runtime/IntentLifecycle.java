package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.intent.domain.IntentCommand;
import dev.paymentrouter.intent.domain.IntentStatus;
import dev.paymentrouter.intent.domain.Modification;
import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.process.Correlation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * The merchant's commands on an intent after its creation (capture, cancel, refund), each sent to the intent's own
 * process, and the refunds' read side. A command is idempotent under the merchant's {@code Idempotency-Key}: the key
 * is reserved, with the request's hash and the modification it names, before the command reaches the process, so
 * that a retry under it names the same modification and the provider is asked once.
 *
 * <p>A command the intent's state refused leaves its key naming a modification that never started: a retry under
 * the key is decided again (and refused again, unless the intent changed meanwhile). Refused requests are not
 * replayed from a stored answer, as with Stripe for a request that did not start executing.
 */
public final class IntentLifecycle {

  /**
   * How often a command is offered again, at least, while the intent's process is ending, is taken up, or has as many
   * commands as it takes at once; for as long as the caller waits when that is longer.
   */
  private static final int DELIVERY_TRIES = 40;
  private static final Duration DELIVERY_PAUSE = Duration.ofMillis(25);

  /** What became of a command. */
  public sealed interface CommandResult {
    /**
     * The command was taken, now or under this key before ({@code replayed}): the intent as it stands after waiting
     * up to the caller's wait, and the modification the command started (null for a cancel that needed no provider).
     */
    record Done(PaymentIntent intent, String modificationId, boolean replayed) implements CommandResult {}

    /** The intent's state refuses the command; nothing changed. {@code code} is a domain rejection code. */
    record Rejected(String code, String message) implements CommandResult {}

    /** No such intent for this merchant (or no such refund). */
    record NotFound() implements CommandResult {}

    /** The key was used before with a different request. */
    record KeyReused() implements CommandResult {}

    /** The intent cannot take a command now (another node holds it, or this node is full): retry later. */
    record Unavailable(String reason) implements CommandResult {}
  }

  /** What became of a provider's notification handed to an intent's process. */
  public sealed interface NotifyResult {
    /** The intent's process took it and the intent changed (persisted before this answer). */
    record Applied() implements NotifyResult {}

    /** The intent's state refused it (already known, not unknown or pending any more); nothing changed. */
    record Ignored(String code) implements NotifyResult {}

    /** No such intent. */
    record NotFound() implements NotifyResult {}

    /** The intent could not take it now (another node holds it, or this node is full); recovery still asks. */
    record Unavailable(String reason) implements NotifyResult {}
  }

  /** A refund with the intent it belongs to. */
  public record StoredRefund(String intentId, String currency, Modification refund) {}

  /** A page of refunds, newest first. */
  public record RefundPage(List<StoredRefund> data, boolean hasMore) {}

  private final IntentRegistry registry;
  private final IntentStore store;
  private final LifecycleStore keys;
  private final IntentIds ids;
  private final Clock clock;

  /** Commands through this node's registry; modification ids from {@code ids}. */
  public IntentLifecycle(IntentRegistry registry, IntentStore store, IntentIds ids, Clock clock) {
    this.registry = registry;
    this.store = store;
    this.keys = new LifecycleStore(store);
    this.ids = ids;
    this.clock = clock;
  }

  /** Captures {@code amountMinor} (0: all) of an authorized intent. */
  public Mono<CommandResult> capture(String merchantId, String intentId, long amountMinor, String idempotencyKey,
      String requestHash, Duration wait) {
    return run(merchantId, intentId, "capture", "cap_", idempotencyKey, requestHash, wait,
        modificationId -> new IntentCommand.Capture(modificationId, amountMinor, clock.instant()));
  }

  /** Cancels an intent; an authorization is released at its provider first. */
  public Mono<CommandResult> cancel(String merchantId, String intentId, String reason, String idempotencyKey,
      String requestHash, Duration wait) {
    return run(merchantId, intentId, "cancel", "can_", idempotencyKey, requestHash, wait,
        modificationId -> new IntentCommand.Cancel(modificationId, reason, clock.instant()));
  }

  /** Refunds {@code amountMinor} (0: all that is left) of a paid intent. */
  public Mono<CommandResult> refund(String merchantId, String intentId, long amountMinor, String reason,
      Map<String, String> metadata, String idempotencyKey, String requestHash, Duration wait) {
    return run(merchantId, intentId, "refund", "re_", idempotencyKey, requestHash, wait,
        modificationId -> new IntentCommand.Refund(modificationId, amountMinor, reason, metadata, clock.instant()));
  }

  /**
   * Changes the merchant's details of an intent (metadata, description) through its process, like any other command,
   * so that the intent keeps its one writer. No key is reserved: the change is the same however often it is sent.
   * Answered with the intent as changed, or as the state refusing it.
   */
  public Mono<CommandResult> annotate(String merchantId, String intentId, IntentCommand.Annotate annotate) {
    if (!IntentIds.isWellFormed(intentId)) {
      return Mono.just(new CommandResult.NotFound());
    }
    return current(intentId)
        .filter(intent -> intent.merchantId().equals(merchantId))
        .flatMap(intent -> annotate(intentId, annotate, DELIVERY_TRIES))
        .defaultIfEmpty(new CommandResult.NotFound());
  }

  private Mono<CommandResult> annotate(String intentId, IntentCommand.Annotate annotate, int tries) {
    AtomicReference<IntentProcess> target = new AtomicReference<>();
    Mono<CommandReply> reply = Mono.deferContextual(context -> toOwner(intentId, target,
        process -> process.command(annotate, null, Correlation.of(context))));
    return reply.flatMap(answer -> switch (answer) {
      // Taken means written: the process replies once the event is persisted, so its snapshot has the change.
      case CommandReply.Taken taken -> Mono.justOrEmpty(target.get().snapshot())
          .switchIfEmpty(Mono.defer(() -> current(intentId)))
          .map(intent -> (CommandResult) new CommandResult.Done(intent, null, false));
      case CommandReply.Rejected rejected -> Mono.just(new CommandResult.Rejected(rejected.code(), rejected.message()));
      case CommandReply.Gone gone -> tries > 1
          ? Mono.delay(DELIVERY_PAUSE).then(annotate(intentId, annotate, tries - 1))
          : Mono.just(new CommandResult.Unavailable("intent_busy"));
    });
  }

  /**
   * Hands a verified provider notification to the intent's process, as {@code reconcileCommand}: a
   * {@link IntentCommand.Reconcile} for an unknown attempt, an {@link IntentCommand.ReconcileModification} for a
   * modification that is unknown or pending, or an {@link IntentCommand.ReconcileAuthorization} for the intent's open
   * capture or cancel. It goes through the live process, or one claimed for it, exactly as a merchant's command does,
   * so the intent keeps its one writer; nothing is written past it.
   */
  public Mono<NotifyResult> notify(String intentId, IntentCommand reconcileCommand) {
    if (!(reconcileCommand instanceof IntentCommand.Reconcile
        || reconcileCommand instanceof IntentCommand.ReconcileModification
        || reconcileCommand instanceof IntentCommand.ReconcileAuthorization)) {
      throw new IllegalArgumentException("a notification becomes a Reconcile, ReconcileModification or "
          + "ReconcileAuthorization");
    }
    if (!IntentIds.isWellFormed(intentId)) {
      return Mono.just(new NotifyResult.NotFound());
    }
    return current(intentId)
        .flatMap(intent -> notify(intentId, reconcileCommand, DELIVERY_TRIES))
        .defaultIfEmpty(new NotifyResult.NotFound());
  }

  private Mono<NotifyResult> notify(String intentId, IntentCommand command, int tries) {
    Mono<CommandReply> reply = toOwner(intentId, new AtomicReference<>(), process -> process.notify(command));
    return reply.flatMap(answer -> switch (answer) {
      case CommandReply.Taken taken -> Mono.just((NotifyResult) new NotifyResult.Applied());
      case CommandReply.Rejected rejected -> Mono.just(new NotifyResult.Ignored(rejected.code()));
      case CommandReply.Gone gone -> tries > 1
          ? Mono.delay(DELIVERY_PAUSE).then(notify(intentId, command, tries - 1))
          : Mono.just(new NotifyResult.Unavailable("intent_busy"));
    });
  }

  /** The merchant's refund with this id, if any. */
  public Mono<StoredRefund> findRefund(String merchantId, String refundId) {
    return IntentIds.isWellFormedRefund(refundId) ? keys.findRefund(merchantId, refundId) : Mono.empty();
  }

  /**
   * A page of the merchant's refunds, newest first: of one intent when {@code intentId} is set; after the refund
   * {@code startingAfter} when set.
   */
  public Mono<RefundPage> listRefunds(String merchantId, String intentId, int limit, String startingAfter) {
    return keys.listRefunds(merchantId, intentId, limit, startingAfter);
  }

  private Mono<CommandResult> run(String merchantId, String intentId, String operation, String prefix, String key,
      String requestHash, Duration wait, Function<String, IntentCommand> command) {
    if (!IntentIds.isWellFormed(intentId)) {
      return Mono.just(new CommandResult.NotFound());
    }
    Instant started = clock.instant();
    return current(intentId)
        .filter(intent -> intent.merchantId().equals(merchantId))
        .flatMap(intent -> keys.reserve(merchantId, key, operation, requestHash, intentId, ids.next(prefix),
            started))
        .flatMap(reservation -> reservation.requestHash().equals(requestHash)
            ? deliver(intentId, command.apply(reservation.modificationId()), reservation.modificationId(),
                reservation.replayed(), wait,
                Math.max(DELIVERY_TRIES, (int) (wait.toMillis() / DELIVERY_PAUSE.toMillis())))
            : Mono.just((CommandResult) new CommandResult.KeyReused()))
        .defaultIfEmpty(new CommandResult.NotFound());
  }

  /** The intent as its live process has it, else as stored. */
  private Mono<PaymentIntent> current(String intentId) {
    return registry.find(intentId)
        .map(process -> Mono.justOrEmpty(process.snapshot()))
        .orElseGet(Mono::empty)
        .switchIfEmpty(Mono.defer(() -> store.find(intentId).map(IntentStore.StoredIntent::intent)));
  }

  /**
   * Offers the command to the intent's live process, or to a process claimed for it; while the process is ending, or
   * the intent is between owners, tries again a little later.
   */
  private Mono<CommandResult> deliver(String intentId, IntentCommand command, String modificationId,
      boolean replayed, Duration wait, int tries) {
    AtomicReference<IntentProcess> target = new AtomicReference<>();
    // The merchant's request goes with the command: its id and trace reach the provider call it causes.
    Mono<CommandReply> reply = Mono.deferContextual(context -> toOwner(intentId, target,
        process -> process.command(command, modificationId, Correlation.of(context))));
    return reply.flatMap(answer -> switch (answer) {
      case CommandReply.Taken taken -> target.get().awaitModification(modificationId, wait)
          .map(intent -> (CommandResult) new CommandResult.Done(intent,
              intent.modification(modificationId).isPresent() ? modificationId : null, replayed));
      case CommandReply.Rejected rejected -> replayedCancel(intentId, command, replayed)
          .defaultIfEmpty(new CommandResult.Rejected(rejected.code(), rejected.message()));
      case CommandReply.Gone gone -> tries > 1
          ? Mono.delay(DELIVERY_PAUSE).then(deliver(intentId, command, modificationId, replayed, wait, tries - 1))
          : Mono.just(new CommandResult.Unavailable("intent_busy"));
    });
  }

  /**
   * Sends a message to the intent's live process, or to a process claimed for it (the message is its first);
   * {@code target} learns which. Gone when neither can take it now.
   */
  private Mono<CommandReply> toOwner(String intentId, AtomicReference<IntentProcess> target,
      Function<IntentProcess, Mono<CommandReply>> message) {
    return Mono.defer(() -> registry.find(intentId)
        .map(process -> {
          target.set(process);
          return message.apply(process);
        })
        .orElseGet(() -> {
          AtomicReference<Mono<CommandReply>> first = new AtomicReference<>();
          return registry.claimFor(intentId, process -> {
                target.set(process);
                first.set(message.apply(process.claimedFor()));
                return true;
              })
              .flatMap(process -> first.get())
              .defaultIfEmpty(new CommandReply.Gone());
        }));
  }

  /**
   * A retried cancel that needed no provider: the intent is canceled, which the refusal of a second cancel would
   * hide. Replayed as the first answer was.
   */
  private Mono<CommandResult> replayedCancel(String intentId, IntentCommand command, boolean replayed) {
    if (!replayed || !(command instanceof IntentCommand.Cancel)) {
      return Mono.empty();
    }
    return current(intentId)
        .filter(intent -> intent.status() == IntentStatus.CANCELED)
        .map(intent -> new CommandResult.Done(intent, null, true));
  }
}
