package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.intent.domain.RouteOptions;
import dev.paymentrouter.provider.runtime.ProviderDirectory;
import dev.paymentrouter.routing.domain.HealthSnapshot;
import dev.paymentrouter.routing.domain.ProviderAvailability;
import dev.paymentrouter.routing.domain.RoutingPolicy;
import dev.paymentrouter.routing.domain.RoutingRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Applies the routing policy to an intent with the providers' health as it is at this moment. */
public final class IntentRouting {

  private final RoutingPolicy policy;
  private final ProviderDirectory providers;

  public IntentRouting(RoutingPolicy policy, ProviderDirectory providers) {
    this.policy = policy;
    this.providers = providers;
  }

  /** Candidates for this intent now. */
  public RouteOptions route(PaymentIntent intent) {
    return route(request(intent));
  }

  /**
   * Candidates for this intent now, and, for waiting: which providers of its rule the router itself holds back at
   * {@code now} and until when (asked of their supervisors and gatekeepers), with {@code maxPark}. A zero
   * {@code maxPark} asks nothing more of the providers.
   */
  public RouteOptions route(PaymentIntent intent, Instant now, Duration maxPark) {
    RoutingRequest request = request(intent);
    HealthSnapshot health = providers.snapshot();
    RouteOptions route = policy.route(request, health);
    if (maxPark.isZero()) {
      return route;
    }
    // The rule's providers as if all were available: those left out now are the ones a wait may be for.
    Map<String, ProviderAvailability> everyone = new HashMap<>();
    health.providers().keySet().forEach(provider -> everyone.put(provider, ProviderAvailability.AVAILABLE));
    Map<String, Instant> heldBack = new HashMap<>();
    for (String provider : policy.route(request, new HealthSnapshot(everyone, health.successRates())).candidates()) {
      providers.readyAt(provider, now).filter(ready -> ready.isAfter(now))
          .ifPresent(ready -> heldBack.put(provider, ready));
    }
    return route.withParking(heldBack, maxPark);
  }

  /** Candidates for an intent with these facts now. */
  public RouteOptions route(RoutingRequest request) {
    return policy.route(request, providers.snapshot());
  }

  /** The routing facts of an intent. */
  static RoutingRequest request(PaymentIntent intent) {
    return new RoutingRequest(
        intent.id(), intent.merchantId(), intent.amount().amountMinor(), intent.amount().currency(),
        intent.paymentMethod().type(), intent.paymentMethod().country(), intent.metadata());
  }
}
