package dev.paymentrouter.simulator;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.Optional;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

final class AdyenDialect implements Dialect {
  AdyenDialect(SimulatorEngine engine, String apiKey, String... merchant) {}
  @Override public Optional<Mono<Void>> route(HttpServerRequest request, HttpServerResponse response, QueryStringDecoder uri) { return Optional.empty(); }
  @Override public Mono<Void> notFound(HttpServerResponse response) { return response.status(404).send(); }
  @Override public Mono<Void> internalError(HttpServerResponse response) { return response.status(500).send(); }
}
