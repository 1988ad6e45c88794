package dev.paymentrouter.testsupport;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * The blocking calls BlockHound may let through in this project's tests, each a one-time warm-up, never a wait
 * on I/O: everything else it finds on an event loop fails the test.
 */
public final class RouterBlockHoundIntegration implements BlockHoundIntegration {

  @Override
  public void applyTo(BlockHound.Builder builder) {
    // Jackson builds a deserializer once per type under a lock; later lookups are lock-free.
    builder.allowBlockingCallsInside("tools.jackson.databind.deser.DeserializerCache",
        "_createAndCacheValueDeserializer");
    // Resilience4j guards its breaker's sliding window with a lock held for a few array updates (no I/O); a
    // contended gatekeeper can park for that long, as it would on a synchronized block.
    for (String window : new String[] {"FixedSizeSlidingWindowMetrics", "SlidingTimeWindowMetrics"}) {
      builder.allowBlockingCallsInside("io.github.resilience4j.core.metrics." + window, "record");
      builder.allowBlockingCallsInside("io.github.resilience4j.core.metrics." + window, "getSnapshot");
    }
    builder.allowBlockingCallsInside(
        "io.github.resilience4j.circuitbreaker.internal.CircuitBreakerStateMachine$OpenState", "toHalfOpenState");
    // Netty 4.2's adaptive buffer allocator takes a write lock when it retires a buffer magazine.
    builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free");
    builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "free");
  }
}
