package dev.paymentrouter.provider.runtime;

import dev.paymentrouter.provider.domain.CallScore;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Recent success rates of the providers, for routing: per provider, a count-based sliding window over its last
 * {@code window} scored calls (see {@link CallScore}). A rate is reported only once {@code minimumCalls} calls are in
 * the window, so that a handful of calls cannot push a provider to the top or the bottom. Each provider's window has
 * its own tiny lock; nothing here waits on anything else. Rates are this node's view, not the cluster's.
 */
public final class ProviderScoreboard {

  private final int window;
  private final int minimumCalls;
  private final ConcurrentMap<String, Window> windows = new ConcurrentHashMap<>();

  /** A scoreboard over the last {@code window} calls per provider, with rates from {@code minimumCalls} calls on. */
  public ProviderScoreboard(int window, int minimumCalls) {
    if (window < 1) {
      throw new IllegalArgumentException("success-rate window must be >= 1, was " + window);
    }
    if (minimumCalls < 1 || minimumCalls > window) {
      throw new IllegalArgumentException(
          "success-rate minimum-calls must be between 1 and the window (" + window + "), was " + minimumCalls);
    }
    this.window = window;
    this.minimumCalls = minimumCalls;
  }

  /** Scores one completed call of this provider. */
  public void record(String provider, ProviderOutcome outcome) {
    switch (CallScore.of(outcome)) {
      case SUCCESS -> windowOf(provider).add(true);
      case FAILURE -> windowOf(provider).add(false);
      case NOT_COUNTED -> {
        // a hard decline or the router's own refusal: nothing learned about the provider
      }
    }
  }

  /** This provider's success rate (0 to 1) over its window, once it has the minimum of calls. */
  public OptionalDouble successRate(String provider) {
    Window calls = windows.get(provider);
    return calls == null ? OptionalDouble.empty() : calls.rate(minimumCalls);
  }

  /** The rates of every provider that has one. */
  public Map<String, Double> successRates() {
    Map<String, Double> rates = new LinkedHashMap<>();
    windows.forEach((provider, calls) -> calls.rate(minimumCalls).ifPresent(rate -> rates.put(provider, rate)));
    return rates;
  }

  private Window windowOf(String provider) {
    return windows.computeIfAbsent(provider, name -> new Window(window));
  }

  /** A ring of the last calls' results with a running count of successes. */
  private static final class Window {
    private final boolean[] calls;
    private int next;
    private int size;
    private int successes;

    Window(int capacity) {
      this.calls = new boolean[capacity];
    }

    synchronized void add(boolean success) {
      if (size == calls.length) {
        if (calls[next]) {
          successes--; // the oldest call leaves the window
        }
      } else {
        size++;
      }
      calls[next] = success;
      if (success) {
        successes++;
      }
      next = (next + 1) % calls.length;
    }

    synchronized OptionalDouble rate(int minimumCalls) {
      return size < minimumCalls ? OptionalDouble.empty() : OptionalDouble.of((double) successes / size);
    }
  }
}
