package dev.paymentrouter.routing.domain;

/** How a provider looks to routing at one moment. */
public enum ProviderAvailability {
  /** Serving normally. */
  AVAILABLE,
  /** Recovering (circuit half-open, or its open period is over): may take traffic, which will probe it. */
  PROBING,
  /** Circuit open, restarting or marked down by its supervisor: never chosen. */
  UNAVAILABLE
}
