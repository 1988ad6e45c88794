package dev.paymentrouter.api;

import dev.paymentrouter.merchant.domain.Merchant;
import dev.paymentrouter.merchant.runtime.ApiKeyAuthenticator;
import org.springframework.http.HttpStatus;
import reactor.core.publisher.Mono;

/** The merchant behind a request's API key, or the API's one answer for a missing, malformed or unknown key. */
final class MerchantAuthentication {

  private MerchantAuthentication() {}

  static Mono<Merchant> required(ApiKeyAuthenticator authenticator, String authorization) {
    return authenticator.authenticate(authorization)
        .switchIfEmpty(Mono.error(() -> ApiProblem.of(HttpStatus.UNAUTHORIZED, "unauthorized",
            "Authentication required", "send a valid API key as 'Authorization: Bearer sk_...'")));
  }
}
