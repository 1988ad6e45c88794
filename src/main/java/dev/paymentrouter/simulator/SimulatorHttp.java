package dev.paymentrouter.simulator;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.json.JsonMapper;

/** HTTP plumbing every front end shares: bodies, JSON answers, held connections and credential checks. */
final class SimulatorHttp {

  static final JsonMapper JSON = JsonMapper.builder().build();
  static final String APPLICATION_JSON = "application/json";
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  private SimulatorHttp() {}

  /** The whole body; always read first so that the connection stays reusable whatever the answer. */
  static Mono<String> body(HttpServerRequest request) {
    return request.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("");
  }

  static Mono<Void> json(HttpServerResponse response, int status, String body) {
    return response.status(status)
        .header(HttpHeaderNames.CONTENT_TYPE, APPLICATION_JSON)
        .sendString(Mono.just(body), StandardCharsets.UTF_8)
        .then();
  }

  /** Holds the request without answering, then closes the connection: the caller never gets a response. */
  static Mono<Void> hang(HttpServerResponse response, Duration hangDuration) {
    Channel[] holder = new Channel[1];
    response.withConnection(connection -> holder[0] = connection.channel());
    Channel channel = holder[0];
    Mono<Void> closed = Mono.create(sink -> channel.closeFuture().addListener(future -> sink.success()));
    return Mono.delay(hangDuration)
        .doOnNext(ignored -> channel.close())
        // A client that gives up first cancels the timer instead of leaving it to fire later.
        .takeUntilOther(closed)
        .then(closed);
  }

  /** Whether the request carries {@code Authorization: Bearer <apiKey>}; always true without a configured key. */
  static boolean bearerMatches(HttpServerRequest request, String apiKey) {
    if (apiKey == null) {
      return true;
    }
    String header = request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
    String prefix = "Bearer ";
    if (header == null || !header.regionMatches(true, 0, prefix, 0, prefix.length())) {
      return false;
    }
    return sameSecret(header.substring(prefix.length()).trim(), apiKey);
  }

  /** Stripe also takes the secret key as the user of HTTP basic authentication, with an empty password. */
  static boolean basicUserMatches(HttpServerRequest request, String apiKey) {
    String header = request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
    String prefix = "Basic ";
    if (apiKey == null || header == null || !header.regionMatches(true, 0, prefix, 0, prefix.length())) {
      return false;
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(header.substring(prefix.length()).trim()),
          StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return false;
    }
    int colon = decoded.indexOf(':');
    return sameSecret(colon < 0 ? decoded : decoded.substring(0, colon), apiKey);
  }

  /** Constant-time comparison: the simulator should not teach the router's tests a timing oracle. */
  static boolean sameSecret(String presented, String expected) {
    return presented != null && MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8),
        expected.getBytes(StandardCharsets.UTF_8));
  }
}
