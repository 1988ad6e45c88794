package dev.paymentrouter.provider.runtime;

import dev.paymentrouter.limits.Permits;
import dev.paymentrouter.provider.connector.ProviderConnectorFactory;
import dev.paymentrouter.provider.domain.ChargeStatus;
import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.ModificationRequest;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.provider.domain.ProviderRequest;
import dev.paymentrouter.provider.domain.RouterRefusal;
import dev.paymentrouter.provider.domain.StatusQuery;
import dev.paymentrouter.routing.domain.HealthSnapshot;
import dev.paymentrouter.routing.domain.ProviderAvailability;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The node's provider supervisors by name, fixed at start-up, and the thin dispatcher in front of them. Holds no
 * lock and no queue of its own: every call goes straight to its provider's supervisor, so one provider's
 * trouble never queues another's calls.
 */
public final class ProviderDirectory {

  private final Map<String, ProviderSupervisor> supervisors;
  private final ProviderScoreboard scoreboard;
  // Replaced whole on every change (operators drain rarely), so routing reads it without a lock or a copy.
  private volatile Set<String> drained = Set.of();
  private final ProviderCallTracing tracing;

  /** Supervisors for every provider, success rates over the last 100 calls from 20 calls on; none is started yet. */
  public ProviderDirectory(
      List<ProviderSettings> providers,
      Collection<ProviderConnectorFactory> factories,
      Clock clock,
      Scheduler scheduler,
      CircuitBreakerRegistry breakers) {
    this(providers, factories, clock, scheduler, breakers, new ProviderScoreboard(100, 20));
  }

  /** Supervisors for every provider, feeding this scoreboard; none is started yet. */
  public ProviderDirectory(
      List<ProviderSettings> providers,
      Collection<ProviderConnectorFactory> factories,
      Clock clock,
      Scheduler scheduler,
      CircuitBreakerRegistry breakers,
      ProviderScoreboard scoreboard) {
    this(providers, factories, clock, scheduler, breakers, scoreboard, ProviderCallListener.NONE);
  }

  /** Supervisors for every provider, feeding this scoreboard and this listener; none is started yet. */
  public ProviderDirectory(
      List<ProviderSettings> providers,
      Collection<ProviderConnectorFactory> factories,
      Clock clock,
      Scheduler scheduler,
      CircuitBreakerRegistry breakers,
      ProviderScoreboard scoreboard,
      ProviderCallListener listener) {
    this(providers, factories, clock, scheduler, breakers, scoreboard, listener, Permits.Source.local(clock),
        ProviderCallTracing.NONE);
  }

  /**
   * Supervisors whose gatekeepers take permits from {@code permits} (the cluster's buckets), with every provider call
   * traced by {@code tracing}; none is started yet.
   */
  public ProviderDirectory(
      List<ProviderSettings> providers,
      Collection<ProviderConnectorFactory> factories,
      Clock clock,
      Scheduler scheduler,
      CircuitBreakerRegistry breakers,
      ProviderScoreboard scoreboard,
      ProviderCallListener listener,
      Permits.Source permits,
      ProviderCallTracing tracing) {
    Map<String, ProviderConnectorFactory> byType = factories.stream()
        .collect(Collectors.toMap(ProviderConnectorFactory::type, Function.identity()));
    Map<String, ProviderSupervisor> built = new LinkedHashMap<>();
    for (ProviderSettings settings : providers) {
      ProviderConnectorFactory factory = byType.get(settings.type());
      if (factory == null) {
        throw new IllegalStateException("provider '" + settings.name() + "' has unknown type '" + settings.type()
            + "'; known types: " + byType.keySet());
      }
      built.put(settings.name(), new ProviderSupervisor(settings, factory, clock, scheduler, breakers, scoreboard,
          listener, permits));
    }
    this.supervisors = java.util.Collections.unmodifiableMap(built);
    this.scoreboard = scoreboard;
    this.tracing = tracing;
  }

  /** Starts every supervisor (one-for-one: each on its own). */
  public void start() {
    supervisors.values().forEach(ProviderSupervisor::start);
  }

  /** Stops every supervisor. */
  public void stop() {
    supervisors.values().forEach(ProviderSupervisor::stop);
  }

  /** Provider names in configured order. */
  public List<String> names() {
    return List.copyOf(supervisors.keySet());
  }

  /** Supervisors in configured order. */
  public Collection<ProviderSupervisor> all() {
    return supervisors.values();
  }

  /** The supervisor of one provider. */
  public Optional<ProviderSupervisor> find(String provider) {
    return Optional.ofNullable(supervisors.get(provider));
  }

  /**
   * Whether this provider's connector type can charge this token (its form: a Stripe PaymentMethod id, an Adyen
   * stored method with its shopper); false for a provider that is not configured.
   */
  public boolean canUse(String provider, String token) {
    ProviderSupervisor supervisor = supervisors.get(provider);
    return supervisor != null && supervisor.canUse(token);
  }

  /**
   * Takes a provider out of routing ({@code true}) or puts it back. A drained provider gets no new attempt: routing
   * sees it unavailable, as with an open circuit. Everything about charges it already holds still goes to it
   * (status queries, captures, cancels, refunds): a charge's follow-ups must reach the provider that holds it.
   * False for a provider that is not configured.
   */
  public synchronized boolean drain(String provider, boolean drain) {
    if (!supervisors.containsKey(provider)) {
      return false;
    }
    Set<String> next = new HashSet<>(drained);
    if (drain ? next.add(provider) : next.remove(provider)) {
      drained = Set.copyOf(next);
    }
    return true;
  }

  /** Whether an operator took this provider out of routing. */
  public boolean drained(String provider) {
    return drained.contains(provider);
  }

  /** Availability and recent success rates of every provider now, for routing; a drained one is unavailable. */
  public HealthSnapshot snapshot() {
    Map<String, ProviderAvailability> availability = new LinkedHashMap<>();
    Set<String> out = drained;
    supervisors.forEach((name, supervisor) -> availability.put(name,
        out.contains(name) ? ProviderAvailability.UNAVAILABLE : supervisor.availability()));
    return new HealthSnapshot(availability, scoreboard.successRates());
  }

  /**
   * The earliest moment from {@code now} the router will itself let a call go to this provider (see
   * {@link ProviderSupervisor#readyAt}); empty when no moment is known, the provider is drained (nobody knows when
   * an operator puts it back, so no intent waits for it) or it is not configured.
   */
  public Optional<Instant> readyAt(String provider, Instant now) {
    ProviderSupervisor supervisor = supervisors.get(provider);
    return supervisor == null || drained.contains(provider) ? Optional.empty() : supervisor.readyAt(now);
  }

  /**
   * When a status query to {@code provider} that its status rate turned away at {@code now} may be asked again (see
   * {@link ProviderGatekeeper#statusQueryTurn}); empty for a provider not configured.
   */
  public Optional<Instant> statusQueryTurn(String provider, Instant now) {
    ProviderSupervisor supervisor = supervisors.get(provider);
    return supervisor == null ? Optional.empty() : Optional.of(supervisor.gatekeeper().statusQueryTurn(now));
  }

  /** Sends a request to its provider's supervisor. */
  public Mono<ProviderOutcome> dispatch(ProviderRequest request) {
    return dispatch(request, null);
  }

  /** As {@link #dispatch(ProviderRequest)}; the call is not made once {@code sendBy} has passed. */
  public Mono<ProviderOutcome> dispatch(ProviderRequest request, Instant sendBy) {
    ProviderSupervisor supervisor = supervisors.get(request.provider());
    return supervisor == null
        ? Mono.just(new ProviderOutcome.RouterRefused(RouterRefusal.UNKNOWN_PROVIDER))
        : tracing.trace(request.provider(), "authorize", request.intentId(), supervisor.submit(request, sendBy),
            ProviderDirectory::outcomeName);
  }

  /** Asks a provider about a charge whose outcome is unknown. */
  public Mono<ChargeStatus> status(String provider, StatusQuery query) {
    ProviderSupervisor supervisor = supervisors.get(provider);
    return supervisor == null
        ? Mono.just(new ChargeStatus.NotAsked(RouterRefusal.UNKNOWN_PROVIDER))
        : tracing.trace(provider, "status", query.charge() == null ? null : query.charge().intentId(),
            supervisor.status(query), ProviderDirectory::outcomeName);
  }

  /** Sends a capture, cancel or refund to the supervisor of the provider that holds the payment (never another). */
  public Mono<ModificationOutcome> modify(ModificationRequest request) {
    ProviderSupervisor supervisor = supervisors.get(request.provider());
    return supervisor == null
        ? Mono.just(new ModificationOutcome.RouterRefused(RouterRefusal.UNKNOWN_PROVIDER))
        : tracing.trace(request.provider(), request.kind().name().toLowerCase(Locale.ROOT), request.intentId(),
            supervisor.modify(request), ProviderDirectory::outcomeName);
  }

  /** Asks the provider that holds the payment what became of a capture, cancel or refund sent at {@code sentAt}. */
  public Mono<ModificationOutcome> modificationStatus(ModificationRequest request, Instant sentAt) {
    ProviderSupervisor supervisor = supervisors.get(request.provider());
    return supervisor == null
        ? Mono.just(new ModificationOutcome.RouterRefused(RouterRefusal.UNKNOWN_PROVIDER))
        : tracing.trace(request.provider(), "modification_status", request.intentId(),
            supervisor.modificationStatus(request, sentAt), ProviderDirectory::outcomeName);
  }

  /**
   * How long an authorization this provider made stays capturable (its {@code authorization-validity}); the default
   * of 7 days for a provider that is not configured.
   */
  public Duration authorizationValidity(String provider) {
    ProviderSupervisor supervisor = supervisors.get(provider);
    return supervisor == null
        ? ProviderSettings.DEFAULT_AUTHORIZATION_VALIDITY
        : supervisor.settings().authorizationValidity();
  }

  /** An outcome's kind as a span tag: its type's name ({@code Approved}, {@code Unknown}, ...), a bounded set. */
  private static String outcomeName(Object outcome) {
    return outcome.getClass().getSimpleName();
  }
}
