package dev.paymentrouter.api;

import dev.paymentrouter.api.ApiProblem.FieldError;
import dev.paymentrouter.intent.domain.IntentStatus;
import dev.paymentrouter.intent.runtime.IntentIds;
import dev.paymentrouter.intent.runtime.IntentReader;
import dev.paymentrouter.intent.runtime.IntentStore;
import dev.paymentrouter.merchant.runtime.ApiKeyAuthenticator;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code GET /v1/payment-intents}: the caller's intents, newest first, a page at a time. The cursor is the last id
 * of the previous page ({@code startingAfter}); ids grow with time, so pages stay stable while new intents arrive.
 */
@RestController
class IntentListController {

  static final int DEFAULT_LIMIT = 10;
  private static final Set<String> PARAMETERS =
      Set.of("limit", "startingAfter", "status", "reference", "createdGte", "createdLt");
  private static final String STATUSES = Arrays.stream(IntentStatus.values()).map(IntentStatus::wireName)
      .collect(Collectors.joining(", "));

  /** A page as the API shows it. */
  record IntentList(List<IntentView> data, boolean hasMore) {}

  private final ApiKeyAuthenticator authenticator;
  private final IntentStore store;

  IntentListController(ApiKeyAuthenticator authenticator, IntentStore store) {
    this.authenticator = authenticator;
    this.store = store;
  }

  @GetMapping(path = PaymentIntentController.PATH, produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<IntentList> list(
      @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
      @RequestParam Map<String, String> parameters) {
    return MerchantAuthentication.required(authenticator, authorization)
        .flatMap(merchant -> store.list(query(merchant.id(), parameters)))
        .map(page -> new IntentList(page.data().stream().map(IntentView::of).toList(), page.hasMore()));
  }

  /** The query the parameters ask for, or a 400 naming every parameter that is wrong. */
  static IntentReader.Query query(String merchantId, Map<String, String> parameters) {
    List<FieldError> errors = new ArrayList<>();
    parameters.keySet().stream().filter(name -> !PARAMETERS.contains(name)).sorted().forEach(name -> errors.add(
        new FieldError(name, "unknown_parameter", "is not a parameter of this list; known: " + PARAMETERS)));
    int limit = limit(parameters.get("limit"), errors);
    String startingAfter = parameters.get("startingAfter");
    if (startingAfter != null && !IntentIds.isWellFormed(startingAfter)) {
      errors.add(new FieldError("startingAfter", "invalid_cursor", "must be the id of an intent (pi_...)"));
    }
    IntentStatus status = status(parameters.get("status"), errors);
    String reference = parameters.get("reference");
    if (reference != null && (reference.isEmpty() || reference.length() > IntentRequestParser.MAX_REFERENCE
        || !IntentRequestParser.storable(reference))) {
      errors.add(new FieldError("reference", "invalid_reference",
          "must be 1 to " + IntentRequestParser.MAX_REFERENCE + " storable characters"));
    }
    Instant createdGte = instant("createdGte", parameters.get("createdGte"), errors);
    Instant createdLt = instant("createdLt", parameters.get("createdLt"), errors);
    if (!errors.isEmpty()) {
      throw ApiProblem.invalidFields(HttpStatus.BAD_REQUEST, errors);
    }
    return new IntentReader.Query(merchantId, limit, startingAfter, status, reference, createdGte, createdLt);
  }

  private static int limit(String text, List<FieldError> errors) {
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
    errors.add(new FieldError("limit", "invalid_limit", "must be a whole number from 1 to " + IntentReader.MAX_PAGE));
    return DEFAULT_LIMIT;
  }

  private static IntentStatus status(String text, List<FieldError> errors) {
    if (text == null) {
      return null;
    }
    for (IntentStatus status : IntentStatus.values()) {
      if (status.wireName().equals(text.toLowerCase(Locale.ROOT))) {
        return status;
      }
    }
    errors.add(new FieldError("status", "invalid_status", "must be one of " + STATUSES));
    return null;
  }

  private static Instant instant(String name, String text, List<FieldError> errors) {
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      errors.add(new FieldError(name, "invalid_time", "must be an ISO-8601 instant, e.g. 2026-11-30T00:00:00Z"));
      return null;
    }
  }
}
