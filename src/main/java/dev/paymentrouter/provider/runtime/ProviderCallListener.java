package dev.paymentrouter.provider.runtime;

import dev.paymentrouter.provider.domain.ProviderOutcome;
import java.time.Duration;

/** Told of every call that reached a provider's connector: its outcome and how long it took. */
@FunctionalInterface
public interface ProviderCallListener {

  /** Listens to nothing. */
  ProviderCallListener NONE = (provider, outcome, elapsed) -> { };

  /** One call to {@code provider} ended with {@code outcome} after {@code elapsed}. */
  void completed(String provider, ProviderOutcome outcome, Duration elapsed);
}
