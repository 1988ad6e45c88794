package dev.paymentrouter.stripeapi;

import java.time.Duration;

/**
 * A request the door answers with Stripe's error shape, {@code {"error": {"type", "code", "decline_code", "message",
 * "param"}}}, and the status code Stripe's clients turn into their exception types: 400 and 404
 * {@code invalid_request_error} (or {@code idempotency_error}), 401 authentication, 402 {@code card_error}, 429
 * {@code rate_limit_error}, 5xx {@code api_error}. Thrown by handlers, written by {@link StripeResponses}. Its message
 * never carries a key or a payment token.
 */
final class StripeApiError extends RuntimeException {

  static final String INVALID_REQUEST = "invalid_request_error";
  static final String API_ERROR = "api_error";
  static final String CARD_ERROR = "card_error";
  static final String IDEMPOTENCY_ERROR = "idempotency_error";
  static final String RATE_LIMIT_ERROR = "rate_limit_error";
  static final String AUTHENTICATION_ERROR = "authentication_error";

  private final int status;
  private final String type;
  private final String code;
  private final String declineCode;
  private final String param;
  private final Object paymentIntent;
  private final Duration retryAfter;
  private final Boolean shouldRetry;

  private StripeApiError(int status, String type, String code, String declineCode, String param, String message,
      Object paymentIntent, Duration retryAfter, Boolean shouldRetry) {
    super(message, null, false, false);
    this.status = status;
    this.type = type;
    this.code = code;
    this.declineCode = declineCode;
    this.param = param;
    this.paymentIntent = paymentIntent;
    this.retryAfter = retryAfter;
    this.shouldRetry = shouldRetry;
  }

  /** 400: the request itself is wrong, {@code param} names where (or null). */
  static StripeApiError invalid(String code, String param, String message) {
    return new StripeApiError(400, INVALID_REQUEST, code, null, param, message, null, null, false);
  }

  /** 400 {@code parameter_missing}, worded as Stripe words it. */
  static StripeApiError missing(String param) {
    return invalid("parameter_missing", param, "Missing required param: " + param + ".");
  }

  /** 400 {@code parameter_unknown}, worded as Stripe words it. */
  static StripeApiError unknownParameter(String param) {
    return invalid("parameter_unknown", param, "Received unknown parameter: " + param);
  }

  /** 400 {@code parameter_unknown} for a parameter Stripe has and the router does not take, saying why. */
  static StripeApiError unsupported(String param, String why) {
    return invalid("parameter_unknown", param, "payment-router's Stripe-compatible API does not take " + param
        + ": " + why);
  }

  /** 400 {@code parameter_invalid_*} for a value of the wrong form. */
  static StripeApiError invalidValue(String code, String param, String message) {
    return invalid(code, param, message);
  }

  /** 400 {@code payment_intent_unexpected_state}: the PaymentIntent's status refuses the request. */
  static StripeApiError unexpectedState(String message, Object paymentIntent) {
    return new StripeApiError(400, INVALID_REQUEST, "payment_intent_unexpected_state", null, null, message,
        paymentIntent, null, false);
  }

  /** 404 {@code resource_missing}: no such object of this merchant. */
  static StripeApiError missingResource(String object, String id, String param) {
    return new StripeApiError(404, INVALID_REQUEST, "resource_missing", null, param,
        "No such " + object + ": '" + id + "'", null, null, false);
  }

  /** 404 for a path the door does not serve. */
  static StripeApiError unrecognizedUrl(String method, String path, String hint) {
    return new StripeApiError(404, INVALID_REQUEST, null, null, null,
        "Unrecognized request URL (" + method + ": " + path + "). " + hint, null, null, false);
  }

  /** 401: no key, or one that names no active key of any merchant. */
  static StripeApiError authentication(String message) {
    return new StripeApiError(401, AUTHENTICATION_ERROR, null, null, null, message, null, null, false);
  }

  /**
   * 400 {@code idempotency_error}: the key was used before with other parameters. Stripe answers this with 400, and
   * stripe-java raises its IdempotencyException only for a 400 or 404 of this type.
   */
  static StripeApiError idempotencyMismatch() {
    return new StripeApiError(400, IDEMPOTENCY_ERROR, null, null, null,
        "Keys for idempotent requests can only be used with the same parameters they were first used with. Try "
            + "using a key other than this one if you meant to execute a different request.", null, null, false);
  }

  /** 402 {@code card_error}: the payment was declined; {@code paymentIntent} is the PaymentIntent as it now is. */
  static StripeApiError declined(String code, String declineCode, String message, Object paymentIntent) {
    return new StripeApiError(402, CARD_ERROR, code, declineCode, null, message, paymentIntent, null, false);
  }

  /** 429 {@code rate_limit_error}. */
  static StripeApiError rateLimited(String code, String message, Duration retryAfter) {
    return new StripeApiError(429, RATE_LIMIT_ERROR, code, null, null, message, null, retryAfter, null);
  }

  /**
   * 503 {@code api_error}: the router cannot take the request now; nothing was done, or what was done is found again
   * by a retry with the same key, so the client may retry ({@code Stripe-Should-Retry: true}).
   */
  static StripeApiError unavailable(String code, String message, Duration retryAfter) {
    return new StripeApiError(503, API_ERROR, code, null, null, message, null, retryAfter, true);
  }

  /** 500 {@code api_error}: a fault of the router itself; a retry with the same key is safe. */
  static StripeApiError internal(String message) {
    return new StripeApiError(500, API_ERROR, null, null, null, message, null, null, true);
  }

  int status() {
    return status;
  }

  String type() {
    return type;
  }

  String code() {
    return code;
  }

  String declineCode() {
    return declineCode;
  }

  String param() {
    return param;
  }

  /** The PaymentIntent the error is about, in Stripe's shape, or null. */
  Object paymentIntent() {
    return paymentIntent;
  }

  /** When to come back, for a 429 or 503; else null. */
  Duration retryAfter() {
    return retryAfter;
  }

  /** What {@code Stripe-Should-Retry} tells the client, or null for nothing (its own rules then decide). */
  Boolean shouldRetry() {
    return shouldRetry;
  }
}
