package dev.paymentrouter.simulator;

import static dev.paymentrouter.simulator.SimulatorHttp.JSON;

import io.netty.handler.codec.http.HttpMethod;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The test's own door, {@code /_sim/*}, identical for every dialect and never authenticated: ledger, stats,
 * behaviour and reset. Its errors keep the native shape whatever the dialect, so one chaos harness drives all.
 */
final class SimulatorAdmin {

  private final SimulatorEngine engine;
  private final SimulatorDialect dialect;

  SimulatorAdmin(SimulatorEngine engine, SimulatorDialect dialect) {
    this.engine = engine;
    this.dialect = dialect;
  }

  /** The answer when the path is one of the control endpoints, else empty. */
  Optional<Mono<Void>> route(HttpServerRequest request, HttpServerResponse response, String path) {
    HttpMethod method = request.method();
    if (path.equals("/_sim/ledger") && method.equals(HttpMethod.GET)) {
      return Optional.of(SimulatorHttp.json(response, 200, ledgerJson(engine.ledger())));
    }
    if (path.equals("/_sim/stats") && method.equals(HttpMethod.GET)) {
      return Optional.of(SimulatorHttp.json(response, 200, statsJson(engine.stats())));
    }
    if (path.equals("/_sim/config") && method.equals(HttpMethod.GET)) {
      return Optional.of(SimulatorHttp.json(response, 200, behaviourJson(engine.behaviour())));
    }
    if (path.equals("/_sim/config") && method.equals(HttpMethod.PUT)) {
      return Optional.of(SimulatorHttp.body(request).flatMap(body -> updateConfig(response, body)));
    }
    if (path.equals("/_sim/reset") && method.equals(HttpMethod.POST)) {
      // The body is drained so that the connection stays reusable.
      return Optional.of(SimulatorHttp.body(request).then(Mono.defer(() -> {
        engine.reset();
        return response.status(204).send();
      })));
    }
    return Optional.empty();
  }

  private Mono<Void> updateConfig(HttpServerResponse response, String body) {
    SimulatorBehaviour next;
    try {
      JsonNode patch = readObject(body);
      next = engine.change(current -> patched(current, patch));
    } catch (ChargeRequest.InvalidRequestException | IllegalArgumentException e) {
      return invalidRequest(response, e.getMessage());
    }
    return SimulatorHttp.json(response, 200, behaviourJson(next));
  }

  private static JsonNode readObject(String body) {
    JsonNode patch;
    try {
      patch = body.isBlank() ? null : JSON.readTree(body);
    } catch (JacksonException e) {
      throw new ChargeRequest.InvalidRequestException("body is not valid JSON");
    }
    if (patch == null || !patch.isObject()) {
      throw new ChargeRequest.InvalidRequestException("body must be a JSON object");
    }
    return patch;
  }

  private SimulatorBehaviour patched(SimulatorBehaviour base, JsonNode patch) {
    SimulatorBehaviour next = base;
    for (Map.Entry<String, JsonNode> field : patch.properties()) {
      String name = field.getKey();
      JsonNode value = field.getValue();
      next = switch (name) {
        case "latencyMs" -> next.withLatencyMs(longValue(name, value));
        case "latencyJitterMs" -> next.withLatencyJitterMs(longValue(name, value));
        case "declineRate" -> next.withDeclineRate(rateValue(name, value));
        case "errorRate" -> next.withErrorRate(rateValue(name, value));
        case "unavailableRate" -> next.withUnavailableRate(rateValue(name, value));
        case "hangRate" -> next.withHangRate(rateValue(name, value));
        case "lostResponseRate" -> next.withLostResponseRate(rateValue(name, value));
        case "rateLimitPerSecond" -> next.withRateLimitPerSecond(intValue(name, value));
        case "available" -> next.withAvailable(booleanValue(name, value));
        case "hangDurationMs" -> next.withHangDuration(Duration.ofMillis(longValue(name, value)));
        case "slowTokenDelayMs" -> next.withSlowTokenDelay(Duration.ofMillis(longValue(name, value)));
        // Shown by GET so a harness can check what it talks to; the wire format cannot change under a client.
        case "dialect" -> {
          if (!value.isString() || !value.stringValue().equals(dialect.wireName())) {
            throw new ChargeRequest.InvalidRequestException("dialect is fixed at start, it is "
                + dialect.wireName());
          }
          yield next;
        }
        // A typo silently ignored would leave a test believing it configured a fault it did not.
        default -> throw new ChargeRequest.InvalidRequestException("unknown field " + name);
      };
    }
    return next;
  }

  private static long longValue(String field, JsonNode value) {
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw new ChargeRequest.InvalidRequestException(field + " must be an integer");
    }
    return value.longValue();
  }

  private static int intValue(String field, JsonNode value) {
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw new ChargeRequest.InvalidRequestException(field + " must be an integer");
    }
    return value.intValue();
  }

  private static double rateValue(String field, JsonNode value) {
    if (!value.isNumber()) {
      throw new ChargeRequest.InvalidRequestException(field + " must be a number between 0 and 1");
    }
    return value.doubleValue();
  }

  private static boolean booleanValue(String field, JsonNode value) {
    if (!value.isBoolean()) {
      throw new ChargeRequest.InvalidRequestException(field + " must be true or false");
    }
    return value.booleanValue();
  }

  static Mono<Void> invalidRequest(HttpServerResponse response, String message) {
    ObjectNode node = JSON.createObjectNode();
    node.put("error", "invalid_request");
    node.put("message", message);
    return SimulatorHttp.json(response, 400, JSON.writeValueAsString(node));
  }

  /** The uniform ledger shape the chaos audit reads, whatever the dialect. */
  static ObjectNode chargeNode(SimulatorCharge charge) {
    ObjectNode node = JSON.createObjectNode();
    node.put("id", charge.id());
    node.put("reference", charge.reference());
    node.put("idempotencyKey", charge.idempotencyKey());
    node.put("status", charge.status());
    node.put("declineCode", charge.declineCode());
    node.put("amount", charge.amount());
    node.put("currency", charge.currency());
    node.put("createdAt", charge.createdAt().toString());
    return node;
  }

  /** The charge with its money since: captured, voided (released) and refunded totals and its modifications. */
  static ObjectNode chargeWithTotals(SimulatorCharge charge, SimulatorLedger ledger) {
    ObjectNode node = chargeNode(charge);
    SimulatorLedger.Totals totals = ledger.totalsOf(charge.id());
    node.put("captured", totals.captured());
    node.put("voided", totals.voided());
    node.put("refunded", totals.refunded());
    ArrayNode modifications = node.putArray("modifications");
    ledger.modificationsOf(charge.id()).forEach(modification -> modifications.add(modificationNode(modification)));
    return node;
  }

  /** The uniform modification shape, whatever the dialect. */
  static ObjectNode modificationNode(SimulatorModification modification) {
    ObjectNode node = JSON.createObjectNode();
    node.put("id", modification.id());
    node.put("charge", modification.chargeId());
    node.put("kind", modification.kind().wireName());
    node.put("amount", modification.amount());
    node.put("currency", modification.currency());
    node.put("status", modification.status());
    if (modification.code() != null) {
      node.put("code", modification.code());
    }
    if (modification.reason() != null) {
      node.put("reason", modification.reason());
    }
    node.put("reference", modification.reference());
    node.put("idempotencyKey", modification.idempotencyKey());
    node.put("createdAt", modification.createdAt().toString());
    return node;
  }

  private static String ledgerJson(SimulatorLedger ledger) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode charges = root.putArray("charges");
    ledger.charges().forEach(charge -> charges.add(chargeWithTotals(charge, ledger)));
    return JSON.writeValueAsString(root);
  }

  private static String statsJson(SimulatorStats stats) {
    ObjectNode node = JSON.createObjectNode();
    node.put("requests", stats.requests());
    node.put("approved", stats.approved());
    node.put("declined", stats.declined());
    node.put("rateLimited", stats.rateLimited());
    node.put("unavailable", stats.unavailable());
    node.put("errors", stats.errors());
    node.put("hangs", stats.hangs());
    node.put("lostResponses", stats.lostResponses());
    node.put("replays", stats.replays());
    node.put("statusQueries", stats.statusQueries());
    return JSON.writeValueAsString(node);
  }

  private String behaviourJson(SimulatorBehaviour behaviour) {
    ObjectNode node = JSON.createObjectNode();
    node.put("dialect", dialect.wireName());
    node.put("latencyMs", behaviour.latencyMs());
    node.put("latencyJitterMs", behaviour.latencyJitterMs());
    node.put("declineRate", behaviour.declineRate());
    node.put("errorRate", behaviour.errorRate());
    node.put("unavailableRate", behaviour.unavailableRate());
    node.put("hangRate", behaviour.hangRate());
    node.put("lostResponseRate", behaviour.lostResponseRate());
    node.put("rateLimitPerSecond", behaviour.rateLimitPerSecond());
    node.put("available", behaviour.available());
    node.put("hangDurationMs", behaviour.hangDuration().toMillis());
    node.put("slowTokenDelayMs", behaviour.slowTokenDelay().toMillis());
    return JSON.writeValueAsString(node);
  }
}
