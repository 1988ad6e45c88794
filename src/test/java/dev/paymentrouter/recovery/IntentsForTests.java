package dev.paymentrouter.recovery;

import dev.paymentrouter.intent.runtime.IntentIds;
import java.time.Clock;

/** Intent ids of the right shape for tests that write intents directly. */
final class IntentsForTests {

  private static final IntentIds IDS = new IntentIds(Clock.systemUTC());

  private IntentsForTests() {}

  static String nextId() {
    return IDS.next().substring("pi_".length());
  }
}
