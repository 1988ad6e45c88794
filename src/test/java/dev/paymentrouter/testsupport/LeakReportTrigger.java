package dev.paymentrouter.testsupport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Netty reports a leaked buffer only when a later allocation finds it collected; leaks of the last tests of a JVM
 * would go unreported. At the end of the test session this collects garbage and allocates a few buffers, so that
 * every leak shows up as a "LEAK:" line in the output, which the build then fails on (see pom.xml).
 */
public final class LeakReportTrigger implements LauncherSessionListener {

  @Override
  public void launcherSessionClosed(LauncherSession session) {
    for (int round = 0; round < 3; round++) {
      System.gc();
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      for (int i = 0; i < 64; i++) {
        ByteBuf buffer = ByteBufAllocator.DEFAULT.buffer(16);
        buffer.release();
      }
    }
  }
}
