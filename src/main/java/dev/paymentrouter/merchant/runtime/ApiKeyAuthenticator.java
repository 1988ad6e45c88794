package dev.paymentrouter.merchant.runtime;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.paymentrouter.merchant.domain.ApiKeys;
import dev.paymentrouter.merchant.domain.Merchant;
import dev.paymentrouter.merchant.runtime.MerchantStore.KeyGrant;
import java.time.Clock;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * Resolves the merchant behind an {@code Authorization: Bearer sk_...} header. Keys found are remembered for
 * {@code ttl} (bounded in size), so a busy merchant costs one lookup per {@code ttl}, not one per request; unknown
 * keys are never remembered. A key revoked or a merchant disabled on another node stops working here within
 * {@code ttl}; on this node at once ({@link #forget}). A key that expires (the old key of a rotation) stops at its
 * expiry, cached or not.
 */
public final class ApiKeyAuthenticator {

  private static final String BEARER = "Bearer ";

  private final MerchantStore merchants;
  private final Clock clock;
  private final AsyncCache<String, KeyGrant> known;

  public ApiKeyAuthenticator(MerchantStore merchants, Clock clock, Duration ttl, long maximumKeys) {
    this.merchants = merchants;
    this.clock = clock;
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
            (hash, executor) -> merchants.findByKeyHash(hash).toFuture()), true)
        .filter(grant -> grant.expiresAt() == null || clock.instant().isBefore(grant.expiresAt()))
        .map(KeyGrant::merchant);
  }

  /**
   * Stops trusting what this node remembers of a merchant's keys, so that its next request reads them again: the
   * node where an operator revoked, rotated or disabled sees the change at once. (A scan of the cache, for an
   * operator's action, not for the hot path.)
   */
  public void forget(String merchantId) {
    known.synchronous().asMap().values().removeIf(grant -> grant.merchant().id().equals(merchantId));
  }
}
