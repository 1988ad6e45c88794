package dev.paymentrouter.api;

import dev.paymentrouter.api.ApiProblem.FieldError;
import dev.paymentrouter.intent.runtime.IntentReader;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.springframework.http.HttpStatus;

/**
 * The query parameters of a list endpoint, checked the same way on every list: each wrong or unknown parameter is
 * collected, and {@link #refuseAny()} answers them all in one {@code 400 validation_failed}.
 */
final class ListParameters {

  static final int DEFAULT_LIMIT = 10;

  private final Map<String, String> parameters;
  private final List<FieldError> errors = new ArrayList<>();

  /** Checks that every parameter given is one of {@code known}. */
  ListParameters(Map<String, String> parameters, Set<String> known) {
    this.parameters = parameters;
    Set<String> sorted = new TreeSet<>(known);
    parameters.keySet().stream().filter(name -> !known.contains(name)).sorted().forEach(name -> errors.add(
        new FieldError(name, "unknown_parameter", "is not a parameter of this list; known: " + sorted)));
  }

  /** The parameter as given, or null. */
  String text(String name) {
    return parameters.get(name);
  }

  /** {@code limit}: 1 to {@link IntentReader#MAX_PAGE}, {@link #DEFAULT_LIMIT} when absent. */
  int limit() {
    String text = parameters.get("limit");
    if (text == null) {
      return DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(text);
      if (limit >= 1 && limit <= IntentReader.MAX_PAGE) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    reject("limit", "invalid_limit", "must be a whole number from 1 to " + IntentReader.MAX_PAGE);
    return DEFAULT_LIMIT;
  }

  /** An id parameter (a cursor, a filter), or null; one of the wrong shape is reported with {@code code}. */
  String id(String name, Predicate<String> wellFormed, String code, String message) {
    String text = parameters.get(name);
    if (text != null && !wellFormed.test(text)) {
      reject(name, code, message);
      return null;
    }
    return text;
  }

  /** An ISO-8601 instant, or null. */
  Instant instant(String name) {
    String text = parameters.get(name);
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      reject(name, "invalid_time", "must be an ISO-8601 instant, e.g. 2026-11-30T00:00:00Z");
      return null;
    }
  }

  /** Reports a parameter as wrong. */
  void reject(String name, String code, String message) {
    errors.add(new FieldError(name, code, message));
  }

  /** Throws the 400 that names every wrong parameter, if there is one. */
  void refuseAny() {
    if (!errors.isEmpty()) {
      throw ApiProblem.invalidFields(HttpStatus.BAD_REQUEST, errors);
    }
  }
}
