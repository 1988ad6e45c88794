package dev.paymentrouter.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a run with router processes did, and when: each line stamped with the seconds since the run began, printed as
 * it happens (prefixed with the run's name) and kept for the summary. Also the bounded wait the runs share.
 */
final class RunTimeline {

  /** A condition a run waits for; it may read the database. */
  @FunctionalInterface
  interface Check {
    boolean holds() throws Exception;
  }

  private final String name;
  private final long startedNanos = System.nanoTime();
  private final List<String> lines = new ArrayList<>();

  RunTimeline(String name) {
    this.name = name;
  }

  /** Notes an event. */
  synchronized void mark(String event) {
    String line = String.format(Locale.ROOT, "[%6.1fs] %s", seconds(), event);
    lines.add(line);
    System.out.println(name + " " + line);
  }

  /** Seconds since the run began. */
  double seconds() {
    return (System.nanoTime() - startedNanos) / 1e9;
  }

  /** The events so far, one per line, each indented by two spaces. */
  synchronized String lines() {
    return "  " + String.join("\n  ", lines);
  }

  /** Waits until {@code check} holds, looking every 250 ms, at most {@code atMost}; whether it held. */
  static boolean await(Duration atMost, Check check) throws Exception {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (!check.holds()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(250);
    }
    return true;
  }
}
