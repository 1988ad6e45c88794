package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.intent.domain.Decision;
import dev.paymentrouter.intent.domain.IntentCommand;
import dev.paymentrouter.intent.domain.IntentEvent;
import dev.paymentrouter.intent.domain.IntentTransitions;
import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.intent.domain.RouteOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * One intent process's side of parking: the node's parking place it may hold (taken from the registry, given back
 * exactly once, from any thread) and the timer that wakes the process when its wait is over. The decision to park
 * stays in the domain; this only keeps the place and the time.
 */
final class IntentParking {

  /**
   * The shortest wait of a parked intent, also when a provider looks ready at once (a half-open circuit whose probes
   * are taken says nothing about when they end): a refused intent never spins.
   */
  static final Duration MIN_PARK = Duration.ofMillis(100);

  private final IntentRegistry registry;
  private final AtomicBoolean place = new AtomicBoolean();
  private Instant until;
  private volatile Disposable wakeUp = () -> { };

  IntentParking(IntentRegistry registry) {
    this.registry = registry;
  }

  /** Whether this process holds one of the node's parking places. */
  boolean holdsPlace() {
    return place.get();
  }

  /** Takes a parking place if the node has one left; false when it has not. */
  boolean takePlace() {
    if (registry.tryPark()) {
      place.set(true);
      return true;
    }
    return false;
  }

  /** Gives the place back, if this process holds one; safe to call more than once. */
  void leavePlace() {
    if (place.compareAndSet(true, false)) {
      registry.unpark();
    }
  }

  /** Remembers until when the intent parked by these events, or that it did not park. */
  void parkedBy(List<IntentEvent> events) {
    until = until(events).orElse(null);
  }

  /** Until when these events park the intent, if they do (the last park wins). */
  static Optional<Instant> until(List<IntentEvent> events) {
    return events.stream()
        .filter(IntentEvent.IntentParked.class::isInstance)
        .map(event -> ((IntentEvent.IntentParked) event).until())
        .reduce((first, second) -> second);
  }

  /** Runs {@code wake} once the park is over (at least {@link #MIN_PARK} from {@code now}); replaces any timer. */
  void wakeWhenDue(Instant now, Runnable wake) {
    Duration delay = until == null ? MIN_PARK : Duration.between(now, until);
    if (delay.compareTo(MIN_PARK) < 0) {
      delay = MIN_PARK;
    }
    wakeUp.dispose();
    wakeUp = Mono.delay(delay).subscribe(tick -> wake.run());
  }

  /** Stops the timer, if one is set. */
  void cancelWake() {
    wakeUp.dispose();
  }

  /**
   * Decides a command that may park the intent, with routing as it is now. Waiting is allowed while this node has
   * a parking place for the intent (it keeps the one it holds); when the decision parks and no place can be taken
   * (or the process is ending), it is decided again without waiting, so the intent fails at once as it would
   * without parking.
   */
  Decision decide(PaymentIntent state, Function<RouteOptions, IntentCommand> command, Instant now,
      IntentRuntime runtime, boolean ending) {
    Duration maxPark = runtime.maxPark();
    Decision decision = IntentTransitions.decide(state, command.apply(runtime.routing().route(state, now, maxPark)));
    if (!maxPark.isZero() && !holdsPlace() && parks(decision)) {
      if (ending || !takePlace()) {
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
}
