package dev.paymentrouter.provider.runtime;

import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.provider.domain.RouterRefusal;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per provider: {@code payment_router.provider.calls{provider, outcome}}, how long charges that reached the connector
 * took, by outcome ({@code approved}, {@code declined}, {@code not_sent}, {@code unknown}, {@code action_required}),
 * as a histogram; and {@code payment_router.provider.refusals{provider, reason}}, the calls the router itself did not
 * make (its limiter, breaker, pool or supervisor said no). Every meter is registered up front: both are counted on
 * every call.
 */
public final class ProviderCallMeters implements ProviderCallListener {

  /**
   * The histogram's bucket bounds: fixed, so each series has 13 buckets whatever the load (Micrometer's default
   * percentile histogram would add ~70), from a fast simulator's few milliseconds to a timed-out call.
   */
  static final Duration[] BUCKETS = {
      Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
      Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20),
      Duration.ofSeconds(30)};

  private final Map<String, Timer[]> timers = new HashMap<>();
  private final Map<String, Map<RouterRefusal, Counter>> refusals = new HashMap<>();

  public ProviderCallMeters(MeterRegistry registry, List<String> providers) {
    String[] outcomes = {"approved", "declined", "not_sent", "unknown", "action_required"};
    for (String provider : providers) {
      Timer[] byOutcome = new Timer[outcomes.length];
      for (int i = 0; i < outcomes.length; i++) {
        byOutcome[i] = Timer.builder("payment_router.provider.calls")
            .tag("provider", provider)
            .tag("outcome", outcomes[i])
            .description("provider calls that reached the connector, by outcome")
            .serviceLevelObjectives(BUCKETS)
            .register(registry);
      }
      timers.put(provider, byOutcome);
      Map<RouterRefusal, Counter> byReason = new EnumMap<>(RouterRefusal.class);
      for (RouterRefusal reason : RouterRefusal.values()) {
        byReason.put(reason, Counter.builder("payment_router.provider.refusals")
            .tag("provider", provider)
            .tag("reason", reason.wireName())
            .description("calls the router did not make: its limiter, breaker, pool or supervisor said no")
            .register(registry));
      }
      refusals.put(provider, byReason);
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
      // Refused by the router before the connector: no call was made, nothing to time (see refused).
      case ProviderOutcome.RouterRefused refused -> -1;
    };
    if (index < 0) {
      return;
    }
    byOutcome[index].record(elapsed);
  }

  @Override
  public void refused(String provider, RouterRefusal reason) {
    Map<RouterRefusal, Counter> byReason = refusals.get(provider);
    if (byReason != null) {
      byReason.get(reason).increment();
    }
  }
}
