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
  }
}
