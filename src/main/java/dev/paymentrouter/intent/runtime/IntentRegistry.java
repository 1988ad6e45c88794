package dev.paymentrouter.intent.runtime;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.time.Duration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Intent id to live process on this node, bounded: when {@code maxActive} processes are live, or when the store has
 * too many new intents waiting for the database, new intents are refused before anything is stored, and recovery
 * waits for room, so overload is answered at once instead of piling up.
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
    if (!runtime.store().acceptsNewIntents() || !reserve()) {
      return Mono.just(new IntentProcess.StartResult.Overloaded());
    }
    IntentProcess process = new IntentProcess(ids.next(), runtime);
    live.put(process.id(), process);
    return process.start(request);
  }

  /**
   * Takes up a stored intent on this node: claims it (only when nobody holds its lease) and spawns its process.
   * Empty when it is already live here, held by another node, final, or when this node has no room.
   */
  public Mono<IntentProcess> recover(String intentId, IntentProcess.Recovery mode) {
    if (live.containsKey(intentId) || !reserve()) {
      return Mono.empty();
    }
    IntentProcess.IntentRuntime rt = runtime;
    java.time.Instant now = rt.clock().instant();
    return rt.store().claim(intentId, rt.node(), now.plus(rt.lease()), now)
        .map(stored -> {
          IntentProcess process = new IntentProcess(stored, rt);
          live.put(intentId, process);
          process.resume(mode);
          return process;
        })
        .switchIfEmpty(Mono.fromRunnable(active::decrementAndGet))
        .doOnError(error -> active.decrementAndGet());
  }

  /**
   * For shutdown: waits up to {@code timeout} for live processes to finish, then lets go of the leases of those
   * still running so that another node takes them over at once instead of after the lease. Returns how many were
   * handed over.
   */
  public Mono<Long> drain(Duration timeout) {
    IntentProcess.IntentRuntime rt = runtime;
    return Flux.interval(Duration.ZERO, Duration.ofMillis(50))
        .takeUntil(tick -> active.get() == 0)
        .take(timeout)
        .then(Mono.defer(() -> active.get() == 0
            ? Mono.just(0L)
            : rt.store().releaseAll(rt.node(), rt.clock().instant())));
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

  /** Room for more processes now. */
  public int free() {
    return Math.max(0, maxActive - active.get());
  }

  private boolean reserve() {
    if (active.incrementAndGet() > maxActive) {
      active.decrementAndGet();
      return false;
    }
    return true;
  }

  void passivated(IntentProcess process) {
    if (live.remove(process.id(), process)) {
      active.decrementAndGet();
    }
  }
}
