package dev.paymentrouter.provider.runtime;

import dev.paymentrouter.provider.connector.ProviderConnector;
import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.ModificationRequest;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.provider.domain.ProviderRequest;
import dev.paymentrouter.provider.domain.RouterRefusal;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * One call the worker pool makes to a provider's connector, and how to answer for it in its own outcome type when
 * the pool cannot: a charge answers {@link ProviderOutcome}, a capture, cancel or refund {@link ModificationOutcome}.
 * Both kinds share one pool, so they share its workers, its queue and its bounds.
 *
 * @param <O> the call's outcome type
 */
sealed interface ProviderCall<O> {

  /** Makes the call. */
  Mono<O> call(ProviderConnector connector);

  /** The router did not make the call (pool full, queue timeout, pool closed): nothing left this node. */
  O refused(RouterRefusal reason);

  /**
   * The call started but gave no usable answer (timeout, crash, empty answer): it may have reached the provider,
   * so it is never "not sent".
   */
  O unknown(String reason);

  /** Tells the observer how a call that reached the connector ended. */
  void completed(ProviderWorkerPool.CallObserver observer, O outcome, Duration elapsed);

  /** An authorization. */
  record Charge(ProviderRequest request) implements ProviderCall<ProviderOutcome> {
    @Override
    public Mono<ProviderOutcome> call(ProviderConnector connector) {
      return connector.authorize(request);
    }

    @Override
    public ProviderOutcome refused(RouterRefusal reason) {
      return new ProviderOutcome.RouterRefused(reason);
    }

    @Override
    public ProviderOutcome unknown(String reason) {
      return new ProviderOutcome.Unknown(reason);
    }

    @Override
    public void completed(ProviderWorkerPool.CallObserver observer, ProviderOutcome outcome, Duration elapsed) {
      observer.completed(outcome, elapsed);
    }
  }

  /** A capture, cancel or refund of a payment the provider holds. */
  record Modification(ModificationRequest request) implements ProviderCall<ModificationOutcome> {
    @Override
    public Mono<ModificationOutcome> call(ProviderConnector connector) {
      return connector.modify(request);
    }

    @Override
    public ModificationOutcome refused(RouterRefusal reason) {
      return new ModificationOutcome.RouterRefused(reason);
    }

    @Override
    public ModificationOutcome unknown(String reason) {
      return new ModificationOutcome.Unknown(reason);
    }

    @Override
    public void completed(
        ProviderWorkerPool.CallObserver observer, ModificationOutcome outcome, Duration elapsed) {
      observer.modificationCompleted(outcome, elapsed);
    }
  }
}
