package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.intent.domain.PaymentIntent;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * A merchant's intent as each door of the API answers it: as its live process has it, else as stored, and never
 * another merchant's (that one is not found). Shared by the native API and the Stripe-compatible one, so that both
 * show the same intent the same way.
 */
public final class IntentLookup {

  private final IntentRegistry registry;
  private final IntentStore store;
  private final Duration janitorWait;

  /** Looks up through this node's registry and the store; {@code janitorWait} bounds an on-the-fly status check. */
  public IntentLookup(IntentRegistry registry, IntentStore store, Duration janitorWait) {
    this.registry = registry;
    this.store = store;
    this.janitorWait = janitorWait;
  }

  /**
   * The intent as it is now. An intent whose outcome is unknown and that no process holds gets an on-the-fly status
   * check with its provider first (Kill Bill's janitor), within {@code janitor-wait}.
   */
  public Mono<PaymentIntent> current(String id, String merchantId) {
    if (!IntentIds.isWellFormed(id)) {
      return Mono.empty();
    }
    return registry.find(id)
        .map(process -> Mono.justOrEmpty(process.snapshot()))
        .orElseGet(Mono::empty)
        .switchIfEmpty(Mono.defer(() -> store.find(id).map(IntentStore.StoredIntent::intent)
            .filter(intent -> intent.merchantId().equals(merchantId))
            .flatMap(this::checkedOnTheFly)))
        .filter(intent -> intent.merchantId().equals(merchantId));
  }

  /** The intent after waiting up to {@code wait} for its live process to settle, or as stored when none is live. */
  public Mono<PaymentIntent> settled(String id, String merchantId, Duration wait) {
    return registry.find(id)
        .map(process -> process.awaitSettled(wait))
        .orElseGet(Mono::empty)
        .switchIfEmpty(Mono.defer(() -> store.find(id).map(IntentStore.StoredIntent::intent)))
        .filter(intent -> intent.merchantId().equals(merchantId));
  }

  private Mono<PaymentIntent> checkedOnTheFly(PaymentIntent intent) {
    if (intent.status().isFinal() || intent.unknownAttempt().isEmpty() || intent.isUnresolved()) {
      return Mono.just(intent);
    }
    return registry.recover(intent.id(), Recovery.RECONCILE_NOW)
        .flatMap(process -> process.awaitSettled(janitorWait))
        .defaultIfEmpty(intent);
  }
}
