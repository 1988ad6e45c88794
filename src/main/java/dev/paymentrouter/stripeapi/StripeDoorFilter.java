package dev.paymentrouter.stripeapi;

import dev.paymentrouter.api.MerchantApiDoor;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * What the door does before the merchant API's shared filters see a request: their refusals are to be worded as
 * Stripe's errors, every POST counts as a write under the admission limit, Basic credentials (how {@code curl -u
 * sk_...:} and some clients send the key) become the Bearer ones the router reads, so that the inbound limit and
 * authentication see the same key. Every answer carries Stripe's {@code Request-Id} (the router's request id) and
 * echoes the client's {@code Stripe-Version} and {@code Idempotency-Key}.
 */
final class StripeDoorFilter implements WebFilter {

  static final String REQUEST_ID = "Request-Id";
  static final String STRIPE_VERSION = "Stripe-Version";
  private static final String BASIC = "Basic ";

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    MerchantApiDoor.refusalsWrittenBy(exchange, StripeResponses::refusal);
    if (HttpMethod.POST.equals(exchange.getRequest().getMethod())) {
      MerchantApiDoor.countedAsWrite(exchange);
    }
    HttpHeaders requestHeaders = exchange.getRequest().getHeaders();
    String version = requestHeaders.getFirst(STRIPE_VERSION);
    String idempotencyKey = requestHeaders.getFirst(StripeRequests.IDEMPOTENCY_KEY);
    exchange.getResponse().beforeCommit(() -> {
      HttpHeaders headers = exchange.getResponse().getHeaders();
      String requestId = MerchantApiDoor.requestId(exchange);
      if (requestId != null) {
        headers.set(REQUEST_ID, requestId);
      }
      if (version != null) {
        headers.set(STRIPE_VERSION, version);
      }
      if (idempotencyKey != null) {
        headers.set(StripeRequests.IDEMPOTENCY_KEY, idempotencyKey);
      }
      return Mono.empty();
    });
    String bearer = bearer(requestHeaders.getFirst(HttpHeaders.AUTHORIZATION));
    if (bearer == null) {
      return chain.filter(exchange);
    }
    return chain.filter(exchange.mutate()
        .request(request -> request.headers(headers -> headers.set(HttpHeaders.AUTHORIZATION, bearer)))
        .build());
  }

  /** {@code Basic base64(key:)} as {@code Bearer key}; null for anything else, which passes unchanged. */
  static String bearer(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
      return null;
    }
    try {
      String credentials = new String(Base64.getDecoder().decode(authorization.substring(BASIC.length()).trim()),
          StandardCharsets.UTF_8);
      int colon = credentials.indexOf(':');
      String key = colon < 0 ? credentials : credentials.substring(0, colon);
      return key.isEmpty() ? null : "Bearer " + key;
    } catch (IllegalArgumentException notBase64) {
      return null;
    }
  }
}
