package dev.paymentrouter.merchant.runtime;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.paymentrouter.merchant.domain.ApiKeys;
import dev.paymentrouter.merchant.domain.Merchant;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * Resolves the merchant behind an {@code Authorization: Bearer sk_...} header. Keys found are remembered for a short
 * while (bounded in size), so a busy merchant costs one lookup per {@code ttl}, not one per request; unknown keys are
 * never remembered. A revoked key stops working within {@code ttl}.
 */
public final class ApiKeyAuthenticator {

  private static final String BEARER = "Bearer ";

  private final MerchantStore merchants;
  private final AsyncCache<String, Merchant> known;

  public ApiKeyAuthenticator(MerchantStore merchants, Duration ttl, long maximumKeys) {
    this.merchants = merchants;
    this.known = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(maximumKeys).buildAsync();
  }

  /** The merchant, or empty when the header is missing, malformed, or names no active key. */
  public Mono<Merchant> authenticate(String authorizationHeader) {
    if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return Mono.empty();
    }
    String key = authorizationHeader.substring(BEARER.length()).trim();
    if (!ApiKeys.isWellFormed(key)) {
      return Mono.empty();
    }
    // A lookup that finds nothing completes with null, which the cache does not keep.
    return Mono.fromFuture(() -> known.get(ApiKeys.hash(key),
        (hash, executor) -> merchants.findByKeyHash(hash).toFuture()), true);
  }
}
