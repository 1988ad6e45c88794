package dev.paymentrouter.simulator;

import static dev.paymentrouter.simulator.SimulatorHttp.IDEMPOTENCY_KEY;
import static dev.paymentrouter.simulator.SimulatorHttp.JSON;
import static dev.paymentrouter.simulator.StripeObjects.apiError;
import static dev.paymentrouter.simulator.StripeObjects.declineError;
import static dev.paymentrouter.simulator.StripeObjects.error;
import static dev.paymentrouter.simulator.StripeObjects.intentNode;
import static dev.paymentrouter.simulator.StripeObjects.invalid;
import static dev.paymentrouter.simulator.StripeObjects.rateLimit;

import dev.paymentrouter.simulator.SimulatorEngine.Admission;
import dev.paymentrouter.simulator.SimulatorEngine.Decision;
import dev.paymentrouter.simulator.StripeObjects.StripeError;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.node.ObjectNode;

/**
 * Stripe's PaymentIntents API, as far as a router confirms a payment with it: {@code POST /v1/payment_intents}
 * (form-encoded, confirmed at once), {@code GET /v1/payment_intents/{id}} and the metadata search. Shapes follow
 * Stripe's API reference (objects PaymentIntent and Error; operations PostPaymentIntents, GetPaymentIntentsIntent,
 * GetPaymentIntentsSearch of the published OpenAPI spec); only the fields a connector reads are filled.
 */
final class StripeDialect implements Dialect {

  static final String INTENTS_PATH = "/v1/payment_intents";
  private static final String SEARCH_PATH = INTENTS_PATH + "/search";
  static final String FORM = "application/x-www-form-urlencoded";
  static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;
  static final String ATTEMPT_METADATA = "payment_router_attempt";
  static final String INTENT_METADATA = "payment_router_intent";
  private static final Pattern CURRENCY = Pattern.compile("[A-Za-z]{3}");
  private static final Pattern SEARCH_QUERY = Pattern.compile(
      "metadata\\['(" + ATTEMPT_METADATA + "|" + INTENT_METADATA + ")'\\]:'([^']*)'");
  private static final Set<String> CAPTURE_METHODS = Set.of("automatic", "automatic_async", "manual");

  // Stripe stores the answer of every request that began executing, 500s included, for at least 24 hours; a request
  // refused by validation, authentication or the rate limit stores nothing.
  private static final SimulatorEngine.Rules RULES = new SimulatorEngine.Rules(Duration.ofHours(24),
      EnumSet.of(Outcome.Kind.APPROVE, Outcome.Kind.DECLINE, Outcome.Kind.ACTION_REQUIRED, Outcome.Kind.PENDING,
          Outcome.Kind.LOST_RESPONSE, Outcome.Kind.ERROR),
      "pi_", 24, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

  // Stripe's test PaymentMethod ids, as the engine's magic tokens.
  private static final Map<String, String> TEST_PAYMENT_METHODS = Map.ofEntries(
      Map.entry("pm_card_visa", "tok_visa"),
      Map.entry("pm_card_mastercard", "tok_mastercard"),
      Map.entry("pm_card_chargeDeclined", "tok_card_declined"),
      Map.entry("pm_card_chargeDeclinedInsufficientFunds", "tok_insufficient_funds"),
      Map.entry("pm_card_chargeDeclinedExpiredCard", "tok_expired_card"),
      Map.entry("pm_card_chargeDeclinedIncorrectCvc", "tok_incorrect_cvc"),
      Map.entry("pm_card_chargeDeclinedProcessingError", "tok_processing_error"),
      Map.entry("pm_card_chargeDeclinedFraudulent", "tok_fraudulent"),
      Map.entry("pm_card_chargeDeclinedLostCard", "tok_lost_card"),
      Map.entry("pm_card_chargeDeclinedStolenCard", "tok_stolen_card"),
      Map.entry("pm_card_authenticationRequired", "tok_requires_action"));

  /**
   * A validated create request. All fields derive from {@code params}, so record equality is Stripe's "same
   * parameters" test for an idempotent replay.
   */
  record IntentRequest(Map<String, String> params, long amount, String currency, String paymentMethod,
      String captureMethod, Map<String, String> metadata) {}

  // Top-level parameters of PostPaymentIntents; anything else is refused as Stripe refuses it.
  private static final Set<String> KNOWN_PARAMS = Set.of("amount", "currency", "application_fee_amount",
      "automatic_payment_methods", "capture_method", "confirm", "confirmation_method", "confirmation_token",
      "customer", "description", "error_on_requires_action", "expand", "mandate", "mandate_data", "metadata",
      "off_session", "on_behalf_of", "payment_method", "payment_method_configuration", "payment_method_data",
      "payment_method_options", "payment_method_types", "radar_options", "receipt_email", "return_url",
      "setup_future_usage", "shipping", "statement_descriptor", "statement_descriptor_suffix", "transfer_data",
      "transfer_group", "use_stripe_sdk");

  private final SimulatorEngine engine;
  private final String apiKey;
  private final StripeModifications modifications;

  StripeDialect(SimulatorEngine engine, String apiKey) {
    this.engine = engine;
    this.apiKey = apiKey;
    this.modifications = new StripeModifications(engine, this);
  }

  @Override
  public Optional<Mono<Void>> route(HttpServerRequest request, HttpServerResponse response, QueryStringDecoder uri) {
    String path = uri.path();
    HttpMethod method = request.method();
    Optional<Mono<Void>> modification = modifications.route(request, response, uri);
    if (modification.isPresent()) {
      return modification;
    }
    if (path.equals(INTENTS_PATH) && method.equals(HttpMethod.POST)) {
      return Optional.of(create(request, response));
    }
    if (path.equals(SEARCH_PATH) && method.equals(HttpMethod.GET)) {
      return Optional.of(drained(request, () -> search(request, response, uri)));
    }
    if (path.startsWith(INTENTS_PATH + "/") && method.equals(HttpMethod.GET)) {
      String id = path.substring(INTENTS_PATH.length() + 1);
      if (!id.isEmpty() && !id.contains("/")) {
        return Optional.of(drained(request, () -> retrieve(request, response, id)));
      }
    }
    return Optional.empty();
  }

  @Override
  public Mono<Void> notFound(HttpServerResponse response) {
    return error(response, new StripeError(404, "invalid_request_error", null, null, "Unrecognized request URL."));
  }

  @Override
  public Mono<Void> internalError(HttpServerResponse response) {
    return error(response, apiError(500));
  }

  // ---- POST /v1/payment_intents ----

  private Mono<Void> create(HttpServerRequest request, HttpServerResponse response) {
    return SimulatorHttp.body(request).flatMap(body -> switch (engine.admit(authorized(request))) {
      case Admission.Refused refused -> switch (refused.refusal()) {
        case UNAVAILABLE -> error(response, apiError(503));
        case UNAUTHORIZED -> unauthorized(request, response);
        case RATE_LIMITED -> error(response, rateLimit(null));
      };
      case Admission.Admitted admitted -> validated(request, response, body, admitted);
    });
  }

  private Mono<Void> validated(HttpServerRequest request, HttpServerResponse response, String body,
      Admission.Admitted admitted) {
    String key = request.requestHeaders().get(IDEMPOTENCY_KEY);
    IntentRequest intent;
    try {
      if (key != null && key.length() > MAX_IDEMPOTENCY_KEY_LENGTH) {
        throw invalid(null, null, "Idempotency-Key must be at most " + MAX_IDEMPOTENCY_KEY_LENGTH
            + " characters.");
      }
      intent = parse(request.requestHeaders().get(HttpHeaderNames.CONTENT_TYPE), body);
    } catch (StripeError e) {
      return error(response, e);
    }
    if (key != null) {
      response.header(IDEMPOTENCY_KEY, key);
    }
    String reference = intent.metadata().getOrDefault(ATTEMPT_METADATA, "");
    String token = TEST_PAYMENT_METHODS.getOrDefault(intent.paymentMethod(), intent.paymentMethod());
    ChargeAttempt attempt = new ChargeAttempt(key, reference, intent.amount(), intent.currency(), token, intent,
        intent.captureMethod().equals("manual"));
    return engine.submit(admitted, attempt, RULES).flatMap(decision -> respond(response, key, decision));
  }

  private static IntentRequest parse(String contentType, String body) {
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith(FORM)) {
      throw invalid(null, null, "Invalid request: the body must be " + FORM + ".");
    }
    Map<String, String> params = new TreeMap<>();
    new QueryStringDecoder(body, StandardCharsets.UTF_8, false).parameters()
        .forEach((name, values) -> params.put(name, values.getLast()));
    for (String name : params.keySet()) {
      int bracket = name.indexOf('[');
      if (!KNOWN_PARAMS.contains(bracket < 0 ? name : name.substring(0, bracket))) {
        throw invalid("parameter_unknown", name, "Received unknown parameter: " + name);
      }
    }
    long amount = amount(params.get("amount"));
    String currency = required(params, "currency");
    if (!CURRENCY.matcher(currency).matches()) {
      throw invalid("parameter_invalid_string", "currency", "Invalid currency: " + currency + ".");
    }
    // The simulator only models a confirmation in one call, which is how a router charges a stored card.
    if (!"true".equals(params.get("confirm"))) {
      throw invalid(params.containsKey("confirm") ? "parameter_invalid_boolean" : "parameter_missing", "confirm",
          "The simulator only creates confirmed PaymentIntents: send confirm=true.");
    }
    String paymentMethod = required(params, "payment_method");
    String captureMethod = params.getOrDefault("capture_method", "automatic");
    if (!CAPTURE_METHODS.contains(captureMethod)) {
      throw invalid("parameter_invalid_string", "capture_method", "Invalid capture_method: must be one of "
          + "automatic, automatic_async, or manual");
    }
    Map<String, String> metadata = new TreeMap<>();
    params.forEach((name, value) -> {
      if (name.startsWith("metadata[") && name.endsWith("]")) {
        metadata.put(name.substring("metadata[".length(), name.length() - 1), value);
      }
    });
    return new IntentRequest(Map.copyOf(params), amount, currency.toLowerCase(Locale.ROOT), paymentMethod,
        captureMethod, Map.copyOf(metadata));
  }

  static long amount(String value) {
    if (value == null || value.isEmpty()) {
      throw invalid("parameter_missing", "amount", "Missing required param: amount.");
    }
    long amount;
    try {
      amount = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw invalid("parameter_invalid_integer", "amount", "Invalid integer: " + value);
    }
    if (amount < 1) {
      throw invalid("amount_too_small", "amount", "This value must be greater than or equal to 1.");
    }
    return amount;
  }

  private static String required(Map<String, String> params, String name) {
    String value = params.get(name);
    if (value == null || value.isEmpty()) {
      throw invalid("parameter_missing", name, "Missing required param: " + name + ".");
    }
    return value;
  }

  private Mono<Void> respond(HttpServerResponse response, String key, Decision decision) {
    return switch (decision) {
      case Decision.KeyReused ignored -> error(response, new StripeError(400, "idempotency_error", null, null,
          "Keys for idempotent requests can only be used with the same parameters they were first used with. "
              + "Try using a key other than '" + key + "' if you meant to execute a different request."));
      case Decision.KeyInUse ignored -> error(response, new StripeError(409, "invalid_request_error",
          "idempotency_key_in_use", null, "There is currently another in-progress request using this "
              + "Idempotency-Key: " + key + ". Please try again later."));
      case Decision.Answer answer -> {
        if (answer.replayed()) {
          response.header("Idempotent-Replayed", "true");
        }
        yield switch (answer.outcome().kind()) {
          case APPROVE, ACTION_REQUIRED, PENDING -> SimulatorHttp.json(response, 200,
              JSON.writeValueAsString(intentNode(answer.entry())));
          case DECLINE -> SimulatorHttp.json(response, 402, JSON.writeValueAsString(declineError(answer.entry())));
          case UNAVAILABLE -> error(response, apiError(503));
          case ERROR -> error(response, apiError(500));
          case RATE_LIMITED -> error(response, rateLimit(answer.outcome().code()));
          case HANG, LOST_RESPONSE -> SimulatorHttp.hang(response, answer.hangDuration());
        };
      }
    };
  }

  // ---- GET /v1/payment_intents/{id} and /search ----

  private Mono<Void> retrieve(HttpServerRequest request, HttpServerResponse response, String id) {
    if (!authorized(request)) {
      return unauthorized(request, response);
    }
    return engine.ledger().entryById(id)
        .filter(entry -> entry.request() instanceof IntentRequest)
        .map(entry -> SimulatorHttp.json(response, 200, JSON.writeValueAsString(current(entry))))
        .orElseGet(() -> error(response, new StripeError(404, "invalid_request_error", "resource_missing", "intent",
            "No such payment_intent: '" + id + "'")));
  }

  private Mono<Void> search(HttpServerRequest request, HttpServerResponse response, QueryStringDecoder uri) {
    engine.countStatusQuery();
    if (!authorized(request)) {
      return unauthorized(request, response);
    }
    List<String> queries = uri.parameters().getOrDefault("query", List.of());
    Matcher matcher = SEARCH_QUERY.matcher(queries.isEmpty() ? "" : queries.getFirst().trim());
    if (!matcher.matches()) {
      return error(response, invalid(null, "query", "The simulator supports only the search queries "
          + "metadata['" + ATTEMPT_METADATA + "']:'<value>' and metadata['" + INTENT_METADATA + "']:'<value>'."));
    }
    String field = matcher.group(1);
    String value = matcher.group(2);
    ObjectNode result = JSON.createObjectNode();
    result.put("object", "search_result");
    result.put("url", SEARCH_PATH);
    result.put("has_more", false);
    result.putNull("next_page");
    var data = result.putArray("data");
    // Newest first, as Stripe orders search results.
    engine.ledger().entries().stream()
        .filter(entry -> entry.request() instanceof IntentRequest intent
            && value.equals(intent.metadata().get(field)))
        .sorted(Comparator.comparingLong(SimulatorLedger.Entry::sequence).reversed())
        .forEach(entry -> data.add(current(entry)));
    return SimulatorHttp.json(response, 200, JSON.writeValueAsString(result));
  }

  /** The PaymentIntent as it is now, with every capture and cancel since. */
  private ObjectNode current(SimulatorLedger.Entry entry) {
    return intentNode(entry, engine.ledger().modificationsOf(entry.charge().id()));
  }

  boolean authorized(HttpServerRequest request) {
    return SimulatorHttp.bearerMatches(request, apiKey) || SimulatorHttp.basicUserMatches(request, apiKey);
  }

  /** Stripe's two 401s; the key presented is never echoed. */
  static Mono<Void> unauthorized(HttpServerRequest request, HttpServerResponse response) {
    boolean presented = request.requestHeaders().contains(HttpHeaderNames.AUTHORIZATION);
    return error(response, new StripeError(401, "invalid_request_error", null, null, presented
        ? "Invalid API Key provided."
        : "You did not provide an API key. You need to provide your API key in the Authorization header, using "
            + "Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY')."));
  }

  static Mono<Void> drained(HttpServerRequest request, Supplier<Mono<Void>> answer) {
    return SimulatorHttp.body(request).then(Mono.defer(answer));
  }
}
