package dev.paymentrouter.api;

import io.netty.channel.Channel;
import java.util.Optional;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.netty.Connection;

/**
 * Admission at the door of the merchant API ({@link AdmissionDoor}): every POST under {@code /v1/payment-intents} and
 * {@code /v1/refunds} (creates, captures, cancels, refunds: the requests that start database and provider work)
 * is let in with a permit before authentication, body parsing or anything else, or is answered
 * {@code 503 overloaded} with {@code Retry-After} at once. Most are decided earlier, in the Netty pipeline
 * ({@link AdmissionGate}); this filter takes that decision over, and decides itself for the rest (pipelined requests,
 * HTTP/2). Runs right after {@link RequestIdFilter}, so a refusal still carries its request id.
 *
 * <p>Reads are not limited: a GET is one keyed lookup, and it is how a merchant learns what became of the writes
 * that were let in; refusing it under overload would only make clients guess, and retry their creates. The
 * per-merchant inbound limit ({@link InboundLimitFilter}) still bounds them.
 */
@Component
final class AdmissionFilter implements WebFilter, Ordered {

  private final AdmissionDoor door;

  AdmissionFilter(AdmissionDoor door) {
    this.door = door;
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE + 20;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    ServerHttpRequest request = exchange.getRequest();
    if (!AdmissionDoor.limited(request.getMethod().name(), request.getPath().value())
        && !Boolean.TRUE.equals(exchange.getAttribute(MerchantApiDoor.WRITE))) {
      return chain.filter(exchange);
    }
    AdmissionDoor.Decision decision = takenOver(request);
    if (decision == null) {
      decision = door.decide();
    }
    if (!(decision instanceof AdmissionDoor.Admitted admitted)) {
      exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(door.retryAfterSeconds()));
      ApiProblem refusal = door.refusal();
      return ProblemWriter.write(exchange, HttpStatus.SERVICE_UNAVAILABLE, refusal.code(), refusal.title(),
          refusal.getMessage());
    }
    Optional<Admission.Permit> held = admitted.permit();
    if (held.isEmpty()) {
      return chain.filter(exchange);
    }
    Admission.Permit permit = held.get();
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

  /** The decision the Netty pipeline took for this request, if it took one ({@link AdmissionGate}). */
  private static AdmissionDoor.Decision takenOver(ServerHttpRequest request) {
    Object nativeRequest;
    try {
      nativeRequest = ServerHttpRequestDecorator.getNativeRequest(request);
    } catch (IllegalStateException noServer) {
      return null; // a request built without a server (tests' mock exchanges): nothing decided before it
    }
    if (nativeRequest instanceof Connection connection) {
      Channel channel = connection.channel();
      return channel.attr(AdmissionGate.DECIDED).getAndSet(null);
    }
    return null;
  }

  /** For tests and the bench: the limiter, or null when admission is off. */
  Admission admission() {
    return door.admission();
  }
}
