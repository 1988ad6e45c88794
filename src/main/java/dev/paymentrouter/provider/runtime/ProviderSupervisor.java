package dev.paymentrouter.provider.runtime;

import dev.paymentrouter.provider.connector.ProviderConnector;
import dev.paymentrouter.limits.Permits;
import dev.paymentrouter.provider.connector.ProviderConnectorFactory;
import dev.paymentrouter.provider.domain.ChargeStatus;
import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.ModificationRequest;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.provider.domain.ProviderRequest;
import dev.paymentrouter.provider.domain.RouterRefusal;
import dev.paymentrouter.provider.domain.StatusQuery;
import dev.paymentrouter.routing.domain.ProviderAvailability;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Supervises one provider. Owns, in start order, its gatekeeper, its connector and its worker pool; the pool
 * depends on the connector, so a crash restarts both (rest-for-one), while the gatekeeper's rate and breaker
 * state survive. Restarts back off exponentially; more than {@code maxRestarts} within the window marks the
 * provider down until a cool-down has passed. It only watches and restarts: calls go through its children.
 */
public final class ProviderSupervisor {

  private static final Logger log = LoggerFactory.getLogger(ProviderSupervisor.class);

  /** When a restart that is due has not happened yet: how soon it is expected. */
  private static final Duration SOON = Duration.ofMillis(100);

  /** The supervisor's own state, shown in health. */
  public enum State {
    STARTING,
    RUNNING,
    RESTARTING,
    DOWN,
    STOPPED
  }

  /** What health and metrics show of this provider. */
  public record HealthView(
      String provider,
      String type,
      State state,
      String circuitState,
      ProviderAvailability availability,
      long availableTokens,
      int inFlight,
      int queueDepth,
      int restartsInWindow,
      long totalRestarts,
      String lastCrash,
      String lastConfigurationError) {}

  private final ProviderSettings settings;
  private final ProviderConnectorFactory factory;
  private final Clock clock;
  private final Scheduler scheduler;
  private final ProviderGatekeeper gatekeeper;
  private final ProviderScoreboard scoreboard;
  private final ProviderCallListener listener;
  private final Outages outages;
  private final Deque<Instant> restarts = new ArrayDeque<>();
  private volatile State state = State.STARTING;
  private volatile Children children;
  private int generation;
  private long totalRestarts;
  private volatile String lastCrash;
  private Disposable scheduled = () -> {};
  private volatile Instant nextRetryAt;

  /** A supervisor that has not started its children yet. */
  public ProviderSupervisor(
      ProviderSettings settings,
      ProviderConnectorFactory factory,
      Clock clock,
      Scheduler scheduler,
      CircuitBreakerRegistry breakers,
      ProviderScoreboard scoreboard,
      ProviderCallListener listener) {
    this(settings, factory, clock, scheduler, breakers, scoreboard, listener, Permits.Source.local(clock));
  }

  /** A supervisor whose gatekeeper takes its permits from {@code permits} (the cluster's buckets, or its own). */
  public ProviderSupervisor(
      ProviderSettings settings,
      ProviderConnectorFactory factory,
      Clock clock,
      Scheduler scheduler,
      CircuitBreakerRegistry breakers,
      ProviderScoreboard scoreboard,
      ProviderCallListener listener,
      Permits.Source permits) {
    this.settings = settings;
    this.factory = factory;
    this.clock = clock;
    this.scheduler = scheduler;
    this.gatekeeper = new ProviderGatekeeper(settings.name(), settings.gatekeeper(), clock, breakers, permits);
    this.scoreboard = scoreboard;
    this.listener = listener;
    this.outages = new Outages(clock);
  }

  /** Starts the connector and the pool. A failing start counts as a crash. */
  public synchronized void start() {
    if (state == State.STARTING && startChildren()) {
      state = State.RUNNING;
    }
  }

  /** Stops for good: waiting calls are answered not sent, the connector is closed. */
  public synchronized void stop() {
    state = State.STOPPED;
    scheduled.dispose();
    stopChildren(children, RouterRefusal.PROVIDER_STOPPED, Duration.ZERO);
    children = null;
  }

  /** Sends one authorization through the gatekeeper and the pool. Never errors; never waits unboundedly. */
  public Mono<ProviderOutcome> submit(ProviderRequest request) {
    return submit(request, null);
  }

  /** As {@link #submit(ProviderRequest)}; not made once {@code sendBy} has passed (see the pool). */
  public Mono<ProviderOutcome> submit(ProviderRequest request, Instant sendBy) {
    Children current = children;
    State now = state;
    if (now != State.RUNNING || current == null) {
      return Mono.just(refused(new ProviderOutcome.RouterRefused(notRunning(now))));
    }
    return gatekeeper.admit().flatMap(admission -> switch (admission) {
      case ProviderGatekeeper.Admission.Refused refused ->
          Mono.just(refused(new ProviderOutcome.RouterRefused(refused.reason())));
      case ProviderGatekeeper.Admission.Admitted admitted -> current.pool().submit(request, sendBy)
          .doOnNext(outcome -> {
            if (outcome instanceof ProviderOutcome.RouterRefused poolRefused) {
              refused(poolRefused);
            }
          });
    });
  }

  private ProviderOutcome refused(ProviderOutcome.RouterRefused refused) {
    listener.refused(settings.name(), refused.refusal());
    return refused;
  }

  private ModificationOutcome refused(ModificationOutcome.RouterRefused refused) {
    listener.refused(settings.name(), refused.refusal());
    return refused;
  }

  /**
   * Asks the provider about a charge by our reference, within the call timeout. Status queries have a rate limit
   * of their own (the provider counts them too), so that polling never takes the tokens charges need, and they do
   * not need the breaker's permission: after an outage they are how the router learns what the outage did.
   */
  public Mono<ChargeStatus> status(StatusQuery query) {
    Children current = children;
    State now = state;
    if (now != State.RUNNING || current == null) {
      return Mono.just(new ChargeStatus.NotAsked(notRunning(now)));
    }
    return gatekeeper.admitStatusQuery().flatMap(admitted -> admitted
        ? current.connector().status(query)
            .timeout(settings.pool().callTimeout())
            .onErrorResume(TimeoutException.class, timeout -> Mono.just(new ChargeStatus.Unavailable("timeout")))
        : Mono.just(new ChargeStatus.NotAsked(RouterRefusal.RATE_LIMITED)));
  }

  /**
   * Sends one capture, cancel or refund through the same gatekeeper and pool as charges: it is a call to the same
   * provider API, so it takes a charge's token, needs the breaker's permission and waits in the charges' queue.
   * Never errors; never waits unboundedly.
   */
  public Mono<ModificationOutcome> modify(ModificationRequest request) {
    Children current = children;
    State now = state;
    if (now != State.RUNNING || current == null) {
      return Mono.just(refused(new ModificationOutcome.RouterRefused(notRunning(now))));
    }
    return gatekeeper.admit().flatMap(admission -> switch (admission) {
      case ProviderGatekeeper.Admission.Refused refused ->
          Mono.just(refused(new ModificationOutcome.RouterRefused(refused.reason())));
      case ProviderGatekeeper.Admission.Admitted admitted -> current.pool().submit(request)
          .doOnNext(outcome -> {
            if (outcome instanceof ModificationOutcome.RouterRefused poolRefused) {
              refused(poolRefused);
            }
          });
    });
  }

  /**
   * Asks the provider what became of a capture, cancel or refund first sent at {@code sentAt}, as {@link #status}
   * asks about a charge: from the status queries' bucket, without the breaker's permission, within the call timeout.
   * {@code RouterRefused} means the router did not ask; an error or a timeout leaves the outcome unknown.
   */
  public Mono<ModificationOutcome> modificationStatus(ModificationRequest request, Instant sentAt) {
    Children current = children;
    State now = state;
    if (now != State.RUNNING || current == null) {
      return Mono.just(new ModificationOutcome.RouterRefused(notRunning(now)));
    }
    return gatekeeper.admitStatusQuery().flatMap(admitted -> admitted
        ? modificationStatus(current, request, sentAt)
        : Mono.just(new ModificationOutcome.RouterRefused(RouterRefusal.RATE_LIMITED)));
  }

  private Mono<ModificationOutcome> modificationStatus(Children current, ModificationRequest request, Instant sentAt) {
    return Mono.defer(() -> current.connector().modificationStatus(request, sentAt))
        .timeout(settings.pool().callTimeout())
        .onErrorResume(TimeoutException.class, timeout -> Mono.just(new ModificationOutcome.Unknown("timeout")))
        .onErrorResume(error -> {
          // A broken lookup proves nothing about the modification; the connector's restart is the charges' business.
          log.warn("Provider {}: modification status query failed: {}", settings.name(), error.toString());
          return Mono.just(new ModificationOutcome.Unknown("status_query_failed"));
        })
        .defaultIfEmpty(new ModificationOutcome.Unknown("no_response"));
  }

  /** Whether this provider's connector type can charge a token of this form. */
  public boolean canUse(String token) {
    return factory.canUse(token);
  }

  /** The provider's name. */
  public String provider() {
    return settings.name();
  }

  /** Its settings. */
  public ProviderSettings settings() {
    return settings;
  }

  /** Its gatekeeper. */
  public ProviderGatekeeper gatekeeper() {
    return gatekeeper;
  }

  /** How long it has not been running its children (restarting or down) since it started. */
  public Duration downTime() {
    return outages.total();
  }

  /** Its state now. */
  public State state() {
    return state;
  }

  /**
   * The earliest moment from {@code now} this provider's own router side (supervisor, pool, gatekeeper) will take a
   * call, as far as it can tell; {@code now} when it would take one now. Restarting or down: when the supervisor
   * tries again. Its pool full: one queue timeout from now, the longest a queued call waits. Empty when no moment is
   * known (stopped).
   */
  public Optional<Instant> readyAt(Instant now) {
    Children current = children;
    return switch (state) {
      case RESTARTING, DOWN -> {
        Instant retry = nextRetryAt;
        // A retry that is due but has not run yet will run soon.
        yield Optional.of(retry != null && retry.isAfter(now) ? retry : now.plus(SOON));
      }
      case STARTING, STOPPED -> Optional.empty();
      // A probe answers within the call timeout (or is unknown then): the half-open circuit has decided by then.
      case RUNNING -> gatekeeper.readyAt(now, settings.pool().callTimeout()).map(ready -> {
        if (current != null && current.pool().isFull()) {
          Instant freed = now.plus(settings.pool().queueTimeout());
          return freed.isAfter(ready) ? freed : ready;
        }
        return ready;
      });
    };
  }

  /** Why the router sends nothing to this provider while its supervisor is in {@code state} (not running). */
  private static RouterRefusal notRunning(State state) {
    return switch (state) {
      case DOWN -> RouterRefusal.PROVIDER_DOWN;
      case STOPPED -> RouterRefusal.PROVIDER_STOPPED;
      case STARTING, RESTARTING, RUNNING -> RouterRefusal.PROVIDER_RESTARTING;
    };
  }

  /** How routing should see this provider now. */
  public ProviderAvailability availability() {
    return state == State.RUNNING ? gatekeeper.availability() : ProviderAvailability.UNAVAILABLE;
  }

  /** A consistent-enough view for health and metrics. */
  public synchronized HealthView health() {
    Children current = children;
    pruneRestarts(clock.instant());
    return new HealthView(
        settings.name(), settings.type(), state, gatekeeper.circuitState(), availability(),
        gatekeeper.availableTokens(),
        current == null ? 0 : current.pool().inFlight(), current == null ? 0 : current.pool().queueDepth(),
        restarts.size(), totalRestarts, lastCrash, gatekeeper.lastConfigurationError());
  }

  private boolean startChildren() {
    int childGeneration = ++generation;
    ProviderConnector connector;
    try {
      connector = factory.create(settings.connector());
    } catch (RuntimeException failure) {
      log.warn("Provider {}: connector failed to start: {}", settings.name(), failure.toString());
      handleFailure(failure);
      return false;
    }
    ProviderSettings.PoolSettings pool = settings.pool();
    ProviderWorkerPool workers = new ProviderWorkerPool(
        pool.concurrency(), pool.queueCapacity(), pool.callTimeout(), pool.queueTimeout(), connector,
        new Observer(childGeneration), scheduler, clock);
    children = new Children(childGeneration, connector, workers);
    return true;
  }

  private synchronized void childCrashed(int childGeneration, Throwable error) {
    if (childGeneration != generation || state != State.RUNNING) {
      return; // a late report from children that were already replaced
    }
    log.warn("Provider {}: connector crashed, restarting it: {}", settings.name(), error.toString());
    Children crashed = children;
    children = null;
    stopChildren(crashed, RouterRefusal.PROVIDER_RESTARTING, settings.pool().callTimeout());
    handleFailure(error);
  }

  private void handleFailure(Throwable error) {
    Instant now = clock.instant();
    outages.began();
    lastCrash = error.getClass().getSimpleName();
    totalRestarts++;
    restarts.addLast(now);
    pruneRestarts(now);
    ProviderSettings.RestartPolicy policy = settings.restart();
    if (restarts.size() > policy.maxRestarts()) {
      log.error("Provider {}: {} restarts within {}, marking it down for {}", settings.name(), restarts.size(),
          policy.window(), policy.downCooldown());
      state = State.DOWN;
      schedule(this::retry, policy.downCooldown());
    } else {
      state = State.RESTARTING;
      schedule(this::retry, policy.backoff(restarts.size()));
    }
  }

  private synchronized void retry() {
    if ((state == State.RESTARTING || state == State.DOWN) && startChildren()) {
      log.info("Provider {}: children restarted", settings.name());
      state = State.RUNNING;
      outages.ended();
    }
  }

  private void pruneRestarts(Instant now) {
    Instant horizon = now.minus(settings.restart().window());
    while (!restarts.isEmpty() && restarts.peekFirst().isBefore(horizon)) {
      restarts.pollFirst();
    }
  }

  private void schedule(Runnable task, Duration delay) {
    scheduled.dispose();
    nextRetryAt = clock.instant().plus(delay);
    scheduled = scheduler.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void stopChildren(Children old, RouterRefusal reason, Duration grace) {
    if (old == null) {
      return;
    }
    old.pool().close(reason);
    // Calls already running get the grace period to finish before their connections go.
    if (grace.isZero()) {
      old.connector().close();
    } else {
      scheduler.schedule(old.connector()::close, grace.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private record Children(int generation, ProviderConnector connector, ProviderWorkerPool pool) {}

  /**
   * Feeds the gatekeeper's breaker from every call, the scoreboard and the call listener from charges only (they
   * measure how charges fare, which routing and dashboards read), and reports crashes of one generation of children.
   */
  private final class Observer implements ProviderWorkerPool.CallObserver {
    private final int childGeneration;

    Observer(int childGeneration) {
      this.childGeneration = childGeneration;
    }

    @Override
    public void completed(ProviderOutcome outcome, Duration elapsed) {
      gatekeeper.record(outcome, elapsed);
      scoreboard.record(settings.name(), outcome);
      listener.completed(settings.name(), outcome, elapsed);
    }

    @Override
    public void modificationCompleted(ModificationOutcome outcome, Duration elapsed) {
      gatekeeper.record(outcome, elapsed);
    }

    @Override
    public void notMade() {
      gatekeeper.release();
    }

    @Override
    public void crashed(Throwable error) {
      childCrashed(childGeneration, error);
    }
  }
}
