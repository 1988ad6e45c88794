package dev.paymentrouter.simulator;

import dev.paymentrouter.simulator.SimulatorModification.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * The engine's desk for captures, cancels and refunds: the same idempotency as for charges (one in-flight claim per
 * key, stored answers, same key with another body refused), the same injected faults (latency, unavailable, error,
 * hang, lost response; the rate limit is checked at admission), and the money rules applied by the ledger in one
 * step. It knows no wire format: a dialect parses, submits and renders the {@link Decision}.
 */
final class SimulatorModifications {

  private static final Logger LOG = Loggers.getLogger(SimulatorModifications.class);

  /**
   * A validated modification in no dialect's words.
   *
   * @param idempotencyKey the header as received, null when the dialect allows none (nothing is then stored)
   * @param chargeId       the id of the charge to change, as the dialect names it
   * @param amount         the amount asked for; null for "all of it" (a capture of the whole authorization, a refund
   *                       of what is left) and ignored for a cancel, which releases the whole authorization
   * @param reference      the router's reference for the modification; empty when the request carries none
   * @param reason         why, as the request gave it, or null
   * @param request        the dialect's parsed request: its equality is what "same parameters" means for a replay
   */
  record Attempt(String idempotencyKey, String chargeId, Kind kind, Long amount, String reference, String reason,
      Object request) {
    Attempt {
      Objects.requireNonNull(chargeId, "chargeId");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(reference, "reference");
      Objects.requireNonNull(request, "request");
    }
  }

  /**
   * How a dialect keeps modification answers and names modifications.
   *
   * @param retention      how long an answer is replayed; null keeps it until the engine is reset
   * @param remembered     the outcomes whose answer is stored and replayed; any other one leaves the key free
   * @param idPrefixes     the id prefix of each kind
   * @param recordsRefusal whether a refused modification is recorded in the ledger (a provider that answers every
   *                       modification "received" and tells the result later keeps a record of the refusal)
   */
  record Terms(Duration retention, Set<Outcome.Kind> remembered, Map<Kind, String> idPrefixes, int idLength,
      String alphabet, boolean recordsRefusal) {}

  /** What the dialect has to answer. */
  sealed interface Decision {
    /**
     * An outcome to render. {@code application} is what the ledger did (null for a fault that stopped the
     * modification before it was processed: unavailable, error, hang).
     */
    record Answer(Outcome outcome, SimulatorLedger.Application application, boolean replayed, Duration hangDuration)
        implements Decision {}

    /** The key holds the answer of a request with other parameters. */
    record KeyReused() implements Decision {}

    /** The first request under this key has not decided yet: answering now could move money twice. */
    record KeyInUse() implements Decision {}
  }

  private record Remembered(Object request, Outcome outcome, SimulatorLedger.Application application,
      Instant storedAt) {}

  private final SimulatorEngine engine;
  private final Map<String, Object> inFlight = new ConcurrentHashMap<>();
  private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();

  SimulatorModifications(SimulatorEngine engine) {
    this.engine = engine;
  }

  int inFlightCount() {
    return inFlight.size();
  }

  void reset() {
    remembered.clear();
  }

  /**
   * Replays the stored answer of the key, or claims the key and decides after the latency. Once claimed the
   * decision runs to completion even if the client goes away: a router that timed out may still have moved money.
   */
  Mono<Decision> submit(SimulatorBehaviour behaviour, Attempt attempt, Terms terms) {
    String key = attempt.idempotencyKey();
    if (key == null) {
      return process(behaviour, attempt, terms, null);
    }
    Optional<Decision> known = recall(key, attempt, terms);
    if (known.isPresent()) {
      return Mono.just(known.get());
    }
    Object claim = new Object();
    if (inFlight.putIfAbsent(key, claim) != null) {
      return Mono.just(new Decision.KeyInUse());
    }
    // The first request may have stored its answer and released its claim between the look-up and the claim.
    known = recall(key, attempt, terms);
    if (known.isPresent()) {
      inFlight.remove(key, claim);
      return Mono.just(known.get());
    }
    return process(behaviour, attempt, terms, claim);
  }

  private Optional<Decision> recall(String key, Attempt attempt, Terms terms) {
    Remembered stored = remembered.get(key);
    if (stored == null) {
      return Optional.empty();
    }
    if (terms.retention() != null
        && !engine.clock().instant().isBefore(stored.storedAt().plus(terms.retention()))) {
      remembered.remove(key, stored);
      return Optional.empty();
    }
    if (!stored.request().equals(attempt.request())) {
      return Optional.of(new Decision.KeyReused());
    }
    engine.countReplay();
    return Optional.of(new Decision.Answer(stored.outcome().asReplayed(), stored.application(), true,
        Duration.ZERO));
  }

  private Mono<Decision> process(SimulatorBehaviour behaviour, Attempt attempt, Terms terms, Object claim) {
    Duration delay = engine.latency(behaviour);
    Mono<Decision> decision = (delay.isZero() ? Mono.just(0L) : Mono.delay(delay))
        .map(ignored -> decide(behaviour, attempt, terms, claim))
        .doFinally(signal -> release(attempt.idempotencyKey(), claim))
        .cache();
    // Detached from the connection, as for charges: the provider decides whether or not the client waits.
    decision.subscribe(ignored -> { }, error -> LOG.error("Provider simulator failed to decide a "
        + attempt.kind().wireName(), error));
    return decision;
  }

  private Decision decide(SimulatorBehaviour behaviour, Attempt attempt, Terms terms, Object claim) {
    try {
      Outcome fault = engine.drawFault(behaviour);
      Outcome outcome = fault == null ? Outcome.APPROVED : fault;
      engine.count(outcome);
      // Only a modification that got as far as processing is applied: unavailable, error and hang stop before.
      SimulatorLedger.Application application = switch (outcome.kind()) {
        case APPROVE, LOST_RESPONSE -> apply(attempt, terms);
        case UNAVAILABLE, ERROR, HANG, RATE_LIMITED, DECLINE, ACTION_REQUIRED, PENDING -> null;
      };
      if (application != null && application.entry() != null) {
        engine.listener().modified(application.entry());
      }
      String key = attempt.idempotencyKey();
      if (key != null && terms.remembered().contains(outcome.kind())) {
        remembered.put(key, new Remembered(attempt.request(), outcome, application, engine.clock().instant()));
      }
      return new Decision.Answer(outcome, application, false, behaviour.hangDuration());
    } finally {
      // Released before the answer is written, so an immediate retry sees the stored answer or none.
      release(attempt.idempotencyKey(), claim);
    }
  }

  private SimulatorLedger.Application apply(Attempt attempt, Terms terms) {
    String key = attempt.idempotencyKey() == null ? "" : attempt.idempotencyKey();
    String id = engine.newId(terms.idPrefixes().get(attempt.kind()), terms.idLength(), terms.alphabet());
    Instant now = engine.clock().instant();
    return engine.ledger().apply(attempt.chargeId(), attempt.kind(), attempt.amount(), terms.recordsRefusal(),
        attempt.request(), (charge, amount, status, code) -> new SimulatorModification(id, charge.id(), key,
            attempt.reference(), attempt.kind(), amount, charge.currency(), status, code, attempt.reason(), now));
  }

  private void release(String key, Object claim) {
    if (key != null && claim != null) {
      inFlight.remove(key, claim);
    }
  }
}
