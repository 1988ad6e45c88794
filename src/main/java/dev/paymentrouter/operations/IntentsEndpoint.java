package dev.paymentrouter.operations;

import dev.paymentrouter.intent.runtime.IntentProcess;
import dev.paymentrouter.intent.runtime.IntentRegistry;
import dev.paymentrouter.intent.runtime.IntentStore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * {@code /actuator/intents}: the intents reconciliation gave up on ({@code GET}), and re-driving one back to
 * reconciliation once the provider is reachable again ({@code POST /actuator/intents/{id}}). Exposed on the
 * management port only as far as the operator exposes it.
 */
@Component
@Endpoint(id = "intents")
class IntentsEndpoint {

  private static final Duration REDRIVE_WAIT = Duration.ofSeconds(5);

  private final IntentStore store;
  private final IntentRegistry registry;

  IntentsEndpoint(IntentStore store, IntentRegistry registry) {
    this.store = store;
    this.registry = registry;
  }

  /** Intents waiting for an operator, oldest first (at most 100). */
  @ReadOperation
  Mono<Map<String, Object>> unresolved() {
    return store.unresolved(100).collectList().zipWith(store.countUnresolved(), (list, count) -> {
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("unresolved", count);
      answer.put("intents", list);
      return answer;
    });
  }

  /** Sends an unresolved intent back to reconciliation and answers with its state after a first check. */
  @WriteOperation
  Mono<Map<String, Object>> redrive(@Selector String id) {
    return registry.recover(id, IntentProcess.Recovery.REDRIVE)
        .flatMap(process -> process.awaitSettled(REDRIVE_WAIT))
        .map(intent -> {
          Map<String, Object> answer = new LinkedHashMap<>();
          answer.put("id", intent.id());
          answer.put("status", intent.status().wireName());
          answer.put("unresolvedReason", intent.unresolvedReason());
          answer.put("attempts", intent.attempts().stream()
              .map(a -> a.provider() + ":" + a.status().wireName()).toList());
          return answer;
        })
        .switchIfEmpty(Mono.fromSupplier(() -> Map.of("id", id, "redriven", false, "reason",
            "unknown id, final, or held by a live process")));
  }

}
