package dev.paymentrouter.platform;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.springframework.context.SmartLifecycle;

/**
 * How late the HTTP event loops run a task scheduled on them: the sign that this node's CPU cannot keep up. Every
 * loop runs a probe every {@code interval}; its lag is how much later than planned the probe ran, or, while a probe
 * is overdue, how overdue it is. The node's lag is the smallest of the loops' lags: when every loop is late, the CPU
 * is short, while one late loop only has a slow task of its own. When the loops lag, every request waits that long
 * before its first line of code runs, refusals included: the API refuses new payments while the lag is above its
 * limit, so that the work already accepted and the refusals themselves get the CPU back (the idea of Node's toobusy
 * and of Envoy's overload manager).
 */
public final class EventLoopLag implements SmartLifecycle {

  private static final class Probe {
    private final EventExecutor loop;
    private volatile long dueAt;
    private volatile long lastLag;

    Probe(EventExecutor loop) {
      this.loop = loop;
    }

    long lag(long now) {
      return Math.max(lastLag, now - dueAt);
    }
  }

  private final Supplier<EventLoopGroup> group;
  private final long intervalNanos;
  private volatile List<Probe> probes = List.of();
  private volatile boolean running;

  /**
   * @param group    the event loops to watch, looked up at start (they may not exist before)
   * @param interval how often each loop is probed
   */
  public EventLoopLag(Supplier<EventLoopGroup> group, Duration interval) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive");
    }
    this.group = group;
    this.intervalNanos = interval.toNanos();
  }

  /** The smallest lag among the loops now; zero before start or when there are no loops to watch. */
  public Duration current() {
    List<Probe> watched = probes;
    if (!running || watched.isEmpty()) {
      return Duration.ZERO;
    }
    long now = System.nanoTime();
    long least = Long.MAX_VALUE;
    for (Probe probe : watched) {
      least = Math.min(least, probe.lag(now));
    }
    return Duration.ofNanos(least);
  }

  @Override
  public synchronized void start() {
    if (running) {
      return;
    }
    EventLoopGroup loops = group.get();
    if (loops == null) {
      return;
    }
    List<Probe> started = new ArrayList<>();
    for (EventExecutor loop : loops) {
      started.add(new Probe(loop));
    }
    probes = List.copyOf(started);
    running = true;
    probes.forEach(this::schedule);
  }

  private void schedule(Probe probe) {
    if (!running || probe.loop.isShuttingDown()) {
      return;
    }
    probe.dueAt = System.nanoTime() + intervalNanos;
    probe.loop.schedule(() -> {
      probe.lastLag = Math.max(0, System.nanoTime() - probe.dueAt);
      schedule(probe);
    }, intervalNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public synchronized void stop() {
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** After the web server and its loops started. */
  @Override
  public int getPhase() {
    return Integer.MAX_VALUE - 2048;
  }
}
