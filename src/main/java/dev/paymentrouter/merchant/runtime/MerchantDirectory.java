package dev.paymentrouter.merchant.runtime;

import dev.paymentrouter.merchant.domain.InboundLimit;
import dev.paymentrouter.merchant.domain.MerchantLimits;
import dev.paymentrouter.merchant.domain.MerchantSettings;
import dev.paymentrouter.routing.domain.RoutingPolicy;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * This node's copy of every merchant's settings, for the places that need them on every intent (the share of
 * active intents, routing, the inbound limit) and must not pay a database round trip for them. It holds only the
 * merchants whose settings differ from the defaults and reads them all again every {@code refresh} (the key
 * cache's TTL), so a change made on another node applies here within that time; a change made on this node applies
 * at once. When a reload fails the last copy stays in use (logged), rather than dropping every merchant's limits.
 */
public final class MerchantDirectory implements MerchantLimits {

  private static final Logger log = LoggerFactory.getLogger(MerchantDirectory.class);

  /** A merchant's settings, and the routing policy they make with the global one (built once per change). */
  private record Entry(MerchantSettings settings, RoutingPolicy policy) {}

  private final MerchantStore store;
  private final MerchantSettingsDocument documents;
  private final RoutingPolicy global;
  private final Duration refresh;
  private final Scheduler scheduler;
  // Bumped by every local change: a reload that began before one must not put older settings back.
  private final AtomicLong changes = new AtomicLong();
  private volatile Map<String, Entry> entries = Map.of();
  private volatile Disposable reloading;

  public MerchantDirectory(MerchantStore store, MerchantSettingsDocument documents, RoutingPolicy global,
      Duration refresh, Scheduler scheduler) {
    this.store = store;
    this.documents = documents;
    this.global = global;
    this.refresh = refresh;
    this.scheduler = scheduler;
  }

  /** The merchant's settings; the defaults for a merchant nobody set anything for. */
  public MerchantSettings settings(String merchantId) {
    Entry entry = entries.get(merchantId);
    return entry == null ? MerchantSettings.DEFAULTS : entry.settings();
  }

  /** The routing policy for the merchant's intents: its own rules, then the global ones. */
  public RoutingPolicy policy(String merchantId) {
    Entry entry = entries.get(merchantId);
    return entry == null ? global : entry.policy();
  }

  @Override
  public Optional<InboundLimit> inboundLimit(String merchantId) {
    return settings(merchantId).inbound();
  }

  /** Takes a change made on this node, already stored, at once. */
  public synchronized void put(String merchantId, MerchantSettings settings) {
    changes.incrementAndGet();
    Map<String, Entry> next = new HashMap<>(entries);
    if (settings.equals(MerchantSettings.DEFAULTS)) {
      next.remove(merchantId);
    } else {
      next.put(merchantId, new Entry(settings, settings.routingPolicy(global)));
    }
    entries = Map.copyOf(next);
  }

  /** Reads every merchant's settings again. */
  public Mono<Void> reload() {
    return Mono.defer(() -> {
      long seen = changes.get();
      return store.allSettings()
          .collectMap(MerchantStore.StoredSettings::merchantId, stored -> entry(stored))
          .doOnNext(loaded -> replace(loaded, seen))
          .then();
    });
  }

  /** Loads the settings once (waiting: before the node takes traffic), then reloads every {@code refresh}. */
  public void start() {
    reload().block(Duration.ofSeconds(30));
    reloading = Flux.interval(refresh, refresh, scheduler)
        .concatMap(tick -> reload()
            .timeout(refresh)
            .onErrorResume(error -> {
              log.warn("Reloading merchant settings failed, the last copy stays in use: {}", error.toString());
              return Mono.empty();
            }))
        .subscribe();
  }

  /** Stops reloading. */
  public void stop() {
    Disposable running = reloading;
    if (running != null) {
      running.dispose();
    }
  }

  private Entry entry(MerchantStore.StoredSettings stored) {
    MerchantSettings settings = documents.load(stored.merchantId(), stored.document());
    try {
      return new Entry(settings, settings.routingPolicy(global));
    } catch (IllegalArgumentException clash) {
      // A global rule took a name since (only a configuration change can do that): the global rules win.
      log.error("Merchant {}: its routing rules are left out: {}", stored.merchantId(), clash.getMessage());
      MerchantSettings without = new MerchantSettings(settings.inboundLimit(), settings.activeIntentShare(),
          settings.allowedProviders(), List.of());
      return new Entry(without, global);
    }
  }

  private synchronized void replace(Map<String, Entry> loaded, long seen) {
    if (changes.get() == seen) {
      entries = Map.copyOf(loaded);
    }
  }
}
