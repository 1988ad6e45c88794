package dev.paymentrouter.merchant.runtime;

import dev.paymentrouter.merchant.domain.ApiKeys;
import dev.paymentrouter.merchant.domain.Merchant;
import reactor.core.publisher.Mono;

/** Resolves the merchant behind an {@code Authorization: Bearer sk_...} header. */
public final class ApiKeyAuthenticator {

  private static final String BEARER = "Bearer ";

  private final MerchantStore merchants;

  public ApiKeyAuthenticator(MerchantStore merchants) {
    this.merchants = merchants;
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
    return merchants.findByKeyHash(ApiKeys.hash(key));
  }
}
