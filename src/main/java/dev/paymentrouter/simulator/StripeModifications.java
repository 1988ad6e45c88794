package dev.paymentrouter.simulator;

import static dev.paymentrouter.simulator.SimulatorHttp.IDEMPOTENCY_KEY;
import static dev.paymentrouter.simulator.SimulatorHttp.JSON;

import dev.paymentrouter.simulator.SimulatorEngine.Admission;
import dev.paymentrouter.simulator.SimulatorModification.Kind;
import dev.paymentrouter.simulator.SimulatorModifications.Decision;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.node.ObjectNode;

/**
 * Stripe's side of changing a PaymentIntent: {@code POST /v1/payment_intents/{id}/capture} ({@code amount_to_capture}),
 * {@code POST /v1/payment_intents/{id}/cancel} ({@code cancellation_reason}), {@code POST /v1/refunds}
 * ({@code payment_intent}, {@code amount}, {@code reason}, {@code metadata[...]}), {@code GET /v1/refunds/{id}} and
 * {@code GET /v1/refunds?payment_intent=}. Shapes follow the API reference (operations
 * PostPaymentIntentsIntentCapture, PostPaymentIntentsIntentCancel, PostRefunds, GetRefundsRefund, GetRefunds; objects
 * PaymentIntent, Refund, Error); only the fields a connector reads are filled.
 *
 * <p>Refusals, as Stripe words them: capture or cancel in the wrong state 400 {@code payment_intent_unexpected_state};
 * a fully refunded charge 400 {@code charge_already_refunded}; an amount above what is capturable or left to refund
 * 400 {@code amount_too_large}; a PaymentIntent with no captured charge 400 {@code charge_not_refundable} (these last
 * two codes are the closest of Stripe's error-code list, not confirmed against a live answer); an unknown id 404
 * {@code resource_missing}. A capture and a cancel answer the PaymentIntent, so the ledger ids of those two
 * ({@code cp_}/{@code cn_}) never reach Stripe's wire; a refund's is its {@code re_} id.
 */
final class StripeModifications {

  private static final String INTENTS_PATH = StripeDialect.INTENTS_PATH;
  private static final String REFUNDS_PATH = "/v1/refunds";
  private static final Set<String> CAPTURE_PARAMS = Set.of("amount_to_capture", "application_fee_amount", "expand",
      "final_capture", "metadata", "statement_descriptor", "statement_descriptor_suffix", "transfer_data");
  private static final Set<String> CANCEL_PARAMS = Set.of("cancellation_reason", "expand");
  private static final Set<String> REFUND_PARAMS = Set.of("amount", "charge", "currency", "customer", "expand",
      "instructions_email", "metadata", "origin", "payment_intent", "reason", "refund_application_fee",
      "reverse_transfer");
  private static final Set<String> CANCELLATION_REASONS = Set.of("duplicate", "fraudulent", "requested_by_customer",
      "abandoned");
  private static final Set<String> REFUND_REASONS = Set.of("duplicate", "fraudulent", "requested_by_customer");

  // As for PaymentIntents: Stripe stores the answer of every request that began executing, 500s included.
  private static final SimulatorModifications.Terms TERMS = new SimulatorModifications.Terms(Duration.ofHours(24),
      EnumSet.of(Outcome.Kind.APPROVE, Outcome.Kind.LOST_RESPONSE, Outcome.Kind.ERROR),
      Map.of(Kind.CAPTURE, "cp_", Kind.CANCEL, "cn_", Kind.REFUND, "re_"), 24,
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", false);

  /** A validated modification: all fields derive from {@code params}, so equality is Stripe's "same parameters". */
  record StripeModification(Map<String, String> params, Kind kind, String intentId, Long amount, String reason) {}

  private final SimulatorEngine engine;
  private final StripeDialect dialect;

  StripeModifications(SimulatorEngine engine, StripeDialect dialect) {
    this.engine = engine;
    this.dialect = dialect;
  }

  Optional<Mono<Void>> route(HttpServerRequest request, HttpServerResponse response, QueryStringDecoder uri) {
    String path = uri.path();
    HttpMethod method = request.method();
    if (method.equals(HttpMethod.POST) && path.startsWith(INTENTS_PATH + "/")) {
      String[] parts = path.substring(INTENTS_PATH.length() + 1).split("/", -1);
      if (parts.length == 2 && !parts[0].isEmpty() && (parts[1].equals("capture") || parts[1].equals("cancel"))) {
        return Optional.of(modify(request, response, parts[1].equals("capture") ? Kind.CAPTURE : Kind.CANCEL,
            parts[0]));
      }
    }
    if (method.equals(HttpMethod.POST) && path.equals(REFUNDS_PATH)) {
      return Optional.of(modify(request, response, Kind.REFUND, null));
    }
    if (method.equals(HttpMethod.GET) && path.equals(REFUNDS_PATH)) {
      return Optional.of(StripeDialect.drained(request, () -> listRefunds(request, response, uri)));
    }
    if (method.equals(HttpMethod.GET) && path.startsWith(REFUNDS_PATH + "/")) {
      String id = path.substring(REFUNDS_PATH.length() + 1);
      if (!id.isEmpty() && !id.contains("/")) {
        return Optional.of(StripeDialect.drained(request, () -> retrieveRefund(request, response, id)));
      }
    }
    return Optional.empty();
  }

  private Mono<Void> modify(HttpServerRequest request, HttpServerResponse response, Kind kind, String intentId) {
    return SimulatorHttp.body(request).flatMap(body -> switch (engine.admit(dialect.authorized(request))) {
      case Admission.Refused refused -> switch (refused.refusal()) {
        case UNAVAILABLE -> StripeObjects.error(response, StripeObjects.apiError(503));
        case UNAUTHORIZED -> StripeDialect.unauthorized(request, response);
        case RATE_LIMITED -> StripeObjects.error(response, StripeObjects.rateLimit(null));
      };
      case Admission.Admitted admitted -> validated(request, response, body, admitted, kind, intentId);
    });
  }

  private Mono<Void> validated(HttpServerRequest request, HttpServerResponse response, String body,
      Admission.Admitted admitted, Kind kind, String intentId) {
    String key = request.requestHeaders().get(IDEMPOTENCY_KEY);
    StripeModification modification;
    try {
      if (key != null && key.length() > StripeDialect.MAX_IDEMPOTENCY_KEY_LENGTH) {
        throw StripeObjects.invalid(null, null, "Idempotency-Key must be at most "
            + StripeDialect.MAX_IDEMPOTENCY_KEY_LENGTH + " characters.");
      }
      modification = parse(request.requestHeaders().get(HttpHeaderNames.CONTENT_TYPE), body, kind, intentId);
    } catch (StripeObjects.StripeError e) {
      return StripeObjects.error(response, e);
    }
    if (key != null) {
      response.header(IDEMPOTENCY_KEY, key);
    }
    // Stripe has no reference field on a capture or cancel: the idempotency key is the router's reference.
    SimulatorModifications.Attempt attempt = new SimulatorModifications.Attempt(key, modification.intentId(), kind,
        modification.amount(), key == null ? "" : key, modification.reason(), modification);
    return engine.modify(admitted, attempt, TERMS).flatMap(decision -> respond(response, key, modification,
        decision));
  }

  private static StripeModification parse(String contentType, String body, Kind kind, String intentId) {
    // An empty body is a valid capture or cancel (no parameters): Stripe's SDKs send no Content-Type then.
    if (!body.isEmpty() && (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/"
        + "x-www-form-urlencoded"))) {
      throw StripeObjects.invalid(null, null, "Invalid request: the body must be " + StripeDialect.FORM + ".");
    }
    Map<String, String> params = new TreeMap<>();
    new QueryStringDecoder(body, StandardCharsets.UTF_8, false).parameters()
        .forEach((name, values) -> params.put(name, values.getLast()));
    Set<String> known = switch (kind) {
      case CAPTURE -> CAPTURE_PARAMS;
      case CANCEL -> CANCEL_PARAMS;
      case REFUND -> REFUND_PARAMS;
    };
    for (String name : params.keySet()) {
      int bracket = name.indexOf('[');
      if (!known.contains(bracket < 0 ? name : name.substring(0, bracket))) {
        throw StripeObjects.invalid("parameter_unknown", name, "Received unknown parameter: " + name);
      }
    }
    return switch (kind) {
      case CAPTURE -> new StripeModification(Map.copyOf(params), kind, intentId,
          params.containsKey("amount_to_capture") ? StripeDialect.amount(params.get("amount_to_capture")) : null,
          null);
      case CANCEL -> new StripeModification(Map.copyOf(params), kind, intentId, null,
          reason(params, "cancellation_reason", CANCELLATION_REASONS));
      case REFUND -> {
        String paymentIntent = params.get("payment_intent");
        if (paymentIntent == null || paymentIntent.isEmpty()) {
          // The simulator's charges are PaymentIntents: a refund names one (Stripe also takes a charge id).
          throw StripeObjects.invalid("parameter_missing", "payment_intent", "Missing required param: "
              + "payment_intent.");
        }
        yield new StripeModification(Map.copyOf(params), kind, paymentIntent,
            params.containsKey("amount") ? StripeDialect.amount(params.get("amount")) : null,
            reason(params, "reason", REFUND_REASONS));
      }
    };
  }

  private static String reason(Map<String, String> params, String name, Set<String> allowed) {
    String value = params.get(name);
    if (value != null && !allowed.contains(value)) {
      throw StripeObjects.invalid("parameter_invalid_string", name, "Invalid " + name + ": must be one of "
          + String.join(", ", allowed.stream().sorted().toList()));
    }
    return value;
  }

  private Mono<Void> respond(HttpServerResponse response, String key, StripeModification modification,
      Decision decision) {
    return switch (decision) {
      case Decision.KeyReused ignored -> StripeObjects.error(response, new StripeObjects.StripeError(400,
          "idempotency_error", null, null, "Keys for idempotent requests can only be used with the same parameters "
              + "they were first used with. Try using a key other than '" + key + "' if you meant to execute a "
              + "different request."));
      case Decision.KeyInUse ignored -> StripeObjects.error(response, new StripeObjects.StripeError(409,
          "invalid_request_error", "idempotency_key_in_use", null, "There is currently another in-progress request "
              + "using this Idempotency-Key: " + key + ". Please try again later."));
      case Decision.Answer answer -> {
        if (answer.replayed()) {
          response.header("Idempotent-Replayed", "true");
        }
        yield switch (answer.outcome().kind()) {
          case APPROVE -> answer.application().refusal() == null
              ? SimulatorHttp.json(response, 200, JSON.writeValueAsString(answerNode(answer.application())))
              : StripeObjects.error(response, refusal(answer.application(), modification));
          case UNAVAILABLE -> StripeObjects.error(response, StripeObjects.apiError(503));
          case ERROR -> StripeObjects.error(response, StripeObjects.apiError(500));
          case RATE_LIMITED -> StripeObjects.error(response, StripeObjects.rateLimit(answer.outcome().code()));
          case HANG, LOST_RESPONSE -> SimulatorHttp.hang(response, answer.hangDuration());
          // Modifications draw no decline and no customer action.
          case DECLINE, ACTION_REQUIRED, PENDING -> StripeObjects.error(response, StripeObjects.apiError(500));
        };
      }
    };
  }

  /** A capture or cancel answers the PaymentIntent after it alone, a refund the Refund: replays render the same. */
  private static ObjectNode answerNode(SimulatorLedger.Application application) {
    SimulatorModification modification = application.entry().modification();
    return modification.kind() == Kind.REFUND
        ? refundNode(modification, application.charge())
        : changedIntentNode(application.charge(), application.entry());
  }

  /**
   * The PaymentIntent after a capture or cancel, with the metadata the request set: Stripe's capture takes
   * {@code metadata[...]} and updates the PaymentIntent's with it (where the router's connector puts its capture key).
   */
  static ObjectNode changedIntentNode(SimulatorLedger.Entry charge, SimulatorLedger.ModificationEntry entry) {
    ObjectNode node = StripeObjects.intentNode(charge, List.of(entry.modification()));
    if (entry.request() instanceof StripeModification request) {
      addMetadata((ObjectNode) node.get("metadata"), request.params());
    }
    return node;
  }

  /** Adds the request's {@code metadata[key]=value} fields to an object's metadata. */
  static void addMetadata(ObjectNode metadata, Map<String, String> params) {
    params.forEach((name, value) -> {
      if (name.startsWith("metadata[") && name.endsWith("]")) {
        metadata.put(name.substring("metadata[".length(), name.length() - 1), value);
      }
    });
  }

  private StripeObjects.StripeError refusal(SimulatorLedger.Application application, StripeModification request) {
    SimulatorLedger.Entry charge = application.charge();
    String status = charge == null ? "" : StripeObjects.intentNode(charge,
        engine.ledger().modificationsOf(charge.charge().id())).path("status").asString("");
    return switch (application.refusal()) {
      case CHARGE_NOT_FOUND -> new StripeObjects.StripeError(404, "invalid_request_error", "resource_missing",
          request.kind() == Kind.REFUND ? "payment_intent" : "intent",
          "No such payment_intent: '" + request.intentId() + "'");
      case NOT_CAPTURABLE, NOT_CANCELLABLE, ALREADY_CAPTURED, ALREADY_CANCELLED -> request.kind() == Kind.REFUND
          ? notRefundable(request)
          : unexpectedState(request.kind(), status);
      case NOT_REFUNDABLE -> notRefundable(request);
      case ALREADY_REFUNDED -> StripeObjects.invalid("charge_already_refunded", null, "Charge ch_"
          + request.intentId().substring(Math.min(3, request.intentId().length())) + " has already been refunded.");
      case AMOUNT_TOO_LARGE -> request.kind() == Kind.CAPTURE
          ? StripeObjects.invalid("amount_too_large", "amount_to_capture", "The amount to capture must be less than "
              + "or equal to the amount_capturable.")
          : StripeObjects.invalid("amount_too_large", "amount", "Refund amount is greater than unrefunded amount "
              + "on charge.");
    };
  }

  private static StripeObjects.StripeError unexpectedState(Kind kind, String status) {
    return kind == Kind.CAPTURE
        ? StripeObjects.invalid("payment_intent_unexpected_state", null, "This PaymentIntent could not be captured "
            + "because it has a status of " + status + ". Only a PaymentIntent with one of the following statuses "
            + "may be captured: requires_capture.")
        : StripeObjects.invalid("payment_intent_unexpected_state", null, "You cannot cancel this PaymentIntent "
            + "because it has a status of " + status + ". Only a PaymentIntent with one of the following statuses "
            + "may be canceled: requires_payment_method, requires_capture, requires_confirmation, requires_action, "
            + "processing.");
  }

  private static StripeObjects.StripeError notRefundable(StripeModification request) {
    return StripeObjects.invalid("charge_not_refundable", "payment_intent", "This PaymentIntent ("
        + request.intentId() + ") does not have a successful charge to refund.");
  }

  // ---- GET /v1/refunds/{id} and /v1/refunds?payment_intent= ----

  private Mono<Void> retrieveRefund(HttpServerRequest request, HttpServerResponse response, String id) {
    if (!dialect.authorized(request)) {
      return StripeDialect.unauthorized(request, response);
    }
    return engine.ledger().modificationEntryById(id)
        .filter(entry -> entry.request() instanceof StripeModification && entry.modification().kind() == Kind.REFUND)
        .map(entry -> SimulatorHttp.json(response, 200, JSON.writeValueAsString(refundNode(entry.modification(),
            engine.ledger().entryById(entry.modification().chargeId()).orElseThrow()))))
        .orElseGet(() -> StripeObjects.error(response, new StripeObjects.StripeError(404, "invalid_request_error",
            "resource_missing", "id", "No such refund: '" + id + "'")));
  }

  private Mono<Void> listRefunds(HttpServerRequest request, HttpServerResponse response, QueryStringDecoder uri) {
    engine.countStatusQuery();
    if (!dialect.authorized(request)) {
      return StripeDialect.unauthorized(request, response);
    }
    List<String> intents = uri.parameters().getOrDefault("payment_intent", List.of());
    ObjectNode result = JSON.createObjectNode();
    result.put("object", "list");
    result.put("url", REFUNDS_PATH);
    result.put("has_more", false);
    var data = result.putArray("data");
    // Newest first, as Stripe lists.
    engine.ledger().modifications().reversed().stream()
        .filter(modification -> modification.kind() == Kind.REFUND)
        .filter(modification -> intents.isEmpty() || intents.getFirst().equals(modification.chargeId()))
        .forEach(modification -> engine.ledger().entryById(modification.chargeId())
            .ifPresent(charge -> data.add(refundNode(modification, charge))));
    return SimulatorHttp.json(response, 200, JSON.writeValueAsString(result));
  }

  static ObjectNode refundNode(SimulatorModification refund, SimulatorLedger.Entry charge) {
    ObjectNode node = JSON.createObjectNode();
    node.put("id", refund.id());
    node.put("object", "refund");
    node.put("amount", refund.amount());
    node.put("charge", "ch_" + charge.charge().id().substring("pi_".length()));
    node.put("created", refund.createdAt().getEpochSecond());
    node.put("currency", refund.currency().toLowerCase(Locale.ROOT));
    node.putObject("metadata");
    node.put("payment_intent", charge.charge().id());
    if (refund.reason() == null) {
      node.putNull("reason");
    } else {
      node.put("reason", refund.reason());
    }
    node.put("status", refund.status());
    return node;
  }
}
