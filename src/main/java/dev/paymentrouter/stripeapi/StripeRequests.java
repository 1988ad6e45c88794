package dev.paymentrouter.stripeapi;

import dev.paymentrouter.merchant.domain.Merchant;
import dev.paymentrouter.merchant.runtime.ApiKeyAuthenticator;
import dev.paymentrouter.platform.RequestBodies;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;

/**
 * How the door takes a request in: its body read whole first (a connection whose body was left unread cannot carry
 * the next request), then the merchant behind its key, then its parameters and its {@code Idempotency-Key}.
 */
final class StripeRequests {

  /** A request as the handlers take it. {@code idempotencyKey} is null when the client sent none. */
  record StripeRequest(Merchant merchant, StripeParams params, String idempotencyKey) {}

  static final int MAX_BODY_BYTES = 64 * 1024;
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  static final String STRIPE_ACCOUNT = "Stripe-Account";
  private static final Pattern PRINTABLE_KEY = Pattern.compile("[\\x20-\\x7E]{1,255}");

  private final ApiKeyAuthenticator authenticator;

  StripeRequests(ApiKeyAuthenticator authenticator) {
    this.authenticator = authenticator;
  }

  /** A POST: its form-encoded body, its merchant and its key. */
  Mono<StripeRequest> post(ServerRequest request) {
    return RequestBodies.bytes(request.exchange().getRequest(), MAX_BODY_BYTES).flatMap(body ->
        merchant(request).map(merchant -> {
          requireForm(request, body.length);
          String key = request.headers().firstHeader(IDEMPOTENCY_KEY);
          if (key != null && !PRINTABLE_KEY.matcher(key).matches()) {
            throw StripeApiError.invalid("idempotency_key_invalid", null,
                "The Idempotency-Key header must be 1 to 255 printable ASCII characters.");
          }
          return new StripeRequest(merchant, StripeParams.parse(new String(body, StandardCharsets.UTF_8)), key);
        }));
  }

  /** A GET: its query's parameters and its merchant. */
  Mono<StripeRequest> get(ServerRequest request) {
    String query = request.exchange().getRequest().getURI().getRawQuery();
    return RequestBodies.bytes(request.exchange().getRequest(), MAX_BODY_BYTES).then(merchant(request))
        .map(merchant -> new StripeRequest(merchant, StripeParams.parse(query), null));
  }

  private Mono<Merchant> merchant(ServerRequest request) {
    if (request.headers().firstHeader(STRIPE_ACCOUNT) != null) {
      return Mono.error(StripeApiError.unsupported(STRIPE_ACCOUNT,
          "Connect is not supported; a request acts for the account of its key only"));
    }
    String authorization = request.headers().firstHeader(HttpHeaders.AUTHORIZATION);
    if (authorization == null || authorization.isBlank()) {
      return Mono.error(StripeApiError.authentication("You did not provide an API key. You need to provide your API "
          + "key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY')."));
    }
    // StripeDoorFilter has turned Basic credentials into Bearer ones already.
    return authenticator.authenticate(authorization)
        .switchIfEmpty(Mono.error(() -> StripeApiError.authentication("Invalid API Key provided.")));
  }

  /** Stripe's clients send forms; a body of any other declared type is refused rather than guessed at. */
  private static void requireForm(ServerRequest request, int length) {
    MediaType type = request.headers().contentType().orElse(null);
    if (length == 0 || type == null || type.isCompatibleWith(MediaType.APPLICATION_FORM_URLENCODED)) {
      return;
    }
    throw StripeApiError.invalid("invalid_request_body", null, "The request body must be "
        + "application/x-www-form-urlencoded, as at Stripe (metadata[key]=value for nested parameters).");
  }
}
