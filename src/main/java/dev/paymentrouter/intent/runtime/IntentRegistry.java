package dev.paymentrouter.intent.runtime;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;

/**
 * Intent id to live process on this node, bounded: when {@code maxActive} processes are live, new intents are
 * refused before anything is stored, so overload is answered at once instead of piling up.
 */
public final class IntentRegistry {

  private final ConcurrentHashMap<String, IntentProcess> live = new ConcurrentHashMap<>();
  private final AtomicInteger active = new AtomicInteger();
  private final int maxActive;
  private final IntentIds ids;
  private volatile IntentProcess.IntentRuntime runtime;

  public IntentRegistry(int maxActive, IntentIds ids) {
    if (maxActive < 1) {
      throw new IllegalArgumentException("maxActive must be >= 1");
    }
    this.maxActive = maxActive;
    this.ids = ids;
  }

  void bind(IntentProcess.IntentRuntime runtime) {
    this.runtime = runtime;
  }

  /** Spawns the process of a new intent and asks it to create the intent. */
  public Mono<IntentProcess.StartResult> create(IntentProcess.CreateRequest request) {
    if (active.incrementAndGet() > maxActive) {
      active.decrementAndGet();
      return Mono.just(new IntentProcess.StartResult.Overloaded());
    }
    IntentProcess process = new IntentProcess(ids.next(), runtime);
    live.put(process.id(), process);
    return process.start(request);
  }

  /** The live process of an intent, if it has one on this node. */
  public Optional<IntentProcess> find(String intentId) {
    return Optional.ofNullable(live.get(intentId));
  }

  /** Processes live now. */
  public int active() {
    return active.get();
  }

  /** The most processes that may be live at once. */
  public int capacity() {
    return maxActive;
  }

  void passivated(IntentProcess process) {
    if (live.remove(process.id(), process)) {
      active.decrementAndGet();
    }
  }
}
