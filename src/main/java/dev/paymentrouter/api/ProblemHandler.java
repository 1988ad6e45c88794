package dev.paymentrouter.api;

import dev.paymentrouter.intent.runtime.IntentStore;
import dev.paymentrouter.process.LogFields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ServerWebExchange;
import java.time.Duration;

/** Turns refusals and failures of the API into problem+json answers. */
@RestControllerAdvice(assignableTypes = {PaymentIntentController.class, IntentListController.class,
    IntentCommandController.class, RefundController.class,
    // Merchant webhooks (issue 12).
    WebhookEndpointController.class, EventController.class, WebhookDeliveryController.class,
    // Merchant administration (issue 13).
    OperatorMerchantController.class})
class ProblemHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);
  static final MediaType PROBLEM_JSON = MediaType.APPLICATION_PROBLEM_JSON;

  @ExceptionHandler(ApiProblem.class)
  ResponseEntity<Problem> refused(ApiProblem problem, ServerWebExchange exchange) {
    return respond(problem, exchange);
  }

  /** The database is unreachable or saturated: the client may retry with the same idempotency key. */
  @ExceptionHandler({DataAccessResourceFailureException.class, TransientDataAccessException.class,
      CannotCreateTransactionException.class, IntentStore.ConcurrentUpdateException.class})
  ResponseEntity<Problem> storageUnavailable(RuntimeException error, ServerWebExchange exchange) {
    LogFields.with(log.atWarn(), LogFields.REQUEST_ID, requestId(exchange))
        .log("Request {} failed on storage: {}", exchange.getRequest().getId(), error.toString());
    return respond(ApiProblem.unavailable("storage_unavailable", "Storage is unavailable",
        "the request could not be stored now; retry with the same Idempotency-Key", Duration.ofSeconds(1)),
        exchange);
  }

  @ExceptionHandler(RuntimeException.class)
  ResponseEntity<Problem> unexpected(RuntimeException error, ServerWebExchange exchange) {
    LogFields.with(log.atError(), LogFields.REQUEST_ID, requestId(exchange)).setCause(error)
        .log("Request {} failed", exchange.getRequest().getId());
    return respond(ApiProblem.of(HttpStatus.INTERNAL_SERVER_ERROR, "internal_error", "Internal error",
        "the request failed unexpectedly; retry with the same Idempotency-Key"), exchange);
  }

  /** The id {@link RequestIdFilter} gave the request, for its log lines. */
  private static String requestId(ServerWebExchange exchange) {
    return exchange.getAttribute(RequestIdFilter.ATTRIBUTE);
  }

  static ResponseEntity<Problem> respond(ApiProblem problem, ServerWebExchange exchange) {
    ResponseEntity.BodyBuilder response = ResponseEntity.status(problem.status()).contentType(PROBLEM_JSON);
    if (problem.retryAfter() != null) {
      response.header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, problem.retryAfter().toSeconds())));
    }
    if (problem.status() == HttpStatus.UNAUTHORIZED) {
      response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
    }
    return response.body(Problem.of(problem, exchange.getRequest().getPath().value()));
  }
}
