package dev.paymentrouter.simulator;

import static dev.paymentrouter.simulator.SimulatorHttp.IDEMPOTENCY_KEY;
import static dev.paymentrouter.simulator.SimulatorHttp.JSON;

import dev.paymentrouter.simulator.SimulatorEngine.Admission;
import dev.paymentrouter.simulator.SimulatorModification.Kind;
import dev.paymentrouter.simulator.SimulatorModifications.Decision;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Adyen's modifications of a payment, Checkout API v71: {@code POST /v71/payments/{pspReference}/captures},
 * {@code /cancels} and {@code /refunds} (operations PostPaymentsPaymentPspReferenceCaptures, -Cancels, -Refunds;
 * requests carry {@code merchantAccount}, {@code amount} for a capture or refund, and {@code reference}), each answered
 * 201 with {@code status: "received"} and a new pspReference.
 *
 * <p>Adyen confirms a modification later, by webhook, never in the answer. The simulator applies it at once in its
 * ledger and, when the money rules refuse it, still answers {@code received} like Adyen and records the modification
 * as {@code refused} (Adyen would send a webhook with {@code success=false}). Only a pspReference the simulator never
 * issued is refused in the answer: 422 with Adyen's ServiceError shape (the simulator's choice, not confirmed).
 */
final class AdyenModifications {

  private static final String PAYMENTS_PATH = "/v71/payments/";
  private static final Map<String, Kind> PATHS = Map.of("captures", Kind.CAPTURE, "cancels", Kind.CANCEL,
      "refunds", Kind.REFUND);
  // As for payments: Adyen keeps keys 31 days and stores no error answer.
  private static final SimulatorModifications.Terms TERMS = new SimulatorModifications.Terms(Duration.ofDays(31),
      EnumSet.of(Outcome.Kind.APPROVE, Outcome.Kind.LOST_RESPONSE),
      Map.of(Kind.CAPTURE, "", Kind.CANCEL, "", Kind.REFUND, ""), 16, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", true);

  /** A validated modification; equality is the body's, which is what Adyen compares for a replay. */
  record AdyenModification(JsonNode body, Kind kind, String pspReference, Long amount, String reference) {}

  private final SimulatorEngine engine;
  private final AdyenDialect dialect;
  private final String merchantAccount;

  AdyenModifications(SimulatorEngine engine, AdyenDialect dialect, String merchantAccount) {
    this.engine = engine;
    this.dialect = dialect;
    this.merchantAccount = merchantAccount;
  }

  Optional<Mono<Void>> route(HttpServerRequest request, HttpServerResponse response, QueryStringDecoder uri) {
    String path = uri.path();
    if (!request.method().equals(HttpMethod.POST) || !path.startsWith(PAYMENTS_PATH)) {
      return Optional.empty();
    }
    String[] parts = path.substring(PAYMENTS_PATH.length()).split("/", -1);
    if (parts.length != 2 || parts[0].isEmpty() || !PATHS.containsKey(parts[1])) {
      return Optional.empty();
    }
    return Optional.of(modify(request, response, PATHS.get(parts[1]), parts[0]));
  }

  private Mono<Void> modify(HttpServerRequest request, HttpServerResponse response, Kind kind, String psp) {
    return SimulatorHttp.body(request).flatMap(body -> switch (engine.admit(dialect.authorized(request))) {
      case Admission.Refused refused -> switch (refused.refusal()) {
        case UNAVAILABLE -> AdyenDialect.error(response, AdyenDialect.unavailable(), false);
        case UNAUTHORIZED -> AdyenDialect.error(response, new AdyenDialect.AdyenError(401, "000", "security",
            "HTTP Status Response - Unauthorized"), false);
        case RATE_LIMITED -> AdyenDialect.error(response, AdyenDialect.rateLimited(), false);
      };
      case Admission.Admitted admitted -> validated(request, response, body, admitted, kind, psp);
    });
  }

  private Mono<Void> validated(HttpServerRequest request, HttpServerResponse response, String body,
      Admission.Admitted admitted, Kind kind, String psp) {
    String key = request.requestHeaders().get(IDEMPOTENCY_KEY);
    AdyenModification modification;
    try {
      if (key != null && key.length() > AdyenDialect.MAX_IDEMPOTENCY_KEY_LENGTH) {
        throw AdyenDialect.validation("000", "Idempotency-Key must be at most "
            + AdyenDialect.MAX_IDEMPOTENCY_KEY_LENGTH + " characters");
      }
      modification = parse(body, kind, psp);
    } catch (AdyenDialect.AdyenError e) {
      return AdyenDialect.error(response, e, false);
    }
    if (key != null) {
      response.header(IDEMPOTENCY_KEY, key);
    }
    SimulatorModifications.Attempt attempt = new SimulatorModifications.Attempt(key, psp, kind,
        modification.amount(), modification.reference() == null ? "" : modification.reference(), null, modification);
    return engine.modify(admitted, attempt, TERMS).flatMap(decision -> respond(response, modification, decision));
  }

  private AdyenModification parse(String body, Kind kind, String psp) {
    JsonNode root;
    try {
      root = body.isBlank() ? null : JSON.readTree(body);
    } catch (JacksonException e) {
      root = null;
    }
    if (root == null || !root.isObject()) {
      throw new AdyenDialect.AdyenError(400, "702", "validation", "Unexpected input: the body must be a JSON object");
    }
    String account = AdyenDialect.text(root, "merchantAccount");
    if (account == null) {
      throw AdyenDialect.validation("000", "Required field 'merchantAccount' is not provided.");
    }
    if (merchantAccount != null && !merchantAccount.equals(account)) {
      throw new AdyenDialect.AdyenError(403, "901", "security", "Invalid Merchant Account");
    }
    Long amount = null;
    if (kind != Kind.CANCEL) {
      JsonNode money = root.get("amount");
      if (money == null || !money.isObject()) {
        throw AdyenDialect.validation("100", "Required object 'amount' is not provided.");
      }
      JsonNode value = money.get("value");
      if (value == null || !value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() <= 0) {
        throw AdyenDialect.validation("137", "Invalid amount specified");
      }
      String currency = AdyenDialect.text(money, "currency");
      if (currency == null || !AdyenDialect.CURRENCY.matcher(currency).matches()) {
        throw AdyenDialect.validation("138", "Unsupported currency specified");
      }
      amount = value.longValue();
    }
    return new AdyenModification(root, kind, psp, amount, AdyenDialect.text(root, "reference"));
  }

  private Mono<Void> respond(HttpServerResponse response, AdyenModification modification, Decision decision) {
    return switch (decision) {
      case Decision.KeyInUse ignored -> AdyenDialect.error(response, AdyenDialect.inProgress(409), true);
      case Decision.KeyReused ignored -> AdyenDialect.error(response, AdyenDialect.inProgress(422), false);
      case Decision.Answer answer -> switch (answer.outcome().kind()) {
        case APPROVE -> answer.application().entry() == null
            // Only an unknown pspReference leaves nothing to record.
            ? AdyenDialect.error(response, AdyenDialect.validation("167",
                "Original pspReference required for this operation"), false)
            : SimulatorHttp.json(response, 201, JSON.writeValueAsString(received(modification,
                answer.application().entry().modification())));
        case UNAVAILABLE -> AdyenDialect.error(response, AdyenDialect.unavailable(), false);
        case ERROR -> AdyenDialect.error(response, new AdyenDialect.AdyenError(500, "000", "internal",
            "Internal error"), true);
        case RATE_LIMITED -> AdyenDialect.error(response, AdyenDialect.rateLimited(), false);
        case HANG, LOST_RESPONSE -> SimulatorHttp.hang(response, answer.hangDuration());
        case DECLINE, ACTION_REQUIRED, PENDING -> AdyenDialect.error(response, new AdyenDialect.AdyenError(500,
            "000", "internal", "Internal error"), true);
      };
    };
  }

  /** The answer to every accepted modification, refused ones included: Adyen tells the result only by webhook. */
  private static ObjectNode received(AdyenModification request, SimulatorModification recorded) {
    ObjectNode node = JSON.createObjectNode();
    node.put("merchantAccount", AdyenDialect.text(request.body(), "merchantAccount"));
    node.put("paymentPspReference", request.pspReference());
    node.put("pspReference", recorded.id());
    if (request.reference() != null) {
      node.put("reference", request.reference());
    }
    if (request.amount() != null) {
      node.set("amount", request.body().get("amount"));
    }
    node.put("status", "received");
    return node;
  }
}
