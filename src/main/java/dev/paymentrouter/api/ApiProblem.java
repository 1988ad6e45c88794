package dev.paymentrouter.api;

import java.time.Duration;
import java.util.List;
import org.springframework.http.HttpStatus;

/**
 * A request the API refuses, with everything its problem+json answer needs. Thrown from handlers, turned into a
 * response by {@link ProblemHandler}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9457">RFC 9457</a>
 */
final class ApiProblem extends RuntimeException {

  /** One invalid field: where, a stable code, and a message for people. */
  record FieldError(String field, String code, String message) {}

  private final HttpStatus status;
  private final String code;
  private final String title;
  private final List<FieldError> errors;
  private final Duration retryAfter;
  private final String failureCode;

  private ApiProblem(HttpStatus status, String code, String title, String detail, List<FieldError> errors,
      Duration retryAfter, String failureCode) {
    super(detail, null, false, false);
    this.status = status;
    this.code = code;
    this.title = title;
    this.errors = errors;
    this.retryAfter = retryAfter;
    this.failureCode = failureCode;
  }

  static ApiProblem of(HttpStatus status, String code, String title, String detail) {
    return new ApiProblem(status, code, title, detail, List.of(), null, null);
  }

  /**
   * 402: the provider refused a change of the payment and nothing moved; {@code failureCode} is the provider's reason,
   * shown as a member of its own so that clients need not parse the detail.
   */
  static ApiProblem paymentRefused(String code, String title, String detail, String failureCode) {
    return new ApiProblem(HttpStatus.PAYMENT_REQUIRED, code, title, detail, List.of(), null, failureCode);
  }

  static ApiProblem invalidFields(HttpStatus status, List<FieldError> errors) {
    String detail = errors.size() == 1
        ? errors.getFirst().field() + ": " + errors.getFirst().message()
        : errors.size() + " fields are invalid: "
            + String.join(", ", errors.stream().map(FieldError::field).distinct().toList());
    return new ApiProblem(status, "validation_failed", "The request has invalid fields", detail,
        List.copyOf(errors), null, null);
  }

  static ApiProblem tooManyRequests(String code, String title, String detail, Duration retryAfter) {
    return new ApiProblem(HttpStatus.TOO_MANY_REQUESTS, code, title, detail, List.of(), retryAfter, null);
  }

  static ApiProblem unavailable(String code, String title, String detail, Duration retryAfter) {
    return new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, code, title, detail, List.of(), retryAfter, null);
  }

  HttpStatus status() {
    return status;
  }

  String code() {
    return code;
  }

  String title() {
    return title;
  }

  List<FieldError> errors() {
    return errors;
  }

  Duration retryAfter() {
    return retryAfter;
  }

  /** The provider's reason for refusing, on a 402; else null. */
  String failureCode() {
    return failureCode;
  }
}
