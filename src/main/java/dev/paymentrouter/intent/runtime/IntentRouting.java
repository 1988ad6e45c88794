package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.intent.domain.RouteOptions;
import dev.paymentrouter.provider.runtime.ProviderDirectory;
import dev.paymentrouter.routing.domain.RoutingPolicy;
import dev.paymentrouter.routing.domain.RoutingRequest;

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
