package dev.paymentrouter.stripeapi;

import dev.paymentrouter.platform.RequestBodies;
import java.util.Map;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * Stripe's paths, exactly as Stripe serves them, and for every other path Stripe's 404 with a word on what the door
 * does not serve (Customers, PaymentMethods, SetupIntents, Charges, Connect).
 */
final class StripeRoutes {

  private static final String INTENTS = PaymentIntentsHandler.PATH;
  private static final String REFUNDS = RefundsHandler.PATH;
  private static final String SERVED =
      "payment-router's Stripe-compatible API serves PaymentIntents (/v1/payment_intents) and Refunds (/v1/refunds).";
  private static final Map<String, String> NOT_SERVED = Map.of(
      "/v1/customers", "Customers are not supported. ",
      "/v1/payment_methods", "PaymentMethod objects are not supported; send Stripe's test payment methods "
          + "(pm_card_visa, ...) or your providers' tokens as payment_method. ",
      "/v1/setup_intents", "SetupIntents are not supported. ",
      "/v1/charges", "Charges are not supported; PaymentIntents are. ",
      "/v1/accounts", "Connect is not supported. ",
      "/v1/transfers", "Connect is not supported. ",
      "/v1/payment_intents/search", "Search is not supported; list PaymentIntents with created[gte] instead. ");

  private StripeRoutes() {}

  static RouterFunction<ServerResponse> routes(PaymentIntentsHandler intents, RefundsHandler refunds) {
    return RouterFunctions.route()
        .POST(INTENTS, intents::create)
        .GET(INTENTS, intents::list)
        .GET(INTENTS + "/search", StripeRoutes::unrecognized)
        .GET(INTENTS + "/{id}", intents::retrieve)
        .POST(INTENTS + "/{id}", intents::update)
        .POST(INTENTS + "/{id}/confirm", intents::confirm)
        .POST(INTENTS + "/{id}/capture", intents::capture)
        .POST(INTENTS + "/{id}/cancel", intents::cancel)
        .POST(REFUNDS, refunds::create)
        .GET(REFUNDS, refunds::list)
        .GET(REFUNDS + "/{id}", refunds::retrieve)
        .route(RequestPredicates.all(), StripeRoutes::unrecognized)
        .build();
  }

  /** Stripe's 404 for a path it does not serve; the body is read first, so the connection can carry on. */
  private static Mono<ServerResponse> unrecognized(ServerRequest request) {
    String path = request.path();
    String hint = NOT_SERVED.entrySet().stream()
        .filter(entry -> path.equals(entry.getKey()) || path.startsWith(entry.getKey() + "/"))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElse(path.startsWith(INTENTS + "/") ? "This PaymentIntent operation is not supported. " : "");
    return RequestBodies.bytes(request.exchange().getRequest(), StripeRequests.MAX_BODY_BYTES)
        .then(StripeResponses.error(StripeApiError.unrecognizedUrl(request.method().name(), path, hint + SERVED)))
        .onErrorResume(failure -> StripeResponses.failure(failure, request.exchange()));
  }
}
