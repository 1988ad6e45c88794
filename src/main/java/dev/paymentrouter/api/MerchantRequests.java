package dev.paymentrouter.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * {@code payment_router.merchant.requests{merchant, status}}: each authenticated merchant's API requests by the
 * status of their answer ({@code 429} among them), so an operator sees which merchant is throttled or failing.
 * The merchant tag has as many values as there are merchants with traffic: operators create merchants, clients
 * cannot (an unknown key is not counted here).
 */
final class MerchantRequests {

  private final MeterRegistry registry;
  // Looked up on every request: building the meter again each time is the registry's
  // slow path (tags sorted and deduplicated, an id allocated), among the late deoptimizations at a steady load.
  private final Map<String, Map<Integer, Counter>> counters = new ConcurrentHashMap<>();

  MerchantRequests(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * {@code answer}, counting the merchant's request with the status its answer is sent with: at commit, so that an
   * error answered further out (a 500 by the error handler) counts as what the client got. A request the client
   * abandons before any answer is not counted.
   */
  Mono<Void> counted(String merchantId, ServerWebExchange exchange, Mono<Void> answer) {
    exchange.getResponse().beforeCommit(() -> {
      HttpStatusCode status = exchange.getResponse().getStatusCode();
      counter(merchantId, status == null ? 200 : status.value()).increment();
      return Mono.empty();
    });
    return answer;
  }

  private Counter counter(String merchantId, int status) {
    return counters.computeIfAbsent(merchantId, id -> new ConcurrentHashMap<>())
        .computeIfAbsent(status, code -> Counter.builder("payment_router.merchant.requests")
            .tag("merchant", merchantId)
            .tag("status", Integer.toString(code))
            .description("merchant API requests by the status of their answer")
            .register(registry));
  }
}
