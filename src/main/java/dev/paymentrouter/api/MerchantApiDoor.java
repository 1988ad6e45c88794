package dev.paymentrouter.api;

import java.util.List;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import reactor.core.publisher.Mono;

/**
 * The merchant API's door as another door of it reuses it (the Stripe-compatible one, on a port of its own): the
 * same server bounds and filters in the same order (an id on every request, the admission decision on writes, each
 * merchant's inbound limit), so that a merchant gets the same bounds whichever door it knocks on; their refusals
 * written in that door's own shape; and which of that door's requests are writes the admission decision counts.
 */
@Component
public final class MerchantApiDoor {

  /** How a door writes a refusal that one of the shared filters makes before any handler runs. */
  @FunctionalInterface
  public interface RefusalWriter {

    /**
     * Ends the exchange with this refusal: its status, a stable code ({@code overloaded}, {@code rate_limited}) and
     * a message for people. Headers the filter set ({@code Retry-After}, {@code RateLimit}) are already on it.
     */
    Mono<Void> write(ServerWebExchange exchange, HttpStatus status, String code, String message);
  }

  static final String REFUSALS = MerchantApiDoor.class.getName() + ".refusals";
  static final String WRITE = MerchantApiDoor.class.getName() + ".write";

  private final List<WebFilter> filters;
  private final NettyServerCustomizer serverBounds;

  MerchantApiDoor(RequestIdFilter requestIds, AdmissionFilter admission, InboundLimitFilter inboundLimits,
      ConnectionProperties connections) {
    this.filters = List.of(requestIds, admission, inboundLimits);
    // Without the admission gate of the API's own pipeline: it answers in the API's own words, and knows only its
    // paths. Another door's writes are decided by the filter (the same AdmissionDoor), in that door's words.
    this.serverBounds = new ServerBounds(connections, null);
  }

  /** The shared filters, in the order they run on the merchant API's own port. */
  public List<WebFilter> filters() {
    return filters;
  }

  /** The HTTP server's bounds ({@link ServerBounds}) for another door's server. */
  public NettyServerCustomizer serverBounds() {
    return serverBounds;
  }

  /** Has the shared filters' refusals of this exchange written by {@code writer} instead of as problem+json. */
  public static void refusalsWrittenBy(ServerWebExchange exchange, RefusalWriter writer) {
    exchange.getAttributes().put(REFUSALS, writer);
  }

  /**
   * Counts this exchange as a write under the admission limit (a request that starts database and provider work),
   * whatever its path: another door's paths are its own.
   */
  public static void countedAsWrite(ServerWebExchange exchange) {
    exchange.getAttributes().put(WRITE, Boolean.TRUE);
  }

  /** The id the shared filters gave this request (also the answer's {@code X-Request-Id}), or null before them. */
  public static String requestId(ServerWebExchange exchange) {
    return exchange.getAttribute(RequestIdFilter.ATTRIBUTE);
  }
}
