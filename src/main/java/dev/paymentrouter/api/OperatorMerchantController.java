package dev.paymentrouter.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.paymentrouter.api.ApiProblem.FieldError;
import dev.paymentrouter.merchant.domain.ApiKeys;
import dev.paymentrouter.merchant.runtime.MerchantAccounts;
import dev.paymentrouter.merchant.runtime.MerchantSettingsDocument;
import dev.paymentrouter.merchant.runtime.MerchantStore.Account;
import dev.paymentrouter.merchant.runtime.MerchantStore.KeyInfo;
import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.actuate.autoconfigure.web.server.ConditionalOnManagementPort;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * {@code /operator/v1/merchants}: merchant administration, on the management port behind the operator credential
 * (the operations package's {@code OperatorAuthentication} makes the operator the exchange's principal; every
 * change is stored with their name). Keys are answered once, when made, and listed by id and prefix only.
 *
 * <p>Rotation: {@code POST .../keys} with {@code {"expireOthersAfter": "PT24H"}} (an ISO-8601 duration from 0 to
 * 30 days) issues a key and makes every other key of the merchant stop working that long from now; without it the
 * other keys are untouched. {@code DELETE .../keys/{keyId}} ends a key at once. Either takes effect on the node that
 * answers at once, on the others within {@code payment-router.merchants.key-cache-ttl}.
 *
 * <p>It lives in the management context: a management server of its own has handler mappings of its own, which
 * see only its context's controllers. So component scanning registers it only when the endpoints share the API's
 * port (then the main context is the management context); otherwise the operator configuration registers it in
 * the management server's child context, and the API port never has it.
 */
@RestController
@ConditionalOnManagementPort(ManagementPortType.SAME)
public class OperatorMerchantController {

  static final String PATH = "/operator/v1/merchants";
  static final Duration MAX_GRACE = Duration.ofDays(30);
  private static final int MAX_NAME = 200;
  private static final Set<String> CREATE_FIELDS = Set.of("name");
  private static final Set<String> KEY_FIELDS = Set.of("expireOthersAfter");
  private static final Set<String> PARAMETERS = Set.of("limit", "startingAfter");

  /** A merchant as operators see it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record MerchantView(String id, String name, String status, Instant createdAt, String createdBy,
      Instant disabledAt, String disabledBy, JsonNode settings, Instant settingsUpdatedAt, List<KeyView> keys) {}

  /** A key as operators see it: never the key. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record KeyView(String id, String prefix, String status, Instant createdAt, String createdBy, Instant expiresAt,
      Instant revokedAt, String revokedBy) {}

  /** A page of merchants. */
  record MerchantList(List<MerchantView> data, boolean hasMore) {}

  /** A merchant just made: its id and its first key, shown this once. */
  record CreatedView(String id, String name, String keyId, String apiKey) {}

  /** A key just made, shown this once. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record IssuedView(String id, String prefix, String apiKey, Instant otherKeysExpireAt) {}

  private final MerchantAccounts accounts;
  private final MerchantSettingsDocument documents;

  public OperatorMerchantController(MerchantAccounts accounts, MerchantSettingsDocument documents) {
    this.accounts = accounts;
    this.documents = documents;
  }

  @PostMapping(path = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<ResponseEntity<CreatedView>> create(ServerWebExchange exchange) {
    return IdempotentPost.body(exchange.getRequest()).zipWith(operator(exchange)).flatMap(both -> {
      JsonNode root = JsonFields.readObject(both.getT1());
      List<FieldError> errors = new ArrayList<>();
      JsonFields.unknownFields(root, CREATE_FIELDS, "a merchant", errors);
      String name = JsonFields.requiredString(root.get("name"), "name", MAX_NAME, errors);
      JsonFields.refuseAny(errors);
      return accounts.create(name.strip(), both.getT2());
    }).map(created -> ResponseEntity.status(HttpStatus.CREATED).body(new CreatedView(created.merchant().id(),
        created.merchant().name(), created.key().keyId(), created.key().apiKey())));
  }

  @GetMapping(path = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<MerchantList> list(@RequestParam Map<String, String> parameters) {
    ListParameters checked = new ListParameters(parameters, PARAMETERS);
    int limit = checked.limit();
    String startingAfter = checked.id("startingAfter", ApiKeys::isWellFormedId, "invalid_cursor",
        "must be the id of a merchant");
    checked.refuseAny();
    Instant now = accounts.now();
    return accounts.page(limit, startingAfter)
        .map(page -> new MerchantList(page.rows().stream().map(a -> view(a, now)).toList(), page.hasMore()));
  }

  @GetMapping(path = PATH + "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<MerchantView> get(@PathVariable String id) {
    return found(id).map(account -> view(account, accounts.now()));
  }

  @PostMapping(path = PATH + "/{id}/disable", produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<MerchantView> disable(@PathVariable String id, ServerWebExchange exchange) {
    return IdempotentPost.body(exchange.getRequest())
        .then(operator(exchange))
        .flatMap(operator -> found(id).then(accounts.disable(id, operator)))
        .then(Mono.defer(() -> get(id)));
  }

  @PostMapping(path = PATH + "/{id}/keys", produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<ResponseEntity<IssuedView>> issueKey(@PathVariable String id, ServerWebExchange exchange) {
    return IdempotentPost.body(exchange.getRequest()).zipWith(operator(exchange)).flatMap(both -> {
      Duration grace = grace(both.getT1());
      return found(id).flatMap(account -> {
        if (account.disabled()) {
          return Mono.error(ApiProblem.of(HttpStatus.CONFLICT, "merchant_disabled", "Merchant is disabled",
              "merchant " + id + " is disabled; its keys do not work, so none is issued"));
        }
        Instant now = accounts.now();
        return accounts.issueKey(id, grace, both.getT2())
            .map(key -> new IssuedView(key.keyId(), key.prefix(), key.apiKey(), grace == null ? null
                : now.plus(grace)));
      });
    }).map(issued -> ResponseEntity.status(HttpStatus.CREATED).body(issued));
  }

  @DeleteMapping(path = PATH + "/{id}/keys/{keyId}")
  Mono<ResponseEntity<Void>> revokeKey(@PathVariable String id, @PathVariable String keyId,
      ServerWebExchange exchange) {
    return operator(exchange)
        .flatMap(operator -> found(id).then(ApiKeys.isWellFormedId(keyId)
            ? accounts.revokeKey(id, keyId, operator) : Mono.just(false)))
        .flatMap(revoked -> revoked ? Mono.just(ResponseEntity.noContent().<Void>build())
            : Mono.error(ApiProblem.of(HttpStatus.NOT_FOUND, "key_not_found", "Key not found",
                "merchant " + id + " has no key " + keyId)));
  }

  /** Replaces the merchant's settings with the document sent ({@code {}} puts every default back). */
  @PutMapping(path = PATH + "/{id}/settings", produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<MerchantView> setSettings(@PathVariable String id, ServerWebExchange exchange) {
    return IdempotentPost.body(exchange.getRequest()).zipWith(operator(exchange)).flatMap(both -> {
      JsonNode root = JsonFields.readObject(both.getT1());
      return switch (documents.parse(root)) {
        case MerchantSettingsDocument.Parsed.Invalid invalid -> Mono.error(ApiProblem.invalidFields(
            JsonFields.INVALID_FIELDS, invalid.problems().stream()
                .map(p -> new FieldError(p.field(), p.code(), p.message())).toList()));
        case MerchantSettingsDocument.Parsed.Valid valid -> found(id)
            .then(accounts.setSettings(id, valid.settings(), valid.document(), both.getT2()));
      };
    }).then(Mono.defer(() -> get(id)));
  }

  private Mono<Account> found(String id) {
    return (ApiKeys.isWellFormedId(id) ? accounts.find(id) : Mono.<Account>empty())
        .switchIfEmpty(Mono.error(() -> ApiProblem.of(HttpStatus.NOT_FOUND, "merchant_not_found",
            "Merchant not found", "no merchant " + id + " exists")));
  }

  /** Who acts: the operator the operator filter authenticated; nothing happens without one. */
  private static Mono<String> operator(ServerWebExchange exchange) {
    return exchange.getPrincipal().map(Principal::getName)
        .switchIfEmpty(Mono.error(() -> ApiProblem.of(HttpStatus.UNAUTHORIZED, "unauthorized",
            "Operator authentication required", "send Authorization: Bearer <operator token>")));
  }

  /** {@code expireOthersAfter} of a key request; null when the body is empty or does not set it. */
  private static Duration grace(String body) {
    if (body.isBlank()) {
      return null;
    }
    JsonNode root = JsonFields.readObject(body);
    List<FieldError> errors = new ArrayList<>();
    JsonFields.unknownFields(root, KEY_FIELDS, "a key request", errors);
    JsonNode node = root.get("expireOthersAfter");
    Duration grace = null;
    if (node != null && !node.isNull()) {
      try {
        grace = node.isString() ? Duration.parse(node.stringValue()) : null;
      } catch (DateTimeParseException e) {
        grace = null;
      }
      if (grace == null || grace.isNegative() || grace.compareTo(MAX_GRACE) > 0) {
        errors.add(new FieldError("expireOthersAfter", "invalid_duration",
            "must be an ISO-8601 duration from PT0S to P30D, e.g. PT24H"));
      }
    }
    JsonFields.refuseAny(errors);
    return grace;
  }

  private MerchantView view(Account account, Instant now) {
    JsonNode settings = JsonFields.STRICT.readTree(account.settings());
    return new MerchantView(account.id(), account.name(), account.disabled() ? "disabled" : "active",
        account.createdAt(), account.createdBy(), account.disabledAt(), account.disabledBy(), settings,
        account.settingsUpdatedAt(), account.keys().stream().map(key -> keyView(key, now)).toList());
  }

  private static KeyView keyView(KeyInfo key, Instant now) {
    String status = key.revokedAt() != null ? "revoked"
        : key.expiresAt() == null ? "active"
        : key.expiresAt().isAfter(now) ? "expiring" : "expired";
    return new KeyView(key.id(), key.prefix(), status, key.createdAt(), key.createdBy(), key.expiresAt(),
        key.revokedAt(), key.revokedBy());
  }
}
