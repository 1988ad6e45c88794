package dev.paymentrouter.simulator;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.Optional;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A front end: translates one provider's wire format to the engine and the engine's decisions back. It owns no
 * state of its own, so one engine (ledger, stored answers, counters) audits every dialect the same way.
 */
sealed interface Dialect permits NativeDialect, StripeDialect, AdyenDialect {

  /** The answer when the request is one of this dialect's routes, else empty. */
  Optional<Mono<Void>> route(HttpServerRequest request, HttpServerResponse response, QueryStringDecoder uri);

  /** A 404 in the dialect's error shape. */
  Mono<Void> notFound(HttpServerResponse response);

  /** A 500 in the dialect's error shape, for a failure of the simulator itself. */
  Mono<Void> internalError(HttpServerResponse response);

  static Dialect of(SimulatorSettings settings, SimulatorEngine engine) {
    return switch (settings.dialect()) {
      case NATIVE -> new NativeDialect(engine, settings.apiKey());
      case STRIPE -> new StripeDialect(engine, settings.apiKey());
      case ADYEN -> new AdyenDialect(engine, settings.apiKey(), settings.merchantAccount());
    };
  }
}
