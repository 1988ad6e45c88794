package dev.paymentrouter.testsupport;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps an event loop busy the way a saturated CPU does: by work, not by waiting (BlockHound forbids waiting on a
 * loop, even {@code Thread.onSpinWait}).
 */
public final class BusyLoop {

  private BusyLoop() {}

  /** Occupies the loop until the returned flag is set, or for {@code atMost}; returns at once. */
  public static AtomicBoolean occupy(Executor loop, Duration atMost) {
    AtomicBoolean release = new AtomicBoolean();
    long giveUp = System.nanoTime() + atMost.toNanos();
    loop.execute(() -> {
      long spins = 0;
      while (!release.get() && System.nanoTime() < giveUp) {
        spins++;
      }
    });
    return release;
  }
}
