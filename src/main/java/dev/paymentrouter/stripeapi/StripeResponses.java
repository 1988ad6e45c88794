package dev.paymentrouter.stripeapi;

import dev.paymentrouter.intent.runtime.IntentStore;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes the door's answers: Stripe's objects as JSON with Stripe's field names, and every failure as Stripe's error
 * shape with the status its clients map to an exception, {@code Retry-After} where there is a time to come back, and
 * {@code Stripe-Should-Retry} where the client's automatic retry would (or would never) help.
 */
final class StripeResponses {

  private static final Logger log = LoggerFactory.getLogger(StripeResponses.class);

  /** Stripe's field names (snake case); empty members are written as {@code null}, as Stripe writes them. */
  static final JsonMapper JSON = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .build();

  static final String IDEMPOTENT_REPLAYED = "Idempotent-Replayed";
  static final String SHOULD_RETRY = "Stripe-Should-Retry";

  private StripeResponses() {}

  /** 200 with this object. */
  static Mono<ServerResponse> ok(Object body) {
    return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(JSON.writeValueAsBytes(body));
  }

  /** 200 with this object, the answer of an earlier request under the same key. */
  static Mono<ServerResponse> replayed(Object body) {
    return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).header(IDEMPOTENT_REPLAYED, "true")
        .bodyValue(JSON.writeValueAsBytes(body));
  }

  /** The answer to a failure: Stripe's error shape for a {@link StripeApiError}, a 503 or 500 for anything else. */
  static Mono<ServerResponse> failure(Throwable failure, ServerWebExchange exchange) {
    return error(stripeError(failure, exchange));
  }

  /** The error a failure is answered with. */
  static StripeApiError stripeError(Throwable failure, ServerWebExchange exchange) {
    return switch (failure) {
      case StripeApiError error -> error;
      case DataBufferLimitException tooLarge -> StripeApiError.invalid("request_too_large", null,
          "The request body must be at most " + StripeRequests.MAX_BODY_BYTES / 1024 + " KiB.");
      // The database is unreachable or saturated: nothing may have been done, or it is found by the same key.
      case DataAccessResourceFailureException unavailable -> storageUnavailable(failure, exchange);
      case TransientDataAccessException unavailable -> storageUnavailable(failure, exchange);
      case CannotCreateTransactionException unavailable -> storageUnavailable(failure, exchange);
      case IntentStore.ConcurrentUpdateException unavailable -> storageUnavailable(failure, exchange);
      case ResponseStatusException status when status.getStatusCode().is4xxClientError() ->
          StripeApiError.invalid(null, null, status.getReason() != null ? status.getReason() : status.getMessage());
      default -> {
        log.error("Stripe-compatible API: request {} {} failed", exchange.getRequest().getMethod(),
            exchange.getRequest().getPath().value(), failure);
        yield StripeApiError.internal("The request failed unexpectedly; retry it with the same Idempotency-Key.");
      }
    };
  }

  /** The error's status, body and headers. */
  static Mono<ServerResponse> error(StripeApiError error) {
    ServerResponse.BodyBuilder response = ServerResponse.status(error.status()).contentType(MediaType.APPLICATION_JSON);
    if (error.retryAfter() != null) {
      response.header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, error.retryAfter().toSeconds())));
    }
    if (error.shouldRetry() != null) {
      response.header(SHOULD_RETRY, error.shouldRetry().toString());
    }
    return response.bodyValue(JSON.writeValueAsBytes(StripeObjects.error(error)));
  }

  /** A refusal of the shared filters (admission, inbound limit), worded as Stripe words it. */
  static Mono<Void> refusal(ServerWebExchange exchange, HttpStatus status, String code, String message) {
    StripeApiError error = switch (status) {
      case TOO_MANY_REQUESTS -> StripeApiError.rateLimited(code, message, null);
      case UNAUTHORIZED -> StripeApiError.authentication(message);
      case SERVICE_UNAVAILABLE -> StripeApiError.unavailable(code, message, null);
      default -> status.is5xxServerError() ? StripeApiError.internal(message)
          : StripeApiError.invalid(code, null, message);
    };
    return write(exchange, error);
  }

  /** Ends the exchange with this error, where no handler answers (a filter's refusal, an error past the handlers). */
  static Mono<Void> write(ServerWebExchange exchange, StripeApiError error) {
    ServerHttpResponse response = exchange.getResponse();
    response.setStatusCode(HttpStatus.valueOf(error.status()));
    response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
    if (error.shouldRetry() != null) {
      response.getHeaders().set(SHOULD_RETRY, error.shouldRetry().toString());
    }
    return response.writeWith(Mono.just(response.bufferFactory().wrap(
        JSON.writeValueAsBytes(StripeObjects.error(error)))));
  }

  private static StripeApiError storageUnavailable(Throwable failure, ServerWebExchange exchange) {
    log.warn("Stripe-compatible API: request {} {} failed on storage: {}", exchange.getRequest().getMethod(),
        exchange.getRequest().getPath().value(), failure.toString());
    return StripeApiError.unavailable("storage_unavailable",
        "The request could not be stored now; retry it with the same Idempotency-Key.", Duration.ofSeconds(1));
  }
}
