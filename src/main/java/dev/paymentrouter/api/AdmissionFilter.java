package dev.paymentrouter.api;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Optional;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * Admission at the door of the merchant API ({@link Admission}): every POST under {@code /v1/payment-intents} and
 * {@code /v1/refunds} (creates, captures, cancels, refunds: the requests that start database and provider work)
 * takes a permit before authentication, body parsing or anything else, or is answered {@code 503 overloaded} with
 * {@code Retry-After} at once. Runs right after {@link RequestIdFilter}, so a refusal still carries its request id.
 *
 * <p>Reads are not limited: a GET is one keyed lookup, and it is how a merchant learns what became of the writes
 * that were let in; refusing it under overload would only make clients guess, and retry their creates. The
 * per-merchant inbound limit ({@link InboundLimitFilter}) still bounds them.
 */
@Component
final class AdmissionFilter implements WebFilter, Ordered {

  private final Admission admission;
  private final long retryAfterSeconds;

  AdmissionFilter(AdmissionProperties properties, ApiProperties api, MeterRegistry meters) {
    this.admission = properties.enabled() ? new Admission(properties, meters) : null;
    this.retryAfterSeconds = seconds(api.retryAfter());
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE + 20;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    if (admission == null || !limited(exchange.getRequest())) {
      return chain.filter(exchange);
    }
    Optional<Admission.Permit> acquired = admission.tryAcquire();
    if (acquired.isEmpty()) {
      exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
      return ProblemWriter.write(exchange, HttpStatus.SERVICE_UNAVAILABLE, "overloaded", "Too many payments in flight",
          "the router is at capacity; nothing was stored, retry after " + retryAfterSeconds + " s");
    }
    Admission.Permit permit = acquired.get();
    // Whatever answers (a controller, a later filter, the error handler), the answer's status ends the permit when
    // it is committed; a client that leaves first ends it as ignored (hold-until: stored ends a create's earlier).
    exchange.getResponse().beforeCommit(() -> {
      HttpStatusCode status = exchange.getResponse().getStatusCode();
      permit.answered(status == null ? 200 : status.value());
      return Mono.empty();
    });
    return chain.filter(exchange)
        .doFinally(signal -> {
          if (signal == SignalType.CANCEL) {
            permit.ignored();
          }
        })
        .contextWrite(context -> context.put(Admission.CONTEXT_KEY, permit));
  }

  /** For tests and the bench: the limiter, or null when admission is off. */
  Admission admission() {
    return admission;
  }

  static boolean limited(ServerHttpRequest request) {
    if (request.getMethod() != HttpMethod.POST) {
      return false;
    }
    String path = request.getPath().value();
    return path.startsWith(PaymentIntentController.PATH) || path.startsWith(RefundController.PATH);
  }

  private static long seconds(Duration duration) {
    return Math.max(1, (duration.toMillis() + 999) / 1000);
  }
}
