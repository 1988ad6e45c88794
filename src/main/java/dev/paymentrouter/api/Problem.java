package dev.paymentrouter.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The body of every error answer, {@code application/problem+json} (RFC 9457), with a stable machine-readable
 * {@code code} and, for invalid input, one entry per field; a change of a payment its provider refused also carries
 * the provider's {@code failureCode}.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
record Problem(
    String type,
    String title,
    int status,
    String detail,
    String instance,
    String code,
    List<ApiProblem.FieldError> errors,
    String failureCode) {

  static final String TYPE_PREFIX = "urn:payment-router:problem:";

  static Problem of(ApiProblem problem, String instance) {
    return new Problem(TYPE_PREFIX + problem.code(), problem.title(), problem.status().value(),
        problem.getMessage(), instance, problem.code(), problem.errors(), problem.failureCode());
  }
}
