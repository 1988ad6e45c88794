package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.intent.domain.PaymentIntent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Intent id to live process on this node, bounded: when {@code maxActive} processes are live, or when the store has
 * too many new intents waiting for the database, new intents are refused before anything is stored, and recovery
 * waits for room, so overload is answered at once instead of piling up. No merchant may hold more than
 * {@code maxActivePerMerchant} of them, so that one merchant's burst cannot refuse every other merchant's payments.
 * It also counts the live processes whose intent is parked (waiting for a provider the router holds back), up to
 * {@code maxParked}: beyond that an intent fails at once instead of waiting.
 */
public final class IntentRegistry {

  /** How many live intents one merchant's new intents may hold on this node (its share of it). */
  @FunctionalInterface
  public interface MerchantShares {

    /** At most this many, for this merchant. */
    int maxActive(String merchantId);
  }

  /** A live process and the merchant whose share it counts against. */
  private record Live(IntentProcess process, String merchantId) {}

  private final ConcurrentHashMap<String, Live> live = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Integer> perMerchant = new ConcurrentHashMap<>();
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicInteger parked = new AtomicInteger();
  private final int maxActive;
  private final int maxActivePerMerchant;
  private final MerchantShares shares;
  private final Duration statusQueryInterval;
  private final int maxParked;
  private final IntentIds ids;
  private volatile IntentRuntime runtime;

  /**
   * @param maxActive            live processes at most
   * @param maxActivePerMerchant live processes one merchant's new intents may hold at most
   * @param maxParked            parked intents at most
   * @param statusQueryInterval  the least time between two on-the-fly status checks of one intent
   * @param ids                  where new intent ids come from
   */
  public IntentRegistry(int maxActive, int maxActivePerMerchant, int maxParked, Duration statusQueryInterval,
      IntentIds ids) {
    this(maxActive, maxActivePerMerchant, merchantId -> maxActivePerMerchant, maxParked, statusQueryInterval, ids);
  }

  /**
   * As above, where {@code shares} may give a merchant a share of its own ({@code maxActivePerMerchant} is what
   * merchants at large get, for reporting).
   */
  public IntentRegistry(int maxActive, int maxActivePerMerchant, MerchantShares shares, int maxParked,
      Duration statusQueryInterval, IntentIds ids) {
    if (maxActive < 1 || maxActivePerMerchant < 1) {
      throw new IllegalArgumentException("maxActive and maxActivePerMerchant must be >= 1");
    }
    if (maxParked < 0) {
      throw new IllegalArgumentException("maxParked must be >= 0");
    }
    this.maxActive = maxActive;
    this.maxActivePerMerchant = Math.min(maxActive, maxActivePerMerchant);
    this.shares = shares;
    this.statusQueryInterval = statusQueryInterval;
    this.maxParked = maxParked;
    this.ids = ids;
  }

  void bind(IntentRuntime runtime) {
    this.runtime = runtime;
  }

  /**
   * Spawns the process of a new intent and asks it to create the intent. When it is not stored within
   * {@code storeTimeout}, the answer says whether it never will be ({@code NotStored}: its write was withdrawn
   * before it was sent) or may be ({@code MayExist}: the write was sent and may still commit).
   */
  public Mono<StartResult> create(CreateRequest request, Duration storeTimeout) {
    return create(request, ids.next(), storeTimeout);
  }

  /**
   * As {@link #create(CreateRequest, Duration)}, for an intent whose id was given out before it existed (a Stripe
   * PaymentIntent created unconfirmed, confirmed now). Two creates of one such id must use one idempotency key: the
   * store then keeps one of them; while the first one's process is live here, the second is answered as its
   * duplicate at once.
   */
  public Mono<StartResult> create(CreateRequest request, String intentId, Duration storeTimeout) {
    if (live.containsKey(intentId)) {
      return Mono.just(new StartResult.Duplicate(intentId, true));
    }
    if (!runtime.store().acceptsNewIntents() || !reserve()) {
      return Mono.just(new StartResult.Overloaded());
    }
    if (!reserveShare(request.merchantId())) {
      active.decrementAndGet();
      return Mono.just(new StartResult.MerchantLimited());
    }
    IntentProcess process = new IntentProcess(intentId, runtime);
    if (live.putIfAbsent(process.id(), new Live(process, request.merchantId())) != null) {
      releaseShare(request.merchantId());
      active.decrementAndGet();
      return Mono.just(new StartResult.Duplicate(intentId, true));
    }
    return process.start(request)
        .timeout(storeTimeout, Mono.fromSupplier(() -> process.withdrawCreate()
            ? new StartResult.NotStored("timeout")
            : new StartResult.MayExist("timeout")));
  }

  /**
   * Takes up a stored intent on this node: claims it (only when nobody holds its lease) and spawns its process.
   * Empty when it is already live here, held by another node, final, when this node has no room, or (for an
   * on-the-fly check) when its provider was asked about it less than {@code statusQueryInterval} ago.
   *
   * <p>The claim runs to its end even when the caller stops waiting (a client that disconnects): a claimed intent
   * always gets its process, and a reserved slot is always given back when no process comes of it.
   */
  public Mono<IntentProcess> recover(String intentId, Recovery mode) {
    return spawn(intentId, rt -> {
      Instant now = rt.clock().instant();
      Instant askedBefore = mode == Recovery.RECONCILE_NOW ? now.minus(statusQueryInterval) : null;
      return rt.store().claim(intentId, rt.node(), now.plus(rt.lease()), now, askedBefore);
    }, process -> process.resume(mode));
  }

  /**
   * Takes up a stored intent, whatever its status, for a merchant's command, which becomes the new process's first
   * message ({@code command} offers it). Empty when it is already live here (send it the command there), held by
   * another node, or when this node has no room.
   */
  public Mono<IntentProcess> claimFor(String intentId, Predicate<IntentProcess> command) {
    return spawn(intentId, rt -> {
      Instant now = rt.clock().instant();
      return rt.store().claimForCommand(intentId, rt.node(), now.plus(rt.lease()), now);
    }, command);
  }

  /** What one sentinel claim did: intents claimed, and how many of them now have a process here. */
  public record Recovered(int claimed, int started) {}

  /**
   * Takes up to {@code limit} intents due for recovery on this node with one claim (nodes claiming at once split
   * them), reads them in three statements and starts their processes, which resume. An intent claimed but not taken
   * up because this node ran out of room meanwhile has its lease let go at once, so that it does not wait out a lease
   * nobody uses; one whose process is live here already keeps it (the claim only renewed it).
   */
  public Mono<Recovered> recoverDue(int limit) {
    return Mono.defer(() -> {
      IntentRuntime rt = runtime;
      return rt.store().claimDue(rt.node(), limit, rt.lease()).collectList().flatMap(claimed -> claimed.isEmpty()
          ? Mono.just(new Recovered(0, 0))
          : rt.store().findAll(claimed).flatMap(found -> {
            List<String> noRoom = new ArrayList<>();
            int started = 0;
            for (String id : claimed) {
              IntentStore.StoredIntent stored = found.get(id);
              if (stored == null || live.containsKey(id)) {
                continue;
              }
              if (reserve()) {
                start(stored, rt, process -> process.resume(Recovery.RESUME));
                started++;
              } else {
                noRoom.add(id);
              }
            }
            Recovered recovered = new Recovered(claimed.size(), started);
            return noRoom.isEmpty() ? Mono.just(recovered)
                : rt.store().release(noRoom, rt.node()).thenReturn(recovered);
          }));
    });
  }

  /** Starts the process of a claimed intent in a slot already reserved; {@code first} gives it its first message. */
  private IntentProcess start(IntentStore.StoredIntent stored, IntentRuntime rt,
      Predicate<IntentProcess> first) {
    IntentProcess process = new IntentProcess(stored, rt);
    String merchantId = stored.intent().merchantId();
    perMerchant.merge(merchantId, 1, Integer::sum);
    live.put(stored.intent().id(), new Live(process, merchantId));
    first.test(process);
    return process;
  }

  private Mono<IntentProcess> spawn(String intentId, Function<IntentRuntime,
      Mono<IntentStore.StoredIntent>> claim, Predicate<IntentProcess> first) {
    return Mono.defer(() -> {
      if (live.containsKey(intentId) || !reserve()) {
        return Mono.empty();
      }
      IntentRuntime rt = runtime;
      Sinks.One<IntentProcess> spawned = Sinks.one();
      claim.apply(rt)
          .map(stored -> start(stored, rt, first))
          .subscribe(
              spawned::tryEmitValue,
              error -> {
                active.decrementAndGet();
                spawned.tryEmitError(error);
              },
              () -> {
                // After a value the sink is already terminated: the slot belongs to the process now.
                if (spawned.tryEmitEmpty().isSuccess()) {
                  active.decrementAndGet();
                }
              });
      return spawned.asMono();
    });
  }

  /**
   * For shutdown: waits up to {@code timeout} for live processes to finish, then lets go of the leases of those
   * still running so that another node takes them over at once instead of after the lease. Returns how many were
   * handed over.
   */
  public Mono<Long> drain(Duration timeout) {
    IntentRuntime rt = runtime;
    return Flux.interval(Duration.ZERO, Duration.ofMillis(50))
        .takeUntil(tick -> active.get() == 0)
        .take(timeout)
        .then(Mono.defer(() -> active.get() == 0
            ? Mono.just(0L)
            : rt.store().releaseAll(rt.node(), rt.clock().instant())));
  }

  /** The live process of an intent, if it has one on this node. */
  public Optional<IntentProcess> find(String intentId) {
    return Optional.ofNullable(live.get(intentId)).map(Live::process);
  }

  /** Processes live now. */
  public int active() {
    return active.get();
  }

  /** The most processes that may be live at once. */
  public int capacity() {
    return maxActive;
  }

  /** The most processes one merchant's new intents may hold at once, unless the merchant has a share of its own. */
  public int capacityPerMerchant() {
    return maxActivePerMerchant;
  }

  /** Room for more processes now. */
  public int free() {
    return Math.max(0, maxActive - active.get());
  }

  /** The deepest mailbox among this node's live processes now: a scan, for metrics, not for the hot path. */
  public int deepestMailbox() {
    int deepest = 0;
    for (Live process : live.values()) {
      deepest = Math.max(deepest, process.process().mailboxDepth());
    }
    return deepest;
  }

  /**
   * Live intents on this node whose charge, capture, cancel or refund has an unknown outcome that reconciliation
   * is asking their provider about: a scan, for metrics.
   */
  public int reconciling() {
    int reconciling = 0;
    for (Live process : live.values()) {
      PaymentIntent intent = process.process().snapshot();
      if (intent != null && (intent.unknownAttempt().isPresent() || intent.awaitsModificationConfirmation())) {
        reconciling++;
      }
    }
    return reconciling;
  }

  /** Intents parked on this node now. */
  public int parked() {
    return parked.get();
  }

  /** Whether one more intent may park now (a hint; {@link #tryPark} decides). */
  boolean hasParkingRoom() {
    return parked.get() < maxParked;
  }

  /** Takes one of the node's parking places; false when all are taken. */
  boolean tryPark() {
    if (parked.incrementAndGet() > maxParked) {
      parked.decrementAndGet();
      return false;
    }
    return true;
  }

  /** Gives a parking place back. */
  void unpark() {
    parked.decrementAndGet();
  }

  private boolean reserve() {
    if (active.incrementAndGet() > maxActive) {
      active.decrementAndGet();
      return false;
    }
    return true;
  }

  private boolean reserveShare(String merchantId) {
    int share = Math.min(maxActive, shares.maxActive(merchantId));
    boolean[] admitted = {false};
    perMerchant.compute(merchantId, (m, count) -> {
      int now = count == null ? 0 : count;
      if (now >= share) {
        return count;
      }
      admitted[0] = true;
      return now + 1;
    });
    return admitted[0];
  }

  private void releaseShare(String merchantId) {
    // The entry goes when its count reaches zero, so the map holds only merchants with live intents.
    perMerchant.computeIfPresent(merchantId, (m, count) -> count <= 1 ? null : count - 1);
  }

  void passivated(IntentProcess process) {
    Live entry = live.get(process.id());
    if (entry != null && entry.process() == process && live.remove(process.id(), entry)) {
      releaseShare(entry.merchantId());
      active.decrementAndGet();
    }
  }
}
