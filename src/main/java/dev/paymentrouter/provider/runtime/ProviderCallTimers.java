package dev.paymentrouter.provider.runtime;

import dev.paymentrouter.provider.domain.ProviderOutcome;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code payment_router.provider.calls{provider, outcome}}: how long provider calls take, by outcome
 * ({@code approved}, {@code declined}, {@code not_sent}, {@code unknown}, {@code action_required}). Registered once
 * per provider up front.
 */
public final class ProviderCallTimers implements ProviderCallListener {

  private final Map<String, Timer[]> timers = new HashMap<>();

  public ProviderCallTimers(MeterRegistry registry, List<String> providers) {
    String[] outcomes = {"approved", "declined", "not_sent", "unknown", "action_required"};
    for (String provider : providers) {
      Timer[] byOutcome = new Timer[outcomes.length];
      for (int i = 0; i < outcomes.length; i++) {
        byOutcome[i] = Timer.builder("payment_router.provider.calls")
            .tag("provider", provider)
            .tag("outcome", outcomes[i])
            .description("provider calls that reached the connector, by outcome")
            .register(registry);
      }
      timers.put(provider, byOutcome);
    }
  }

  @Override
  public void completed(String provider, ProviderOutcome outcome, Duration elapsed) {
    Timer[] byOutcome = timers.get(provider);
    if (byOutcome == null) {
      return;
    }
    int index = switch (outcome) {
      case ProviderOutcome.Approved approved -> 0;
      case ProviderOutcome.Declined declined -> 1;
      case ProviderOutcome.NotSent notSent -> 2;
      case ProviderOutcome.Unknown unknown -> 3;
      case ProviderOutcome.ActionRequired actionRequired -> 4;
      // Refused by the router before the connector: no call was made, nothing to time.
      case ProviderOutcome.RouterRefused refused -> -1;
    };
    if (index < 0) {
      return;
    }
    byOutcome[index].record(elapsed);
  }
}
