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
 * How late the node's event loops run a task scheduled on them: the sign that this node's CPU cannot keep up. Every
 * loop runs a probe every {@code interval}; its lag is how much later than planned the probe ran, or, while a probe
 * is overdue, how overdue it is. A group's lag is the smallest of its loops' lags: when every loop is late, the CPU
 * is short, while one late loop only has a slow task of its own. Given several groups, the lag is the largest of
 * their lags (a group whose every loop is late is a part of the node that cannot keep up). When the loops lag, every
 * request waits that long: the API refuses new payments while the lag is above its limit, so that the work already
 * accepted and the refusals themselves get the CPU back (the idea of Node's toobusy and of Envoy's overload manager).
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

  private final Supplier<List<EventLoopGroup>> groups;
  private final long intervalNanos;
  private volatile List<List<Probe>> probes = List.of();
  private volatile boolean running;

  /**
   * @param group    the event loops to watch, looked up at start (they may not exist before)
   * @param interval how often each loop is probed
   */
  public EventLoopLag(Supplier<EventLoopGroup> group, Duration interval) {
    this(interval, () -> {
      EventLoopGroup loops = group.get();
      return loops == null ? List.of() : List.of(loops);
    });
  }

  /**
   * @param interval how often each loop is probed
   * @param groups   the groups of event loops to watch, looked up at start (they may not exist before)
   */
  public EventLoopLag(Duration interval, Supplier<List<EventLoopGroup>> groups) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive");
    }
    this.groups = groups;
    this.intervalNanos = interval.toNanos();
  }

  /**
   * The largest of the groups' lags (each the smallest lag among its loops) now; zero before start or when there are
   * no loops to watch.
   */
  public Duration current() {
    List<List<Probe>> watched = probes;
    if (!running || watched.isEmpty()) {
      return Duration.ZERO;
    }
    long now = System.nanoTime();
    long most = 0;
    for (List<Probe> group : watched) {
      long least = Long.MAX_VALUE;
      for (Probe probe : group) {
        least = Math.min(least, probe.lag(now));
      }
      most = Math.max(most, least);
    }
    return Duration.ofNanos(most);
  }

  @Override
  public synchronized void start() {
    if (running) {
      return;
    }
    List<List<Probe>> started = new ArrayList<>();
    for (EventLoopGroup loops : groups.get()) {
      List<Probe> group = new ArrayList<>();
      for (EventExecutor loop : loops) {
        group.add(new Probe(loop));
      }
      if (!group.isEmpty()) {
        started.add(List.copyOf(group));
      }
    }
    if (started.isEmpty()) {
      return;
    }
    probes = List.copyOf(started);
    running = true;
    probes.forEach(group -> group.forEach(this::schedule));
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
