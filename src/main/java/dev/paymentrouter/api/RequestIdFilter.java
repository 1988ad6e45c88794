package dev.paymentrouter.api;

import dev.paymentrouter.process.Correlation;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Gives every request an id and every answer an {@code X-Request-Id} header, errors included, so that a merchant and
 * an operator can name one exchange to each other: the caller's own id when it sends a usable one (1-128 letters,
 * digits, {@code . _ : -}), otherwise a new one ({@code req_} + 24 hex digits). Runs first, before authentication
 * and limits can answer. The id is also an exchange attribute ({@link #ATTRIBUTE}) and in the Reactor context
 * ({@link #CONTEXT_KEY}) for what the request runs.
 */
@Component
final class RequestIdFilter implements WebFilter, Ordered {

  static final String HEADER = "X-Request-Id";
  static final String ATTRIBUTE = RequestIdFilter.class.getName() + ".id";
  static final String CONTEXT_KEY = "payment-router.request-id";

  private static final Pattern USABLE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    String id = idFor(exchange.getRequest().getHeaders().getFirst(HEADER));
    exchange.getAttributes().put(ATTRIBUTE, id);
    // Set now, not before commit: whatever answers (a controller, a filter, the error handler) keeps the header.
    exchange.getResponse().getHeaders().set(HEADER, id);
    // The request's correlation: the id, and its trace when it has one (TraceCorrelation), for the work it starts.
    return chain.filter(exchange).contextWrite(context -> context.put(CONTEXT_KEY, id)
        .put(Correlation.CONTEXT_KEY, new Correlation(id, TraceCorrelation.traceparent(context))));
  }

  /** The caller's id when it is usable, otherwise a new one. */
  static String idFor(String sent) {
    return sent != null && USABLE.matcher(sent).matches() ? sent : newId();
  }

  /**
   * {@code req_} and 12 random bytes in hex. An id names an exchange, it guards nothing: no secure random, whose
   * reads of the OS's entropy may block an event loop.
   */
  static String newId() {
    byte[] bytes = new byte[12];
    ThreadLocalRandom.current().nextBytes(bytes);
    return "req_" + HexFormat.of().formatHex(bytes);
  }
}
