package dev.paymentrouter.routing.domain;

import dev.paymentrouter.intent.domain.RouteOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * Orders the providers an intent may try. Providers that are unavailable are left out entirely, so their traffic
 * flows to the next candidate; recovering ones stay in their place so that they are probed and can close again.
 *
 * @param providerOrder every provider, in default preference order
 * @param maxAttempts   attempts an intent may make in all
 */
public record RoutingPolicy(List<String> providerOrder, int maxAttempts) {

  public RoutingPolicy {
    providerOrder = List.copyOf(providerOrder);
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1");
    }
  }

  /** The candidates for this intent now, best first. */
  public RouteOptions route(RoutingRequest request, HealthSnapshot health) {
    List<String> candidates = new ArrayList<>(providerOrder.size());
    for (String provider : providerOrder) {
      if (health.availability(provider) != ProviderAvailability.UNAVAILABLE) {
        candidates.add(provider);
      }
    }
    return new RouteOptions(candidates, maxAttempts);
  }
}
