package dev.paymentrouter.api;

import dev.paymentrouter.intent.runtime.CreateRequest;
import dev.paymentrouter.intent.runtime.IntentRegistry;
import dev.paymentrouter.intent.runtime.StartResult;
import dev.paymentrouter.process.Correlation;
import java.util.function.Function;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * How every door of the merchant API starts a new intent (let in by the admission door, {@link AdmissionDoor}): handed
 * to the registry with the request's correlation, and its admission permit ended once it is stored. The doors differ
 * only in how they read the request and word the answer.
 */
@Component
public final class IntentStarter {

  private final IntentRegistry registry;
  private final ApiProperties properties;

  IntentStarter(IntentRegistry registry, ApiProperties properties) {
    this.registry = registry;
    this.properties = properties;
  }

  /**
   * Stores a new intent under a fresh id, or under {@code intentId} when the caller gave that id out before (null:
   * a fresh one). {@code request} is given the request's correlation (its id and trace, {@link RequestIdFilter}),
   * which goes with the create to the intent's process and its provider call.
   */
  public Mono<StartResult> start(Function<Correlation, CreateRequest> request, String intentId) {
    return Mono.deferContextual(context -> {
      CreateRequest create = request.apply(Correlation.of(context));
      Mono<StartResult> started = intentId == null
          ? registry.create(create, properties.storeTimeout())
          : registry.create(create, intentId, properties.storeTimeout());
      // Stored: the router's part is done, the rest is the provider's (see Admission).
      return started.doOnNext(result -> {
        if (result instanceof StartResult.Created || result instanceof StartResult.Duplicate) {
          Admission.routerPartDone(context);
        }
      });
    });
  }

  /** How many payments one merchant may have in flight on this node, unless it has a share of its own. */
  public int capacityPerMerchant() {
    return registry.capacityPerMerchant();
  }
}
