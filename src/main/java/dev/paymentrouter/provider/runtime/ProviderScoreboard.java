package dev.paymentrouter.provider.runtime;

import dev.paymentrouter.provider.domain.CallScore;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Recent success rates of the providers, for routing: per provider, a count-based sliding window over its last
 * {@code window} scored calls (see {@link CallScore}). A rate is reported only once {@code minimumCalls} calls are in
 * the window, so that a handful of calls cannot push a provider to the top or the bottom. Each provider's window has
 * its own tiny lock; nothing here waits on anything else. Rates are the cluster's once {@link SharedSuccessRates}
 * has told it the sum of every replica's window ({@link #useCluster}); this node's own until then.
 */
public final class ProviderScoreboard {

  private final int window;
  private final int minimumCalls;
  private final ConcurrentMap<String, Window> windows = new ConcurrentHashMap<>();
  private volatile Map<String, Tally> cluster = Map.of();

  /** Successes and failures in a window: this node's, or the sum over the replicas' fresh windows. */
  public record Tally(int successes, int failures) {

    /** Calls in the window. */
    public int calls() {
      return successes + failures;
    }
  }

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

  /**
   * This provider's success rate (0 to 1), once it has the minimum of calls: over the cluster's windows where the
   * cluster has one for it, else over this node's.
   */
  public OptionalDouble successRate(String provider) {
    Tally shared = cluster.get(provider);
    if (shared != null && shared.calls() >= minimumCalls) {
      return OptionalDouble.of((double) shared.successes() / shared.calls());
    }
    Window calls = windows.get(provider);
    return calls == null ? OptionalDouble.empty() : calls.rate(minimumCalls);
  }

  /** The rates of every provider that has one (see {@link #successRate}). */
  public Map<String, Double> successRates() {
    Map<String, Double> rates = new LinkedHashMap<>();
    Set<String> providers = new LinkedHashSet<>(windows.keySet());
    providers.addAll(cluster.keySet());
    providers.forEach(provider -> successRate(provider).ifPresent(rate -> rates.put(provider, rate)));
    return rates;
  }

  /** This node's window per provider, as it publishes it. */
  public Map<String, Tally> tallies() {
    Map<String, Tally> tallies = new LinkedHashMap<>();
    windows.forEach((provider, calls) -> tallies.put(provider, calls.tally()));
    return tallies;
  }

  /** The sum of every live replica's window per provider (this node's included), replacing the last sum. */
  public void useCluster(Map<String, Tally> sums) {
    cluster = Map.copyOf(sums);
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

    synchronized Tally tally() {
      return new Tally(successes, size - successes);
    }

    synchronized OptionalDouble rate(int minimumCalls) {
      return size < minimumCalls ? OptionalDouble.empty() : OptionalDouble.of((double) successes / size);
    }
  }
}
