package dev.paymentrouter.api;

import dev.paymentrouter.api.LifecycleRequestParser.RefundRequest;
import dev.paymentrouter.intent.runtime.IntentIds;
import dev.paymentrouter.intent.runtime.IntentLifecycle;
import dev.paymentrouter.merchant.runtime.ApiKeyAuthenticator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code /v1/refunds}: refund a paid intent, in full or in parts (idempotent like create), and read refunds one by one
 * or a page at a time, newest first. A refund goes to the provider that took the payment, never to another.
 */
@RestController
class RefundController {

  static final String PATH = "/v1/refunds";
  private static final Set<String> PARAMETERS = Set.of("paymentIntent", "limit", "startingAfter");
  /** The shape of a refund id; anything else is answered 404 without a lookup. */
  private static final Pattern REFUND_ID = Pattern.compile("re_[0-9A-Za-z]{1,64}");

  /** A page as the API shows it. */
  record RefundList(List<RefundView> data, boolean hasMore) {}

  private final ApiKeyAuthenticator authenticator;
  private final IntentLifecycle lifecycle;
  private final ApiProperties properties;

  RefundController(ApiKeyAuthenticator authenticator, IntentLifecycle lifecycle,
      ApiProperties properties) {
    this.authenticator = authenticator;
    this.lifecycle = lifecycle;
    this.properties = properties;
  }

  @PostMapping(path = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<ResponseEntity<RefundView>> create(ServerHttpRequest request) {
    return IdempotentPost.read(request, authenticator, properties).flatMap(post -> {
      RefundRequest refund = LifecycleRequestParser.refund(post.body());
      return lifecycle
          .refund(post.merchant().id(), refund.paymentIntent(), refund.amount(), refund.reason(), refund.metadata(),
              post.idempotencyKey(), refund.hash(), post.waitFor())
          .flatMap(result -> LifecycleAnswers.refund(result, refund.paymentIntent(), properties.retryAfter()))
          .map(post::answer);
    });
  }

  @GetMapping(path = PATH + "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<RefundView> get(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
      @PathVariable String id) {
    return MerchantAuthentication.required(authenticator, authorization)
        .flatMap(merchant -> isRefundId(id) ? lifecycle.findRefund(merchant.id(), id)
            : Mono.<IntentLifecycle.StoredRefund>empty())
        .map(RefundView::of)
        .switchIfEmpty(Mono.error(() -> ApiProblem.of(HttpStatus.NOT_FOUND, "refund_not_found", "Refund not found",
            "no refund " + id + " exists for this merchant")));
  }

  @GetMapping(path = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<RefundList> list(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
      @RequestParam Map<String, String> parameters) {
    return MerchantAuthentication.required(authenticator, authorization).flatMap(merchant -> {
      ListParameters checked = new ListParameters(parameters, PARAMETERS);
      String intentId = checked.id("paymentIntent", IntentIds::isWellFormed, "invalid_id",
          "must be the id of a payment intent (pi_...)");
      int limit = checked.limit();
      String startingAfter = checked.id("startingAfter", RefundController::isRefundId, "invalid_cursor",
          "must be the id of a refund (re_...)");
      checked.refuseAny();
      return lifecycle.listRefunds(merchant.id(), intentId, limit, startingAfter);
    }).map(page -> new RefundList(page.data().stream().map(RefundView::of).toList(), page.hasMore()));
  }

  private static boolean isRefundId(String id) {
    return REFUND_ID.matcher(id).matches();
  }
}
