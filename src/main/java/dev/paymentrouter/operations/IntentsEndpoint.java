package dev.paymentrouter.operations;

import dev.paymentrouter.intent.runtime.IntentRegistry;
import dev.paymentrouter.intent.runtime.IntentStore;
import dev.paymentrouter.intent.runtime.Recovery;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * {@code /actuator/intents}: the intents reconciliation gave up on ({@code GET}), and re-driving one back to
 * reconciliation once the provider is reachable again ({@code POST /actuator/intents/{id}}). Served on the
 * management port, to authenticated operators only ({@link OperatorAuthentication}).
 */
@Component
@Endpoint(id = "intents")
class IntentsEndpoint {

  private static final Logger log = LoggerFactory.getLogger(IntentsEndpoint.class);
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

  /**
   * Sends an unresolved intent back to reconciliation and answers with its state after a first check. The
   * operator ({@link OperatorAuthentication} put them in the request's security context) is named on the
   * intent's trail and in the log. (A {@code SecurityContext} parameter would do the same, but actuator then
   * takes the operation for one with a body and refuses a bare {@code POST} with 415.)
   */
  @WriteOperation
  Mono<Map<String, Object>> redrive(@Selector String id) {
    return ReactiveSecurityContextHolder.getContext()
        .mapNotNull(context -> context.getAuthentication() == null ? null : context.getAuthentication().getName())
        // The operator filter lets no anonymous request get here; should one ever, nothing happens without a name.
        .switchIfEmpty(Mono.error(() -> new IllegalStateException("a re-drive needs an authenticated operator")))
        .flatMap(operator -> redriveAs(operator, id));
  }

  private Mono<Map<String, Object>> redriveAs(String operator, String id) {
    return registry.recover(id, Recovery.redrive(operator))
        .doOnNext(process -> log.info("operator {} re-drove intent {}", operator, id))
        .flatMap(process -> process.awaitSettled(REDRIVE_WAIT))
        .map(intent -> {
          Map<String, Object> answer = new LinkedHashMap<>();
          answer.put("id", intent.id());
          answer.put("status", intent.status().wireName());
          answer.put("unresolvedReason", intent.unresolvedReason());
          answer.put("attempts", intent.attempts().stream()
              .map(a -> a.provider() + ":" + a.status().wireName()).toList());
          answer.put("operator", operator);
          return answer;
        })
        .switchIfEmpty(Mono.fromSupplier(() -> {
          log.info("operator {} asked to re-drive intent {}: not taken (unknown id, final, or held by a live "
              + "process)", operator, id);
          return Map.of("id", id, "redriven", false, "reason", "unknown id, final, or held by a live process");
        }));
  }

}
