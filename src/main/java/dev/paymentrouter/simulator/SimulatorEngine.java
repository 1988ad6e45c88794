package dev.paymentrouter.simulator;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * The provider behind every dialect: one behaviour snapshot per request, the rate-limit bucket, one in-flight claim
 * per idempotency key, the stored answers, the outcome draw, the ledger and the counters. It knows no wire format:
 * a front end admits a request, parses it, submits it and renders the {@link Decision}.
 */
final class SimulatorEngine {

  private static final Logger LOG = Loggers.getLogger(SimulatorEngine.class);

  /** Whether a request may go on to validation, or the refusal it gets before the provider looks at it. */
  sealed interface Admission {
    /** Past availability, authentication and the rate limit; carries the behaviour this request runs under. */
    record Admitted(SimulatorBehaviour behaviour) implements Admission {}

    /** Refused before processing: nothing is recorded or stored, a retry is processed afresh. */
    record Refused(Refusal refusal) implements Admission {}
  }

  /** Why a request was refused before processing. */
  enum Refusal { UNAVAILABLE, UNAUTHORIZED, RATE_LIMITED }

  /**
   * How a dialect keeps idempotent answers and names its charges.
   *
   * @param retention  how long an answer is replayed; null keeps it until {@link #reset()}
   * @param remembered the outcomes whose answer is stored and replayed; any other one leaves the key free
   */
  record Rules(Duration retention, Set<Outcome.Kind> remembered, String idPrefix, int idLength, String alphabet) {}

  /** What the front end has to answer. */
  sealed interface Decision {
    /**
     * An outcome to render, with its ledger entry when it recorded one.
     *
     * @param replayed true when the answer is the stored one of an earlier request under the same key
     */
    record Answer(Outcome outcome, SimulatorLedger.Entry entry, boolean replayed, Duration hangDuration)
        implements Decision {}

    /** The key holds the answer of a request with other parameters. */
    record KeyReused() implements Decision {}

    /** The first request under this key has not decided yet: answering now could charge twice. */
    record KeyInUse() implements Decision {}
  }

  /** A stored answer: the request that earned it, so that a replay with other parameters is refused. */
  private record Remembered(Object request, Outcome outcome, SimulatorLedger.Entry entry, Instant storedAt) {}

  private final String name;
  private final Clock clock;
  // Most RandomGenerator implementations are not thread-safe; every draw synchronises on it.
  private final RandomGenerator random;
  private final SimulatorLedger ledger = new SimulatorLedger();
  private final Counters counters = new Counters();
  // Idempotency keys whose first request is between validation and outcome.
  private final Map<String, Object> inFlight = new ConcurrentHashMap<>();
  private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();
  private final SimulatorModifications modifications = new SimulatorModifications(this);
  private final Object behaviourLock = new Object();

  private volatile SimulatorBehaviour behaviour;
  private volatile LedgerListener listener = LedgerListener.NONE;
  private volatile Bucket bucket;

  SimulatorEngine(String name, SimulatorBehaviour behaviour, Clock clock, RandomGenerator random) {
    this.name = name;
    this.clock = clock;
    this.random = random;
    this.behaviour = behaviour;
    this.bucket = newBucket(behaviour.rateLimitPerSecond());
  }

  /** Replaces the listener told of what the ledger records from now on. */
  void listen(LedgerListener value) {
    listener = value == null ? LedgerListener.NONE : value;
  }

  LedgerListener listener() {
    return listener;
  }

  SimulatorLedger ledger() {
    return ledger;
  }

  SimulatorBehaviour behaviour() {
    return behaviour;
  }

  SimulatorStats stats() {
    return counters.snapshot();
  }

  Clock clock() {
    return clock;
  }

  int inFlightCount() {
    return inFlight.size() + modifications.inFlightCount();
  }

  void countStatusQuery() {
    counters.statusQueries.increment();
  }

  /** Forgets charges, stored answers and counters: the next request under a known key is processed afresh. */
  void reset() {
    ledger.reset();
    remembered.clear();
    modifications.reset();
    counters.reset();
  }

  void update(SimulatorBehaviour next) {
    Objects.requireNonNull(next, "behaviour");
    synchronized (behaviourLock) {
      if (behaviour.rateLimitPerSecond() != next.rateLimitPerSecond()) {
        bucket = newBucket(next.rateLimitPerSecond());
      }
      behaviour = next;
    }
  }

  /** Runs {@code change} on the current behaviour and installs its result, atomically against other changes. */
  SimulatorBehaviour change(UnaryOperator<SimulatorBehaviour> change) {
    synchronized (behaviourLock) {
      SimulatorBehaviour next = change.apply(behaviour);
      update(next);
      return next;
    }
  }

  /**
   * Counts a charge request and takes its behaviour snapshot (so a concurrent {@code PUT /_sim/config} cannot mix
   * two behaviours), then checks availability, authentication and the rate limit, in that order.
   */
  Admission admit(boolean authorized) {
    counters.requests.increment();
    SimulatorBehaviour current = behaviour;
    if (!current.available()) {
      counters.unavailable.increment();
      return new Admission.Refused(Refusal.UNAVAILABLE);
    }
    if (!authorized) {
      return new Admission.Refused(Refusal.UNAUTHORIZED);
    }
    Bucket limit = bucket;
    if (limit != null && !limit.tryConsume(1)) {
      counters.rateLimited.increment();
      return new Admission.Refused(Refusal.RATE_LIMITED);
    }
    return new Admission.Admitted(current);
  }

  /**
   * Replays the stored answer of the key, or claims the key and decides after the latency. Once claimed, the
   * decision runs to completion even if the client goes away, as a real provider would: a router that timed out
   * may still have charged.
   */
  Mono<Decision> submit(Admission.Admitted admitted, ChargeAttempt attempt, Rules rules) {
    String key = attempt.idempotencyKey();
    if (key == null) {
      return process(admitted.behaviour(), attempt, rules, null);
    }
    Optional<Decision> known = recall(key, attempt, rules);
    if (known.isPresent()) {
      return Mono.just(known.get());
    }
    Object claim = new Object();
    if (inFlight.putIfAbsent(key, claim) != null) {
      return Mono.just(new Decision.KeyInUse());
    }
    // The first request may have stored its answer and released its claim between the look-up and the claim.
    known = recall(key, attempt, rules);
    if (known.isPresent()) {
      inFlight.remove(key, claim);
      return Mono.just(known.get());
    }
    return process(admitted.behaviour(), attempt, rules, claim);
  }

  /** A capture, cancel or refund, admitted like a charge: see {@link SimulatorModifications#submit}. */
  Mono<SimulatorModifications.Decision> modify(Admission.Admitted admitted,
      SimulatorModifications.Attempt attempt, SimulatorModifications.Terms terms) {
    return modifications.submit(admitted.behaviour(), attempt, terms);
  }

  private Optional<Decision> recall(String key, ChargeAttempt attempt, Rules rules) {
    Remembered stored = remembered.get(key);
    if (stored == null) {
      return Optional.empty();
    }
    if (rules.retention() != null && !clock.instant().isBefore(stored.storedAt().plus(rules.retention()))) {
      // Pruned like a provider prunes old keys: the key is free for a new request.
      remembered.remove(key, stored);
      return Optional.empty();
    }
    if (!stored.request().equals(attempt.request())) {
      return Optional.of(new Decision.KeyReused());
    }
    counters.replays.increment();
    return Optional.of(new Decision.Answer(stored.outcome().asReplayed(), stored.entry(), true, Duration.ZERO));
  }

  private Mono<Decision> process(SimulatorBehaviour current, ChargeAttempt attempt, Rules rules, Object claim) {
    Duration delay = latency(current);
    if (attempt.token().equals(Outcome.SLOW_TOKEN)) {
      delay = delay.plus(current.slowTokenDelay());
    }
    Mono<Decision> decision = (delay.isZero() ? Mono.just(0L) : Mono.delay(delay))
        .map(ignored -> decide(current, attempt, rules, claim))
        .doFinally(signal -> release(attempt.idempotencyKey(), claim))
        .cache();
    // Detached from the connection: whether or not the server cancels the handler of a client that gave up, the
    // provider still decides, as a real one would.
    decision.subscribe(ignored -> { }, error -> LOG.error("Provider simulator " + name
        + " failed to decide a charge", error));
    return decision;
  }

  private Decision decide(SimulatorBehaviour current, ChargeAttempt attempt, Rules rules, Object claim) {
    try {
      Outcome outcome = Outcome.MAGIC_TOKENS.get(attempt.token());
      if (outcome == null) {
        outcome = draw(current);
      }
      String status = outcome.ledgerStatus();
      if (attempt.manualCapture() && SimulatorCharge.APPROVED.equals(status)) {
        status = SimulatorCharge.AUTHORIZED;
      }
      SimulatorLedger.Entry entry = status == null ? null : record(attempt, rules, status, outcome);
      count(outcome);
      String key = attempt.idempotencyKey();
      if (key != null && rules.remembered().contains(outcome.kind())) {
        remembered.put(key, new Remembered(attempt.request(), outcome, entry, clock.instant()));
      }
      return new Decision.Answer(outcome, entry, false, current.hangDuration());
    } finally {
      // Released before the answer is written, so an immediate retry sees the stored answer or none.
      release(attempt.idempotencyKey(), claim);
    }
  }

  /** Counts a fault outcome, of a charge or of a modification. */
  void count(Outcome outcome) {
    switch (outcome.kind()) {
      case UNAVAILABLE -> counters.unavailable.increment();
      case ERROR -> counters.errors.increment();
      case RATE_LIMITED -> counters.rateLimited.increment();
      case HANG -> counters.hangs.increment();
      case LOST_RESPONSE -> counters.lostResponses.increment();
      case APPROVE, DECLINE, ACTION_REQUIRED, PENDING -> { }
    }
  }

  void countReplay() {
    counters.replays.increment();
  }

  private void release(String key, Object claim) {
    if (key != null && claim != null) {
      inFlight.remove(key, claim);
    }
  }

  private SimulatorLedger.Entry record(ChargeAttempt attempt, Rules rules, String status, Outcome outcome) {
    String declineCode = outcome.kind() == Outcome.Kind.DECLINE ? outcome.code() : null;
    SimulatorCharge charge = new SimulatorCharge(newId(rules), attempt.idempotencyKey() == null
        ? "" : attempt.idempotencyKey(), attempt.reference(), attempt.amount(),
        attempt.currency().toUpperCase(Locale.ROOT), status, declineCode, clock.instant());
    if (charge.approved()) {
      counters.approved.increment();
    } else if (SimulatorCharge.DECLINED.equals(status)) {
      counters.declined.increment();
    }
    SimulatorLedger.Entry entry = ledger.record(charge, attempt.request());
    listener.charged(entry);
    return entry;
  }

  private Outcome draw(SimulatorBehaviour current) {
    Outcome fault = drawFault(current);
    if (fault != null) {
      return fault;
    }
    if (chance(current.declineRate())) {
      return Outcome.declined("card_declined");
    }
    return Outcome.APPROVED;
  }

  /**
   * The injected fault of a request, drawn in the documented order, or null for none. Modifications draw only this:
   * an issuer decline is a charge's risk, not a capture's or a refund's.
   */
  Outcome drawFault(SimulatorBehaviour current) {
    if (chance(current.unavailableRate())) {
      return Outcome.of(Outcome.Kind.UNAVAILABLE);
    }
    if (chance(current.errorRate())) {
      return Outcome.of(Outcome.Kind.ERROR);
    }
    if (chance(current.hangRate())) {
      return Outcome.of(Outcome.Kind.HANG);
    }
    if (chance(current.lostResponseRate())) {
      return Outcome.of(Outcome.Kind.LOST_RESPONSE);
    }
    return null;
  }

  Duration latency(SimulatorBehaviour current) {
    long jitter = current.latencyJitterMs() == 0 ? 0 : nextLong(current.latencyJitterMs() + 1);
    return Duration.ofMillis(current.latencyMs() + jitter);
  }

  private boolean chance(double rate) {
    if (rate <= 0.0) {
      return false;
    }
    synchronized (random) {
      return random.nextDouble() < rate;
    }
  }

  private long nextLong(long bound) {
    synchronized (random) {
      return random.nextLong(bound);
    }
  }

  private String newId(Rules rules) {
    return newId(rules.idPrefix(), rules.idLength(), rules.alphabet());
  }

  String newId(String prefix, int length, String alphabet) {
    char[] id = new char[length];
    synchronized (random) {
      for (int i = 0; i < id.length; i++) {
        id[i] = alphabet.charAt(random.nextInt(alphabet.length()));
      }
    }
    return prefix + new String(id);
  }

  private Bucket newBucket(int perSecond) {
    if (perSecond == 0) {
      return null;
    }
    return Bucket.builder()
        .addLimit(limit -> limit.capacity(perSecond).refillGreedy(perSecond, Duration.ofSeconds(1)))
        // Refill follows the injected clock, so a fixed clock in a test makes the limit exact.
        .withCustomTimePrecision(new ClockTimeMeter(clock))
        .build();
  }

  private record ClockTimeMeter(Clock clock) implements TimeMeter {
    @Override
    public long currentTimeNanos() {
      Instant now = clock.instant();
      return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    @Override
    public boolean isWallClockBased() {
      return true;
    }
  }

  /** Lock-free counters behind {@link SimulatorStats}. */
  private static final class Counters {
    final LongAdder requests = new LongAdder();
    final LongAdder approved = new LongAdder();
    final LongAdder declined = new LongAdder();
    final LongAdder rateLimited = new LongAdder();
    final LongAdder unavailable = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder hangs = new LongAdder();
    final LongAdder lostResponses = new LongAdder();
    final LongAdder replays = new LongAdder();
    final LongAdder statusQueries = new LongAdder();

    SimulatorStats snapshot() {
      return new SimulatorStats(requests.sum(), approved.sum(), declined.sum(), rateLimited.sum(),
          unavailable.sum(), errors.sum(), hangs.sum(), lostResponses.sum(), replays.sum(), statusQueries.sum());
    }

    void reset() {
      for (LongAdder adder : List.of(requests, approved, declined, rateLimited, unavailable, errors, hangs,
          lostResponses, replays, statusQueries)) {
        adder.reset();
      }
    }
  }
}
