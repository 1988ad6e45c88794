package dev.paymentrouter.simulator;

import static dev.paymentrouter.simulator.SimulatorHttp.IDEMPOTENCY_KEY;
import static dev.paymentrouter.simulator.SimulatorHttp.JSON;

import dev.paymentrouter.simulator.SimulatorEngine.Admission;
import dev.paymentrouter.simulator.SimulatorEngine.ChargeAttempt;
import dev.paymentrouter.simulator.SimulatorEngine.Decision;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The simulator's own protocol: {@code POST /v1/charges} (JSON, {@code Idempotency-Key} required, bearer key),
 * {@code GET /v1/charges?reference=} and {@code GET /v1/charges/{id}}. Every charge answer is 201 with the ledger
 * shape itself; errors are {@code {"error":"<code>"}}.
 */
final class NativeDialect implements Dialect {

  private static final String CHARGES_PATH = "/v1/charges";
  private static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;
  // Only answers that recorded something are replayed: a 500 or 503 leaves the key free for a fresh try.
  private static final SimulatorEngine.Rules RULES = new SimulatorEngine.Rules(null,
      EnumSet.of(Outcome.Kind.APPROVE, Outcome.Kind.DECLINE, Outcome.Kind.ACTION_REQUIRED, Outcome.Kind.PENDING,
          Outcome.Kind.LOST_RESPONSE),
      "ch_", 24, "0123456789abcdefghijklmnopqrstuvwxyz");

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
        charge.currency(), charge.token(), charge);
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

  private Mono<Void> found(HttpServerResponse response, Optional<SimulatorCharge> charge) {
    return charge.map(found -> SimulatorHttp.json(response, 200, chargeJson(found)))
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
