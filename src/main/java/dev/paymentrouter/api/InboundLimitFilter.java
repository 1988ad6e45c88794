package dev.paymentrouter.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.paymentrouter.limits.ClusterBuckets;
import dev.paymentrouter.limits.Permits;
import dev.paymentrouter.limits.Take;
import dev.paymentrouter.merchant.domain.InboundLimit;
import dev.paymentrouter.merchant.domain.MerchantLimits;
import dev.paymentrouter.merchant.runtime.ApiKeyAuthenticator;
import dev.paymentrouter.merchant.runtime.DefaultInboundLimit;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Each merchant's inbound limit on the merchant API, across all replicas: over it, {@code 429} problem+json with
 * {@code Retry-After} and the IETF draft's {@code RateLimit-Policy} / {@code RateLimit} fields
 * (draft-ietf-httpapi-ratelimit-headers-10); within it, the same two fields on the answer. The limit is the
 * merchant's own ({@link MerchantLimits}) or else the configured default. Each merchant has a bucket of its own,
 * so one merchant over its limit costs the others nothing. Requests without a valid key pass untouched: the
 * controllers answer them 401. Each merchant's requests are counted by the status they were answered with
 * ({@link MerchantRequests}), its 429s included.
 */
@Component
final class InboundLimitFilter implements WebFilter, Ordered {

  /** The policy's name in both fields. */
  static final String POLICY = "merchant";

  private final ApiKeyAuthenticator authenticator;
  private final MerchantLimits limits;
  private final DefaultInboundLimit defaults;
  private final Permits.Source source;
  private final MerchantRequests requests;
  // One bucket per merchant and limit; merchants not seen for a while give theirs up (the shared row stays).
  private final Cache<String, Permits> buckets =
      Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(Duration.ofMinutes(10)).build();

  InboundLimitFilter(ApiKeyAuthenticator authenticator, ObjectProvider<MerchantLimits> limits,
      DefaultInboundLimit defaults, ObjectProvider<ClusterBuckets> clusterBuckets, Clock clock,
      MeterRegistry meters) {
    this.authenticator = authenticator;
    this.requests = new MerchantRequests(meters);
    // Merchants' own limits where their settings name one; the configured default for the others.
    this.limits = limits.getIfAvailable(() -> merchantId -> Optional.empty());
    this.defaults = defaults;
    ClusterBuckets shared = clusterBuckets.getIfAvailable();
    this.source = shared == null ? Permits.Source.local(clock) : shared;
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE - 100;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    if (!exchange.getRequest().getPath().value().startsWith("/v1/")) {
      return chain.filter(exchange);
    }
    String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
    return authenticator.authenticate(authorization)
        .flatMap(merchant -> Mono.justOrEmpty(limits.inboundLimit(merchant.id()).or(defaults::limit))
            .flatMap(limit -> permits(merchant.id(), limit).take().map(take -> new Limited(merchant.id(), limit, take)))
            .defaultIfEmpty(new Limited(merchant.id(), null, null)))
        .map(Optional::of)
        .defaultIfEmpty(Optional.empty())
        .flatMap(limited -> limited.isEmpty()
            ? chain.filter(exchange)
            : requests.counted(limited.get().merchantId(), exchange, limited.get().limit() == null
                ? chain.filter(exchange)
                : answer(exchange, chain, limited.get().limit(), limited.get().take())));
  }

  /** A merchant's request, its limit (null when it has none) and what its bucket said. */
  private record Limited(String merchantId, InboundLimit limit, Take take) {}

  private Permits permits(String merchantId, InboundLimit limit) {
    String key = "merchant:" + merchantId + ":inbound";
    return buckets.get(key + ":" + limit.requestsPerSecond() + "/" + limit.burst(),
        ignored -> source.permits(key, limit.requestsPerSecond(), limit.burst()));
  }

  private Mono<Void> answer(ServerWebExchange exchange, WebFilterChain chain, InboundLimit limit, Take take) {
    HttpHeaders headers = exchange.getResponse().getHeaders();
    headers.set("RateLimit-Policy", policy(limit));
    if (take.taken()) {
      headers.set("RateLimit", remaining(take.remaining(), secondsUntilFull(limit, take.remaining())));
      return chain.filter(exchange);
    }
    long retryAfter = Math.max(1, ceilSeconds(take.nanosToRefill()));
    headers.set("RateLimit", remaining(0, retryAfter));
    headers.set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
    return ProblemWriter.write(exchange, HttpStatus.TOO_MANY_REQUESTS, "rate_limited", "Too many requests",
        "this merchant may send " + limit.requestsPerSecond() + " requests per second (" + limit.burst()
            + " at once); retry after " + retryAfter + " s");
  }

  /** The quota as a token bucket fills it: {@code burst} requests per the time a full refill takes. */
  static String policy(InboundLimit limit) {
    long window = Math.max(1, (limit.burst() + limit.requestsPerSecond() - 1) / limit.requestsPerSecond());
    return "\"" + POLICY + "\";q=" + limit.burst() + ";w=" + window;
  }

  static String remaining(long remaining, long seconds) {
    return "\"" + POLICY + "\";r=" + remaining + ";t=" + seconds;
  }

  private static long secondsUntilFull(InboundLimit limit, long remaining) {
    long missing = Math.max(0, limit.burst() - remaining);
    return (missing + limit.requestsPerSecond() - 1) / limit.requestsPerSecond();
  }

  private static long ceilSeconds(long nanos) {
    return (nanos + 999_999_999L) / 1_000_000_000L;
  }
}
