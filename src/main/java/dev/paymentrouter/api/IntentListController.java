package dev.paymentrouter.api;

import dev.paymentrouter.intent.domain.IntentStatus;
import dev.paymentrouter.intent.runtime.IntentIds;
import dev.paymentrouter.intent.runtime.IntentReader;
import dev.paymentrouter.intent.runtime.IntentStore;
import dev.paymentrouter.merchant.runtime.ApiKeyAuthenticator;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.http.HttpHeaders;
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
    ListParameters checked = new ListParameters(parameters, PARAMETERS);
    int limit = checked.limit();
    String startingAfter = checked.id("startingAfter", IntentIds::isWellFormed, "invalid_cursor",
        "must be the id of an intent (pi_...)");
    IntentStatus status = status(checked);
    String reference = checked.text("reference");
    if (reference != null && (reference.isEmpty() || reference.length() > IntentRequestParser.MAX_REFERENCE
        || !JsonFields.storable(reference))) {
      checked.reject("reference", "invalid_reference",
          "must be 1 to " + IntentRequestParser.MAX_REFERENCE + " storable characters");
    }
    Instant createdGte = checked.instant("createdGte");
    Instant createdLt = checked.instant("createdLt");
    checked.refuseAny();
    return new IntentReader.Query(merchantId, limit, startingAfter, status, reference, createdGte, createdLt);
  }

  private static IntentStatus status(ListParameters checked) {
    String text = checked.text("status");
    if (text == null) {
      return null;
    }
    for (IntentStatus status : IntentStatus.values()) {
      if (status.wireName().equals(text.toLowerCase(Locale.ROOT))) {
        return status;
      }
    }
    checked.reject("status", "invalid_status", "must be one of " + STATUSES);
    return null;
  }
}
