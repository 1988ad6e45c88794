package dev.paymentrouter.provider.runtime;

import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.provider.domain.RouterRefusal;
import java.time.Duration;

/** Told of every charge that reached a provider's connector, and of every call the router refused to make. */
@FunctionalInterface
public interface ProviderCallListener {

  /** Listens to nothing. */
  ProviderCallListener NONE = (provider, outcome, elapsed) -> { };

  /** One call to {@code provider} ended with {@code outcome} after {@code elapsed}. */
  void completed(String provider, ProviderOutcome outcome, Duration elapsed);

  /** The router did not make a charge, capture, cancel or refund to {@code provider}, for {@code reason}. */
  default void refused(String provider, RouterRefusal reason) { }
}
