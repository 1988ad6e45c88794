package dev.paymentrouter.operations;

import dev.paymentrouter.operations.OperatorStore.ProviderControl;
import dev.paymentrouter.process.Rounds;
import dev.paymentrouter.provider.runtime.ProviderDirectory;
import dev.paymentrouter.provider.runtime.ProviderGatekeeper;
import dev.paymentrouter.provider.runtime.ProviderSupervisor;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Applies the operators' provider controls ({@code provider_controls}) to this replica's providers: drained or
 * not, breaker forced open or left to itself. The replica that took an action applies it at once; every replica
 * reads the table every poll interval, so the others follow within one, and a restarted replica starts with the
 * controls in force. The table is the truth: a provider it does not name is neither drained nor forced.
 */
final class ProviderControls {

  private static final Logger log = LoggerFactory.getLogger(ProviderControls.class);
  private static final Duration FIRST_READ = Duration.ofSeconds(10);

  private final ProviderDirectory providers;
  private final Supplier<Flux<ProviderControl>> stored;
  private final Rounds rounds;
  // Changes this replica applied at once; a round that read the table before one of them does not apply its read.
  private final AtomicLong localChanges = new AtomicLong();

  /** {@code stored} reads the controls table (each call a new read). */
  ProviderControls(ProviderDirectory providers, Supplier<Flux<ProviderControl>> stored, Duration poll,
      Scheduler scheduler) {
    this.providers = providers;
    this.stored = stored;
    this.rounds = new Rounds("Provider controls", poll, this::round, scheduler);
  }

  /**
   * Applies the stored controls (waiting up to {@link #FIRST_READ} for them, on the starting thread, never an event
   * loop), then polls. A database that does not answer in time leaves the first apply to the rounds.
   */
  void start() {
    try {
      List<ProviderControl> first = stored.get().collectList().block(FIRST_READ);
      if (first != null) {
        applyAll(first);
      }
    } catch (RuntimeException unreadable) {
      log.warn("Provider controls not read at start-up, the next round applies them: {}", unreadable.toString());
    }
    rounds.start();
  }

  void stop() {
    rounds.stop();
  }

  /**
   * Applies one provider's control now (called once it is committed), then asks for a round. A round whose read
   * began before this change drops what it read: applied, it would put the old control back until the next round
   * (an operator's "auto" undone for up to a poll interval).
   */
  void applyNow(ProviderControl control) {
    localChanges.incrementAndGet();
    apply(control.provider(), control.drained(), control.forcedOpen());
    rounds.wake();
  }

  private Mono<Void> round() {
    return Mono.defer(() -> {
      long changesBefore = localChanges.get();
      return stored.get().collectList()
          .filter(read -> localChanges.get() == changesBefore)
          .doOnNext(this::applyAll)
          .then();
    });
  }

  private void applyAll(List<ProviderControl> controls) {
    Map<String, ProviderControl> byProvider = new HashMap<>();
    controls.forEach(control -> byProvider.put(control.provider(), control));
    for (String provider : providers.names()) {
      ProviderControl control = byProvider.get(provider);
      apply(provider, control != null && control.drained(), control != null && control.forcedOpen());
    }
  }

  private void apply(String provider, boolean drained, boolean forcedOpen) {
    if (providers.drained(provider) != drained) {
      providers.drain(provider, drained);
      log.warn("Provider {}: {} by an operator", provider, drained ? "drained (no new attempts)" : "back in routing");
    }
    providers.find(provider).map(ProviderSupervisor::gatekeeper).ifPresent(gatekeeper -> force(provider,
        gatekeeper, forcedOpen));
  }

  private static void force(String provider, ProviderGatekeeper gatekeeper, boolean forcedOpen) {
    if (gatekeeper.forcedOpen() == forcedOpen) {
      return;
    }
    if (forcedOpen) {
      gatekeeper.forceOpen();
      log.warn("Provider {}: circuit breaker forced open by an operator", provider);
    } else {
      gatekeeper.releaseForcedOpen();
      log.warn("Provider {}: circuit breaker back to automatic (closed) by an operator", provider);
    }
  }
}
