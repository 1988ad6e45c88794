package dev.paymentrouter.simulator;

import static dev.paymentrouter.simulator.SimulatorHttp.IDEMPOTENCY_KEY;
import static dev.paymentrouter.simulator.SimulatorHttp.JSON;

import dev.paymentrouter.simulator.SimulatorEngine.Admission;
import dev.paymentrouter.simulator.SimulatorEngine.Decision;
import dev.paymentrouter.simulator.SimulatorModification.Kind;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The simulator's own protocol: {@code POST /v1/charges} (JSON, {@code Idempotency-Key} required, bearer key;
 * {@code "captureMethod": "manual"} authorizes only), {@code GET /v1/charges?reference=} and
 * {@code GET /v1/charges/{id}}; captures, cancels and refunds as {@code POST /v1/charges/{id}/captures|cancels|refunds}
 * under their own key, found again by {@code GET /v1/modifications?reference=}. Every charge or modification answer
 * is 201 with the ledger shape itself; errors are {@code {"error":"<code>"}}.
 *
 * <p>Modification refusals (nothing moved, nothing recorded; the answer is stored under the key like a decline):
 * 404 {@code charge_not_found}; 409 {@code charge_not_capturable}, {@code charge_not_cancellable},
 * {@code charge_not_refundable}, {@code already_captured}, {@code already_cancelled}, {@code already_refunded};
 * 422 {@code amount_too_large}.
 */
final class NativeDialect implements Dialect {

  private static final String CHARGES_PATH = "/v1/charges";
  private static final String MODIFICATIONS_PATH = "/v1/modifications";
  private static final Map<String, Kind> MODIFICATION_PATHS = Map.of(
      "captures", Kind.CAPTURE, "cancels", Kind.CANCEL, "refunds", Kind.REFUND);
  private static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;
  // Only answers that recorded something are replayed: a 500 or 503 leaves the key free for a fresh try.
  private static final SimulatorEngine.Rules RULES = new SimulatorEngine.Rules(null,
      EnumSet.of(Outcome.Kind.APPROVE, Outcome.Kind.DECLINE, Outcome.Kind.ACTION_REQUIRED, Outcome.Kind.PENDING,
          Outcome.Kind.LOST_RESPONSE),
      "ch_", 24, "0123456789abcdefghijklmnopqrstuvwxyz");
  // A refusal is an answer too (the rules ran): stored and replayed like a decline, but not recorded in the ledger.
  private static final SimulatorModifications.Terms TERMS = new SimulatorModifications.Terms(null,
      EnumSet.of(Outcome.Kind.APPROVE, Outcome.Kind.LOST_RESPONSE),
      Map.of(Kind.CAPTURE, "cp_", Kind.CANCEL, "cn_", Kind.REFUND, "rf_"), 24,
      "0123456789abcdefghijklmnopqrstuvwxyz", false);

  /** A validated modification body; record equality is what "same body" means for idempotency. */
  record ModificationBody(Kind kind, String chargeId, Long amount, String reference, String reason) {}

  private final SimulatorEngine engine;
  private final String apiKey;

  NativeDialect(SimulatorEngine engine, String apiKey) {
    this.engine = engine;
    this.apiKey = apiKey;
  }

  @Override
  public Optional<Mono<Void>> route(HttpServerRequest request, HttpServerResponse response, QueryStringDecoder uri) {
    String path = uri.path();
    HttpMethod method = request.method();
    if (path.equals(CHARGES_PATH) && method.equals(HttpMethod.POST)) {
      return Optional.of(charge(request, response));
    }
    if (path.equals(CHARGES_PATH) && method.equals(HttpMethod.GET)) {
      return Optional.of(chargeByReference(request, response, uri));
    }
    if (path.equals(MODIFICATIONS_PATH) && method.equals(HttpMethod.GET)) {
      return Optional.of(SimulatorHttp.body(request).then(Mono.defer(
          () -> modificationByReference(request, response, uri))));
    }
    if (path.startsWith(CHARGES_PATH + "/") && method.equals(HttpMethod.POST)) {
      String[] parts = path.substring(CHARGES_PATH.length() + 1).split("/", -1);
      if (parts.length == 2 && !parts[0].isEmpty() && MODIFICATION_PATHS.containsKey(parts[1])) {
        return Optional.of(modification(request, response, parts[0], MODIFICATION_PATHS.get(parts[1])));
      }
    }
    if (path.startsWith(CHARGES_PATH + "/") && method.equals(HttpMethod.GET)) {
      String id = path.substring(CHARGES_PATH.length() + 1);
      if (!id.isEmpty() && !id.contains("/")) {
        return Optional.of(chargeById(request, response, id));
      }
    }
    return Optional.empty();
  }

  @Override
  public Mono<Void> notFound(HttpServerResponse response) {
    return error(response, 404, "not_found");
  }

  @Override
  public Mono<Void> internalError(HttpServerResponse response) {
    return error(response, 500, "internal_error");
  }

  private Mono<Void> charge(HttpServerRequest request, HttpServerResponse response) {
    return SimulatorHttp.body(request).flatMap(body -> switch (engine.admit(authorized(request))) {
      case Admission.Refused refused -> switch (refused.refusal()) {
        case UNAVAILABLE -> error(response, 503, "unavailable");
        case UNAUTHORIZED -> error(response, 401, "unauthorized");
        case RATE_LIMITED -> rateLimited(response);
      };
      case Admission.Admitted admitted -> validated(request, response, body, admitted);
    });
  }

  private Mono<Void> validated(HttpServerRequest request, HttpServerResponse response, String body,
      Admission.Admitted admitted) {
    String idempotencyKey = request.requestHeaders().get(IDEMPOTENCY_KEY);
    if (idempotencyKey == null || idempotencyKey.isBlank()) {
      return error(response, 400, "missing_idempotency_key");
    }
    if (idempotencyKey.length() > MAX_IDEMPOTENCY_KEY_LENGTH) {
      return invalidRequest(response, IDEMPOTENCY_KEY + " must be at most " + MAX_IDEMPOTENCY_KEY_LENGTH
          + " characters");
    }
    ChargeRequest charge;
    try {
      charge = ChargeRequest.from(readTree(body));
    } catch (ChargeRequest.InvalidRequestException e) {
      return invalidRequest(response, e.getMessage());
    }
    ChargeAttempt attempt = new ChargeAttempt(idempotencyKey, charge.reference(), charge.amount(),
        charge.currency(), charge.token(), charge, charge.manualCapture());
    return engine.submit(admitted, attempt, RULES).flatMap(decision -> respond(response, decision));
  }

  private Mono<Void> respond(HttpServerResponse response, Decision decision) {
    return switch (decision) {
      case Decision.KeyReused ignored -> error(response, 422, "idempotency_key_reused");
      case Decision.KeyInUse ignored -> error(response, 409, "idempotency_key_in_use");
      case Decision.Answer answer -> {
        if (answer.replayed()) {
          response.header("Idempotent-Replayed", "true");
        }
        yield switch (answer.outcome().kind()) {
          case APPROVE, DECLINE, ACTION_REQUIRED, PENDING -> SimulatorHttp.json(response, 201,
              chargeJson(answer.entry().charge()));
          case UNAVAILABLE -> error(response, 503, "unavailable");
          case ERROR -> error(response, 500, "internal_error");
          case RATE_LIMITED -> rateLimited(response);
          case HANG, LOST_RESPONSE -> SimulatorHttp.hang(response, answer.hangDuration());
        };
      }
    };
  }

  // ---- POST /v1/charges/{id}/captures|cancels|refunds ----

  private Mono<Void> modification(HttpServerRequest request, HttpServerResponse response, String chargeId,
      Kind kind) {
    return SimulatorHttp.body(request).flatMap(body -> switch (engine.admit(authorized(request))) {
      case Admission.Refused refused -> switch (refused.refusal()) {
        case UNAVAILABLE -> error(response, 503, "unavailable");
        case UNAUTHORIZED -> error(response, 401, "unauthorized");
        case RATE_LIMITED -> rateLimited(response);
      };
      case Admission.Admitted admitted -> modificationValidated(request, response, body, admitted, chargeId, kind);
    });
  }

  private Mono<Void> modificationValidated(HttpServerRequest request, HttpServerResponse response, String body,
      Admission.Admitted admitted, String chargeId, Kind kind) {
    String idempotencyKey = request.requestHeaders().get(IDEMPOTENCY_KEY);
    if (idempotencyKey == null || idempotencyKey.isBlank()) {
      return error(response, 400, "missing_idempotency_key");
    }
    if (idempotencyKey.length() > MAX_IDEMPOTENCY_KEY_LENGTH) {
      return invalidRequest(response, IDEMPOTENCY_KEY + " must be at most " + MAX_IDEMPOTENCY_KEY_LENGTH
          + " characters");
    }
    ModificationBody modification;
    try {
      modification = modificationBody(readTree(body), chargeId, kind);
    } catch (ChargeRequest.InvalidRequestException e) {
      return invalidRequest(response, e.getMessage());
    }
    SimulatorModifications.Attempt attempt = new SimulatorModifications.Attempt(idempotencyKey, chargeId, kind,
        modification.amount(), modification.reference(), modification.reason(), modification);
    return engine.modify(admitted, attempt, TERMS).flatMap(decision -> respond(response, decision));
  }

  private static ModificationBody modificationBody(JsonNode body, String chargeId, Kind kind) {
    if (!body.isObject()) {
      throw new ChargeRequest.InvalidRequestException("body must be a JSON object");
    }
    JsonNode amount = body.get("amount");
    // A cancel releases the whole authorization: an amount would suggest a partial void the provider cannot do.
    if (amount != null && kind == Kind.CANCEL) {
      throw new ChargeRequest.InvalidRequestException("a cancel takes no amount");
    }
    if (amount != null && (!amount.isIntegralNumber() || !amount.canConvertToLong() || amount.longValue() <= 0)) {
      throw new ChargeRequest.InvalidRequestException("amount must be a positive integer in minor units");
    }
    JsonNode reference = body.get("reference");
    if (reference == null || !reference.isString() || reference.stringValue().isBlank()
        || reference.stringValue().length() > MAX_IDEMPOTENCY_KEY_LENGTH) {
      throw new ChargeRequest.InvalidRequestException("reference must be a non-blank string of at most "
          + MAX_IDEMPOTENCY_KEY_LENGTH + " characters");
    }
    JsonNode reason = body.get("reason");
    if (reason != null && !reason.isString() && !reason.isNull()) {
      throw new ChargeRequest.InvalidRequestException("reason must be a string");
    }
    return new ModificationBody(kind, chargeId, amount == null ? null : amount.longValue(),
        reference.stringValue(), reason == null || reason.isNull() ? null : reason.stringValue());
  }

  private Mono<Void> respond(HttpServerResponse response, SimulatorModifications.Decision decision) {
    return switch (decision) {
      case SimulatorModifications.Decision.KeyReused ignored -> error(response, 422, "idempotency_key_reused");
      case SimulatorModifications.Decision.KeyInUse ignored -> error(response, 409, "idempotency_key_in_use");
      case SimulatorModifications.Decision.Answer answer -> {
        if (answer.replayed()) {
          response.header("Idempotent-Replayed", "true");
        }
        yield switch (answer.outcome().kind()) {
          case APPROVE -> answer.application().refusal() == null
              ? SimulatorHttp.json(response, 201, JSON.writeValueAsString(
                  SimulatorAdmin.modificationNode(answer.application().entry().modification())))
              : refusal(response, answer.application().refusal());
          case UNAVAILABLE -> error(response, 503, "unavailable");
          case ERROR -> error(response, 500, "internal_error");
          case RATE_LIMITED -> rateLimited(response);
          case HANG, LOST_RESPONSE -> SimulatorHttp.hang(response, answer.hangDuration());
          // Modifications draw no decline and no customer action.
          case DECLINE, ACTION_REQUIRED, PENDING -> internalError(response);
        };
      }
    };
  }

  private static Mono<Void> refusal(HttpServerResponse response, ModificationRules.Refusal refusal) {
    return switch (refusal) {
      case CHARGE_NOT_FOUND -> error(response, 404, "charge_not_found");
      case NOT_CAPTURABLE -> error(response, 409, "charge_not_capturable");
      case NOT_CANCELLABLE -> error(response, 409, "charge_not_cancellable");
      case NOT_REFUNDABLE -> error(response, 409, "charge_not_refundable");
      case ALREADY_CAPTURED, ALREADY_CANCELLED, ALREADY_REFUNDED -> error(response, 409, refusal.code());
      case AMOUNT_TOO_LARGE -> error(response, 422, "amount_too_large");
    };
  }

  private Mono<Void> modificationByReference(HttpServerRequest request, HttpServerResponse response,
      QueryStringDecoder uri) {
    engine.countStatusQuery();
    if (!authorized(request)) {
      return error(response, 401, "unauthorized");
    }
    List<String> references = uri.parameters().getOrDefault("reference", List.of());
    if (references.isEmpty() || references.getFirst().isBlank()) {
      return invalidRequest(response, "reference query parameter is required");
    }
    return engine.ledger().modificationByReference(references.getFirst())
        .map(found -> SimulatorHttp.json(response, 200, JSON.writeValueAsString(
            SimulatorAdmin.modificationNode(found))))
        .orElseGet(() -> notFound(response));
  }

  private Mono<Void> chargeByReference(HttpServerRequest request, HttpServerResponse response,
      QueryStringDecoder uri) {
    engine.countStatusQuery();
    if (!authorized(request)) {
      return error(response, 401, "unauthorized");
    }
    List<String> references = uri.parameters().getOrDefault("reference", List.of());
    if (references.isEmpty() || references.getFirst().isBlank()) {
      return invalidRequest(response, "reference query parameter is required");
    }
    return found(response, engine.ledger().byReference(references.getFirst()));
  }

  private Mono<Void> chargeById(HttpServerRequest request, HttpServerResponse response, String id) {
    if (!authorized(request)) {
      return error(response, 401, "unauthorized");
    }
    return found(response, engine.ledger().byId(id));
  }

  // A look-up shows what the charge's money came to since; the POST answer (and its replay) shows it as recorded.
  private Mono<Void> found(HttpServerResponse response, Optional<SimulatorCharge> charge) {
    return charge.map(found -> SimulatorHttp.json(response, 200, JSON.writeValueAsString(
            SimulatorAdmin.chargeWithTotals(found, engine.ledger()))))
        .orElseGet(() -> notFound(response));
  }

  private boolean authorized(HttpServerRequest request) {
    return SimulatorHttp.bearerMatches(request, apiKey);
  }

  private static JsonNode readTree(String body) {
    if (body.isBlank()) {
      throw new ChargeRequest.InvalidRequestException("body must be a JSON object");
    }
    try {
      return JSON.readTree(body);
    } catch (JacksonException e) {
      throw new ChargeRequest.InvalidRequestException("body is not valid JSON");
    }
  }

  private static String chargeJson(SimulatorCharge charge) {
    return JSON.writeValueAsString(SimulatorAdmin.chargeNode(charge));
  }

  private static Mono<Void> error(HttpServerResponse response, int status, String code) {
    ObjectNode node = JSON.createObjectNode();
    node.put("error", code);
    return SimulatorHttp.json(response, status, JSON.writeValueAsString(node));
  }

  private static Mono<Void> invalidRequest(HttpServerResponse response, String message) {
    return SimulatorAdmin.invalidRequest(response, message);
  }

  private static Mono<Void> rateLimited(HttpServerResponse response) {
    response.header(HttpHeaderNames.RETRY_AFTER, "1");
    return error(response, 429, "rate_limited");
  }
}
