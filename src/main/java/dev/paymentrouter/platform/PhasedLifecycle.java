package dev.paymentrouter.platform;

import org.springframework.context.SmartLifecycle;

/**
 * Starts and stops one of the node's long-running parts with the application, in a phase: a lower phase starts
 * earlier and stops later. What the providers, the merchants' settings and the webhook worker are started by.
 */
public final class PhasedLifecycle implements SmartLifecycle {

  /** Below the web server's phases: started before it takes requests, stopped after it stopped taking them. */
  public static final int BEFORE_WEB_SERVER = SmartLifecycle.DEFAULT_PHASE - 4096;

  private final Runnable start;
  private final Runnable stop;
  private final int phase;
  private volatile boolean running;

  public PhasedLifecycle(Runnable start, Runnable stop, int phase) {
    this.start = start;
    this.stop = stop;
    this.phase = phase;
  }

  @Override
  public void start() {
    start.run();
    running = true;
  }

  @Override
  public void stop() {
    stop.run();
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return phase;
  }
}
