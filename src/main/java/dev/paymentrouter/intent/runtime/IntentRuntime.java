package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.intent.domain.ReconciliationSchedule;
import dev.paymentrouter.provider.runtime.ProviderDirectory;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;

/** Everything an intent's process needs from its node: one per node, shared by every process. */
record IntentRuntime(
    IntentStore store,
    IntentRouting routing,
    ProviderDirectory providers,
    Clock clock,
    IntentRegistry registry,
    IntentMetrics metrics,
    int mailboxCapacity,
    String node,
    Duration lease,
    Duration settleTime,
    ReconciliationSchedule schedule,
    Duration intentDeadline,
    Duration maxPark,
    IntentIds ids,
    Function<String, Duration> authorizationValidity,
    Duration pendingInterval) {}
