package dev.paymentrouter.simulator;

import static dev.paymentrouter.simulator.SimulatorHttp.IDEMPOTENCY_KEY;
import static dev.paymentrouter.simulator.SimulatorHttp.JSON;

import dev.paymentrouter.simulator.SimulatorEngine.Admission;
import dev.paymentrouter.simulator.SimulatorEngine.Decision;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Adyen's Checkout API v71, as far as a router authorises a card with it: {@code POST /v71/payments} (operation
 * PostPayments of CheckoutService-v71; request PaymentRequest, answers PaymentResponse and ServiceError). Adyen has
 * no status endpoint for a payment: a router reconciles by replaying the POST under the same idempotency key.
 * The magic token is the {@code storedPaymentMethodId}, or the card number with Adyen's {@code test_} prefix removed.
 */
final class AdyenDialect implements Dialect {

  private static final String PAYMENTS_PATH = "/v71/payments";
  static final int MAX_IDEMPOTENCY_KEY_LENGTH = 64;
  private static final int MAX_REFERENCE_LENGTH = 80;
  static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
  private static final Pattern CARD_NUMBER = Pattern.compile("[0-9]{12,19}");
  private static final String TEST_PREFIX = "test_";

  // Adyen keeps keys at least 31 days (its API-idempotency page). Errors are not stored: Adyen marks them transient,
  // and a retry under the same key is processed again.
  private static final SimulatorEngine.Rules RULES = new SimulatorEngine.Rules(Duration.ofDays(31),
      EnumSet.of(Outcome.Kind.APPROVE, Outcome.Kind.DECLINE, Outcome.Kind.ACTION_REQUIRED, Outcome.Kind.PENDING,
          Outcome.Kind.LOST_RESPONSE),
      "", 16, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ");

  /**
   * The engine's decline codes as Adyen's refusal reasons (refusalReasonCode, refusalReason), from Adyen's
   * refusal-reasons table. A connector decides retryability from these codes, so each maps to the closest reason.
   */
  private static final Map<String, Refusal> REFUSALS = Map.ofEntries(
      Map.entry("card_declined", new Refusal("2", "Refused")),
      // The issuer's "do not honour" reaches the merchant as a plain refusal.
      Map.entry("do_not_honor", new Refusal("2", "Refused")),
      Map.entry("processing_error", new Refusal("4", "Acquirer Error")),
      Map.entry("lost_card", new Refusal("5", "Blocked Card")),
      Map.entry("stolen_card", new Refusal("5", "Blocked Card")),
      Map.entry("expired_card", new Refusal("6", "Expired Card")),
      Map.entry("invalid_card", new Refusal("8", "Invalid Card Number")),
      Map.entry("issuer_unavailable", new Refusal("9", "Issuer Unavailable")),
      // A temporary refusal: the issuer could not decide now, the nearest reason is an unreachable issuer.
      Map.entry("try_again_later", new Refusal("9", "Issuer Unavailable")),
      Map.entry("insufficient_funds", new Refusal("12", "Not enough balance")),
      Map.entry("fraudulent", new Refusal("20", "FRAUD")),
      Map.entry("incorrect_cvc", new Refusal("24", "CVC Declined")));

  private record Refusal(String code, String reason) {}

  /** Adyen's refusal reason text for one of the engine's decline codes. */
  static String refusalReason(String declineCode) {
    return REFUSALS.getOrDefault(declineCode, new Refusal("2", "Refused")).reason();
  }

  /** A validated payment. Equality is the body's, which is what Adyen compares for an idempotent replay. */
  record PaymentRequest(JsonNode body, long amount, String currency, String reference, String token) {}

  /** A refusal in Adyen's ServiceError shape. */
  static final class AdyenError extends RuntimeException {
    final int status;
    final String errorCode;
    final String errorType;

    AdyenError(int status, String errorCode, String errorType, String message) {
      super(message, null, false, false);
      this.status = status;
      this.errorCode = errorCode;
      this.errorType = errorType;
    }
  }

  private final SimulatorEngine engine;
  private final String apiKey;
  private final String merchantAccount;
  private final AdyenModifications modifications;

  AdyenDialect(SimulatorEngine engine, String apiKey, String merchantAccount) {
    this.engine = engine;
    this.apiKey = apiKey;
    this.merchantAccount = merchantAccount;
    this.modifications = new AdyenModifications(engine, this, merchantAccount);
  }

  @Override
  public Optional<Mono<Void>> route(HttpServerRequest request, HttpServerResponse response, QueryStringDecoder uri) {
    if (uri.path().equals(PAYMENTS_PATH) && request.method().equals(HttpMethod.POST)) {
      return Optional.of(payment(request, response));
    }
    return modifications.route(request, response, uri);
  }

  @Override
  public Mono<Void> notFound(HttpServerResponse response) {
    return error(response, new AdyenError(404, "000", "validation", "Not Found"), false);
  }

  @Override
  public Mono<Void> internalError(HttpServerResponse response) {
    return error(response, new AdyenError(500, "000", "internal", "Internal error"), false);
  }

  private Mono<Void> payment(HttpServerRequest request, HttpServerResponse response) {
    return SimulatorHttp.body(request).flatMap(body -> switch (engine.admit(authorized(request))) {
      case Admission.Refused refused -> switch (refused.refusal()) {
        case UNAVAILABLE -> error(response, unavailable(), false);
        case UNAUTHORIZED -> error(response, new AdyenError(401, "000", "security",
            "HTTP Status Response - Unauthorized"), false);
        case RATE_LIMITED -> error(response, rateLimited(), false);
      };
      case Admission.Admitted admitted -> validated(request, response, body, admitted);
    });
  }

  private Mono<Void> validated(HttpServerRequest request, HttpServerResponse response, String body,
      Admission.Admitted admitted) {
    String key = request.requestHeaders().get(IDEMPOTENCY_KEY);
    PaymentRequest payment;
    try {
      if (key != null && key.length() > MAX_IDEMPOTENCY_KEY_LENGTH) {
        throw validation("000", "Idempotency-Key must be at most " + MAX_IDEMPOTENCY_KEY_LENGTH + " characters");
      }
      payment = parse(body);
    } catch (AdyenError e) {
      return error(response, e, false);
    }
    if (key != null) {
      response.header(IDEMPOTENCY_KEY, key);
    }
    ChargeAttempt attempt = new ChargeAttempt(key, payment.reference(), payment.amount(), payment.currency(),
        payment.token(), payment, manualCapture(payment.body()));
    return engine.submit(admitted, attempt, RULES).flatMap(decision -> respond(response, decision));
  }

  private PaymentRequest parse(String body) {
    JsonNode root;
    try {
      root = body.isBlank() ? null : JSON.readTree(body);
    } catch (JacksonException e) {
      root = null;
    }
    if (root == null || !root.isObject()) {
      // Adyen's generic code for a body it cannot read.
      throw new AdyenError(400, "702", "validation", "Unexpected input: the body must be a JSON object");
    }
    String account = text(root, "merchantAccount");
    if (account == null) {
      throw validation("000", "Required field 'merchantAccount' is not provided.");
    }
    if (merchantAccount != null && !merchantAccount.equals(account)) {
      throw new AdyenError(403, "901", "security", "Invalid Merchant Account");
    }
    JsonNode amount = root.get("amount");
    if (amount == null || !amount.isObject()) {
      throw validation("100", "Required object 'amount' is not provided.");
    }
    JsonNode value = amount.get("value");
    if (value == null || !value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() <= 0) {
      // 137 "Invalid amount specified": recalled from Adyen's error-code list, not confirmed in the pages read.
      throw validation("137", "Invalid amount specified");
    }
    String currency = text(amount, "currency");
    if (currency == null || !CURRENCY.matcher(currency).matches()) {
      // 138 "Unsupported currency specified": recalled from Adyen's error-code list, not confirmed either.
      throw validation("138", "Unsupported currency specified");
    }
    String reference = text(root, "reference");
    if (reference == null) {
      throw validation("130", "Required field 'reference' is not provided.");
    }
    if (reference.length() > MAX_REFERENCE_LENGTH) {
      throw validation("130", "Field 'reference' must be at most " + MAX_REFERENCE_LENGTH + " characters");
    }
    return new PaymentRequest(root, value.longValue(), currency, reference, token(root));
  }

  /** The magic token of the payment method: a stored one's id, or the card number without its test prefix. */
  /**
   * Adyen's per-payment manual capture: {@code additionalData.manualCapture = "true"}. Without it the simulator's
   * account captures at once, as an account set to immediate capture does.
   */
  private static boolean manualCapture(JsonNode root) {
    JsonNode additional = root.get("additionalData");
    return additional != null && additional.isObject() && "true".equals(text(additional, "manualCapture"));
  }

  private static String token(JsonNode root) {
    JsonNode method = root.get("paymentMethod");
    if (method == null || !method.isObject()) {
      throw validation("000", "Required object 'paymentMethod' is not provided.");
    }
    if (!"scheme".equals(text(method, "type"))) {
      throw validation("000", "The simulator supports only paymentMethod type 'scheme'");
    }
    String stored = text(method, "storedPaymentMethodId");
    if (stored != null) {
      if (text(root, "shopperReference") == null) {
        throw validation("000", "Recurring payments require a shopperReference");
      }
      return stored;
    }
    String number = text(method, "encryptedCardNumber");
    if (number == null) {
      number = text(method, "number");
    }
    if (number == null) {
      throw validation("000", "Missing payment method details");
    }
    String token = number.startsWith(TEST_PREFIX) ? number.substring(TEST_PREFIX.length()) : number;
    if (!token.startsWith("tok_") && !CARD_NUMBER.matcher(token).matches()) {
      throw validation("101", "Invalid card number");
    }
    return token;
  }

  static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || !value.isString() || value.stringValue().isBlank() ? null : value.stringValue();
  }

  private Mono<Void> respond(HttpServerResponse response, Decision decision) {
    return switch (decision) {
      // Adyen's answer to a key whose first request is still running; transient-error tells the client to retry
      // later under the same key.
      case Decision.KeyInUse ignored -> error(response, inProgress(409), true);
      // Adyen documents no separate error for a key reused with another body; 704 without transient-error tells
      // the client not to retry this body under this key.
      case Decision.KeyReused ignored -> error(response, inProgress(422), false);
      case Decision.Answer answer -> switch (answer.outcome().kind()) {
        case APPROVE, DECLINE, ACTION_REQUIRED, PENDING -> SimulatorHttp.json(response, 200,
            JSON.writeValueAsString(paymentResponse(answer.entry())));
        case UNAVAILABLE -> error(response, unavailable(), false);
        case ERROR -> error(response, new AdyenError(500, "000", "internal", "Internal error"), true);
        case RATE_LIMITED -> error(response, rateLimited(), false);
        case HANG, LOST_RESPONSE -> SimulatorHttp.hang(response, answer.hangDuration());
      };
    };
  }

  /** The PaymentResponse of a recorded payment; the same entry always renders the same bytes. */
  private static ObjectNode paymentResponse(SimulatorLedger.Entry entry) {
    SimulatorCharge charge = entry.charge();
    PaymentRequest payment = (PaymentRequest) entry.request();
    ObjectNode node = JSON.createObjectNode();
    ObjectNode amount = node.putObject("amount");
    amount.put("currency", payment.currency());
    amount.put("value", payment.amount());
    node.put("merchantReference", payment.reference());
    node.put("pspReference", charge.id());
    switch (charge.status()) {
      // Adyen answers Authorised whether the account captures at once or waits for a capture.
      case SimulatorCharge.APPROVED, SimulatorCharge.AUTHORIZED -> node.put("resultCode", "Authorised");
      case SimulatorCharge.DECLINED -> {
        Refusal refusal = REFUSALS.getOrDefault(charge.declineCode(), new Refusal("2", "Refused"));
        node.put("refusalReason", refusal.reason());
        node.put("refusalReasonCode", refusal.code());
        node.put("resultCode", "Refused");
      }
      case SimulatorCharge.REQUIRES_ACTION -> {
        ObjectNode action = node.putObject("action");
        action.put("paymentMethodType", "scheme");
        action.put("type", "redirect");
        action.put("method", "GET");
        // Nobody follows it: the router does not drive customer actions. Relative, so it names no host.
        action.put("url", "/_sim/redirect/" + charge.id());
        node.put("resultCode", "RedirectShopper");
      }
      case SimulatorCharge.PENDING -> node.put("resultCode", "Pending");
      default -> throw new IllegalStateException("unknown ledger status " + charge.status());
    }
    return node;
  }

  static AdyenError inProgress(int status) {
    return new AdyenError(status, "704", "validation", "request already processed or in progress");
  }

  static AdyenError unavailable() {
    return new AdyenError(503, "000", "internal", "Service Unavailable");
  }

  // Adyen documents 429 for too many requests but no errorCode/errorType for it; the shape is its ServiceError.
  static AdyenError rateLimited() {
    return new AdyenError(429, "000", "validation", "Too Many Requests");
  }

  static AdyenError validation(String errorCode, String message) {
    return new AdyenError(422, errorCode, "validation", message);
  }

  static Mono<Void> error(HttpServerResponse response, AdyenError error, boolean transientError) {
    if (transientError) {
      response.header("transient-error", "true");
    }
    ObjectNode node = JSON.createObjectNode();
    node.put("status", error.status);
    node.put("errorCode", error.errorCode);
    node.put("message", error.getMessage());
    node.put("errorType", error.errorType);
    return SimulatorHttp.json(response, error.status, JSON.writeValueAsString(node));
  }

  boolean authorized(HttpServerRequest request) {
    return apiKey == null || SimulatorHttp.sameSecret(request.requestHeaders().get("X-API-Key"), apiKey);
  }
}
