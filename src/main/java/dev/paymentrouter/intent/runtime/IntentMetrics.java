package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.intent.domain.IntentEvent;
import dev.paymentrouter.intent.domain.IntentStatus;
import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.provider.domain.ChargeStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Counters of what intents do, for operators: stored, final states (how long they took, with how many attempts),
 * attempt results, failovers, reconciliations, how deep their mailboxes get, and waits for providers the router
 * itself held back (parks, wake-ups, how long the waits took, and parks refused because the node had too many parked
 * intents). Every meter is registered once up front: counting is on the path of every intent.
 */
public final class IntentMetrics {

  /** Bounds of the time-to-final histogram: an approval in milliseconds up to reconciliations that take minutes. */
  private static final Duration[] TIME_TO_FINAL_BUCKETS = {
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
      Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(30)};

  private final Counter stored;
  private final Counter succeeded;
  private final Counter failed;
  private final Counter requiresAction;
  private final Counter canceled;
  private final Counter authorized;
  private final Counter modificationsStarted;
  private final Counter modificationsSucceeded;
  private final Counter modificationsPending;
  private final Counter modificationsFailed;
  private final Counter modificationsUnknown;
  private final Counter failovers;
  private final Counter unresolved;
  private final Counter redriven;
  private final Counter approved;
  private final Counter declined;
  private final Counter notSent;
  private final Counter unknown;
  private final Counter notCharged;
  private final Counter actionRequired;
  private final Counter reconciledCharged;
  private final Counter reconciledDeclined;
  private final Counter reconciledNotFound;
  private final Counter reconciledUnavailable;
  private final Counter reconciledNotAsked;
  private final Counter reconciledActionRequired;
  private final Counter parks;
  private final Counter retries;
  private final Counter parkRefused;
  private final Timer waitedServed;
  private final Timer waitedFailed;
  private final Map<IntentStatus, Timer> timeToFinal = new EnumMap<>(IntentStatus.class);
  private final Map<IntentStatus, Counter> transitions = new EnumMap<>(IntentStatus.class);
  private final DistributionSummary attemptsPerIntent;
  private final DistributionSummary mailboxDepths;
  private final IntConsumer depths;

  public IntentMetrics(MeterRegistry registry) {
    this.stored = Counter.builder("payment_router.intents.stored")
        .description("intents stored (a created suffix would clash with OpenMetrics)").register(registry);
    this.succeeded = Counter.builder("payment_router.intents.final").tag("status", "succeeded").register(registry);
    this.failed = Counter.builder("payment_router.intents.final").tag("status", "failed").register(registry);
    this.requiresAction = Counter.builder("payment_router.intents.final").tag("status", "requires_action")
        .register(registry);
    this.canceled = Counter.builder("payment_router.intents.final").tag("status", "canceled").register(registry);
    this.authorized = Counter.builder("payment_router.intents.authorized")
        .description("intents authorized and held for a capture").register(registry);
    this.modificationsStarted = modifications(registry, "started");
    this.modificationsSucceeded = modifications(registry, "succeeded");
    this.modificationsPending = modifications(registry, "pending");
    this.modificationsFailed = modifications(registry, "failed");
    this.modificationsUnknown = modifications(registry, "unknown");
    this.failovers = Counter.builder("payment_router.attempts.failovers")
        .description("attempts started after an earlier attempt was proven not to have charged")
        .register(registry);
    this.unresolved = registry.counter("payment_router.intents.unresolved_marked");
    this.redriven = registry.counter("payment_router.intents.redriven");
    this.approved = attempts(registry, "approved");
    this.declined = attempts(registry, "declined");
    this.notSent = attempts(registry, "not_sent");
    this.unknown = attempts(registry, "unknown");
    this.notCharged = attempts(registry, "not_charged");
    this.actionRequired = attempts(registry, "action_required");
    this.reconciledCharged = reconciliations(registry, "charged");
    this.reconciledDeclined = reconciliations(registry, "declined");
    this.reconciledNotFound = reconciliations(registry, "not_found");
    this.reconciledUnavailable = reconciliations(registry, "unavailable");
    this.reconciledNotAsked = reconciliations(registry, "not_asked");
    this.reconciledActionRequired = reconciliations(registry, "action_required");
    this.parks = Counter.builder("payment_router.intents.parks")
        .description("times an intent parked to wait for a provider the router itself held back").register(registry);
    this.retries = Counter.builder("payment_router.intents.park_retries")
        .description("parked intents that woke up and started an attempt").register(registry);
    this.parkRefused = Counter.builder("payment_router.intents.park_refused")
        .description("intents that failed at once instead of parking: the node had its most parked intents")
        .register(registry);
    this.waitedServed = waits(registry, "served");
    this.waitedFailed = waits(registry, "failed");
    for (IntentStatus status : IntentStatus.values()) {
      transitions.put(status, Counter.builder("payment_router.intents.transitions").tag("status", status.wireName())
          .description("intents that changed to this status").register(registry));
      if (status.isFinal()) {
        timeToFinal.put(status, Timer.builder("payment_router.intents.time_to_final").tag("status", status.wireName())
            .description("from an intent's creation to its final status")
            .serviceLevelObjectives(TIME_TO_FINAL_BUCKETS).register(registry));
      }
    }
    this.attemptsPerIntent = DistributionSummary.builder("payment_router.intents.attempts")
        .description("provider attempts an intent made by the time it became final (more than 1: failovers)")
        .serviceLevelObjectives(1, 2, 3, 4, 5, 8).register(registry);
    this.mailboxDepths = DistributionSummary.builder("payment_router.intents.mailbox.depth")
        .description("messages in an intent process's mailbox when one more arrived, that one included")
        .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64).register(registry);
    this.depths = mailboxDepths::record;
  }

  /** Told the depth of an intent's mailbox as each message arrives; one for all processes. */
  IntConsumer depths() {
    return depths;
  }

  /** What a persisted transition from {@code before} to {@code after} through {@code events} counts. */
  void transitioned(PaymentIntent before, PaymentIntent after, List<IntentEvent> events, Instant now) {
    transitioned(events);
    if (before != null && before.status() != after.status()) {
      transitions.get(after.status()).increment();
    }
    if (after.status().isFinal() && (before == null || !before.status().isFinal())) {
      timeToFinal.get(after.status()).record(Duration.between(after.createdAt(), now));
      attemptsPerIntent.record(after.attempts().size());
    }
  }

  /** A wait for the router ended after {@code waited}: a provider answered, or the intent failed. */
  void parkEnded(Duration waited, boolean failed) {
    (failed ? waitedFailed : waitedServed).record(waited);
  }

  /** An intent could not park because this node had its most parked intents. */
  void parkRefused() {
    parkRefused.increment();
  }

  void created() {
    stored.increment();
    transitions.get(IntentStatus.PENDING).increment();
  }

  private void transitioned(List<IntentEvent> events) {
    for (IntentEvent event : events) {
      switch (event) {
        case IntentEvent.IntentSucceeded e -> succeeded.increment();
        case IntentEvent.IntentFailed e -> failed.increment();
        case IntentEvent.AttemptApproved e -> approved.increment();
        case IntentEvent.AttemptDeclined e -> declined.increment();
        case IntentEvent.AttemptNotSent e -> notSent.increment();
        case IntentEvent.AttemptRefused e -> notSent.increment();
        case IntentEvent.IntentParked e -> parks.increment();
        case IntentEvent.IntentRetried e -> retries.increment();
        case IntentEvent.AttemptUnknown e -> unknown.increment();
        case IntentEvent.AttemptNotCharged e -> notCharged.increment();
        case IntentEvent.IntentAuthorized e -> authorized.increment();
        case IntentEvent.IntentCanceled e -> canceled.increment();
        case IntentEvent.ModificationStarted e -> modificationsStarted.increment();
        case IntentEvent.ModificationSucceeded e -> modificationsSucceeded.increment();
        case IntentEvent.ModificationPending e -> modificationsPending.increment();
        case IntentEvent.ModificationFailed e -> modificationsFailed.increment();
        case IntentEvent.ModificationUnknown e -> modificationsUnknown.increment();
        case IntentEvent.AttemptActionRequired e -> {
          // The attempt's end and the intent's final status at once.
          actionRequired.increment();
          requiresAction.increment();
        }
        case IntentEvent.IntentUnresolved e -> unresolved.increment();
        case IntentEvent.IntentRedriven e -> redriven.increment();
        case IntentEvent.AttemptStarted e -> {
          if (e.attemptNumber() > 1) {
            failovers.increment();
          }
        }
        case IntentEvent.IntentCreated e -> { }
        case IntentEvent.IntentAnnotated e -> { }
      }
    }
  }

  void reconciled(ChargeStatus status) {
    switch (status) {
      case ChargeStatus.Charged charged -> reconciledCharged.increment();
      case ChargeStatus.Declined declined -> reconciledDeclined.increment();
      case ChargeStatus.NotFound notFound -> reconciledNotFound.increment();
      case ChargeStatus.Unavailable unavailable -> reconciledUnavailable.increment();
      case ChargeStatus.NotAsked notAsked -> reconciledNotAsked.increment();
      case ChargeStatus.ActionRequired actionRequired -> reconciledActionRequired.increment();
    }
  }

  private static Counter attempts(MeterRegistry registry, String result) {
    return Counter.builder("payment_router.attempts.ended").tag("result", result)
        .description("attempts by how they ended").register(registry);
  }

  private static Timer waits(MeterRegistry registry, String outcome) {
    return Timer.builder("payment_router.intents.park_wait").tag("outcome", outcome)
        .description("how long intents waited for providers the router held back, from the first park until a "
            + "provider answered (served) or the intent failed")
        .register(registry);
  }

  private static Counter modifications(MeterRegistry registry, String status) {
    return Counter.builder("payment_router.modifications").tag("status", status)
        .description("captures, cancels and refunds, by what became of them").register(registry);
  }

  private static Counter reconciliations(MeterRegistry registry, String result) {
    return Counter.builder("payment_router.reconciliations").tag("result", result)
        .description("status queries about unknown outcomes, by answer").register(registry);
  }
}
