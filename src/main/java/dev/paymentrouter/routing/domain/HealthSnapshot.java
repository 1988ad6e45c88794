package dev.paymentrouter.routing.domain;

import java.util.Map;

/** Availability of every known provider at one moment; a provider missing from it is unavailable. */
public record HealthSnapshot(Map<String, ProviderAvailability> providers) {

  public HealthSnapshot {
    providers = Map.copyOf(providers);
  }

  /** How this provider looks now. */
  public ProviderAvailability availability(String provider) {
    return providers.getOrDefault(provider, ProviderAvailability.UNAVAILABLE);
  }
}
