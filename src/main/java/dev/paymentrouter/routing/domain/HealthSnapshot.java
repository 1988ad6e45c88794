package dev.paymentrouter.routing.domain;

import java.util.Map;
import java.util.OptionalDouble;

/**
 * What routing knows of every provider at one moment: its availability (a provider missing here is unavailable)
 * and, where enough recent calls exist, its success rate over a sliding window (0 to 1).
 */
public record HealthSnapshot(Map<String, ProviderAvailability> providers, Map<String, Double> successRates) {

  public HealthSnapshot {
    providers = Map.copyOf(providers);
    successRates = Map.copyOf(successRates);
  }

  /** A snapshot without success rates. */
  public HealthSnapshot(Map<String, ProviderAvailability> providers) {
    this(providers, Map.of());
  }

  /** How this provider looks now. */
  public ProviderAvailability availability(String provider) {
    return providers.getOrDefault(provider, ProviderAvailability.UNAVAILABLE);
  }

  /** Its recent success rate, when known. */
  public OptionalDouble successRate(String provider) {
    Double rate = successRates.get(provider);
    return rate == null ? OptionalDouble.empty() : OptionalDouble.of(rate);
  }
}
