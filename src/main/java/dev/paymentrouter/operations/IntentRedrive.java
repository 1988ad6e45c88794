package dev.paymentrouter.operations;

import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.intent.runtime.IntentRegistry;
import dev.paymentrouter.intent.runtime.Recovery;
import dev.paymentrouter.process.LogFields;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Sends an unresolved intent back to reconciliation in an operator's name (on the intent's trail, in
 * {@code operator_actions} and in the log), and waits a moment for its first check: what
 * {@code POST /actuator/intents/{id}} and the operator API's re-drive both do.
 */
final class IntentRedrive {

  private static final Logger log = LoggerFactory.getLogger(IntentRedrive.class);
  private static final Duration WAIT = Duration.ofSeconds(5);

  private final IntentRegistry registry;
  private final OperatorStore actions;
  private final String node;

  IntentRedrive(IntentRegistry registry, OperatorStore actions, OperatorNode node) {
    this.registry = registry;
    this.actions = actions;
    this.node = node.name();
  }

  /** The intent after its first check; empty when it was not taken (unknown id, final, or held by a live process). */
  Mono<PaymentIntent> redrive(String operator, String id) {
    return registry.recover(id, Recovery.redrive(operator))
        .doOnNext(process -> LogFields.with(log.atInfo(), LogFields.INTENT_ID, id)
            .log("operator {} re-drove intent {}", operator, id))
        .flatMap(process -> process.awaitSettled(WAIT))
        .flatMap(intent -> actions.record(operator, "redrive", id, node,
                "{\"statusAfter\": \"" + intent.status().wireName() + "\"}")
            .thenReturn(intent))
        .switchIfEmpty(Mono.fromRunnable(() -> LogFields.with(log.atInfo(), LogFields.INTENT_ID, id).log(
            "operator {} asked to re-drive intent {}: not taken (unknown id, final, or held by a live process)",
            operator, id)));
  }
}
