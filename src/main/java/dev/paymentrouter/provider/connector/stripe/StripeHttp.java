package dev.paymentrouter.provider.connector.stripe;

import dev.paymentrouter.provider.connector.ConnectorSettings;
import dev.paymentrouter.provider.connector.ProviderHttp;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.ByteBufMono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.resources.ConnectionProvider;

/**
 * The HTTP exchanges with one Stripe account: every request with the pinned {@code Stripe-Version} and the secret
 * key, every POST form-encoded under an {@code Idempotency-Key}, every answer read whole (so its buffers are released)
 * before anything decides on it. Shared by the charges ({@link StripeConnector}) and the modifications
 * ({@link StripeModifier}) of one connector, over one connection pool.
 */
final class StripeHttp {

  static final String FORM = HttpHeaderValues.APPLICATION_X_WWW_FORM_URLENCODED.toString();
  private static final byte[] EMPTY = new byte[0];

  /** One answer: its status, whether Stripe replayed a stored one ({@code Idempotent-Replayed}), its body. */
  record Answer(int status, boolean replayed, byte[] body) {}

  private final ConnectionProvider connections;
  private final HttpClient client;

  /** Opens nothing yet: connections are made on first use. */
  StripeHttp(ConnectorSettings settings) {
    this.connections = ProviderHttp.connections(settings);
    this.client = ProviderHttp.bearerClient(settings, connections)
        .headers(headers -> headers.set("Stripe-Version", StripeConnector.STRIPE_VERSION));
  }

  Mono<Answer> post(String path, String idempotencyKey, byte[] form) {
    return client
        .headers(headers -> headers
            .set("Idempotency-Key", idempotencyKey)
            .set(HttpHeaderNames.CONTENT_TYPE, FORM)
            .set(HttpHeaderNames.CONTENT_LENGTH, form.length))
        .post()
        .uri(path)
        .send(ByteBufFlux.fromInbound(Mono.just(form)))
        .responseSingle(StripeHttp::answer);
  }

  Mono<Answer> get(String path) {
    return client.get().uri(path).responseSingle(StripeHttp::answer);
  }

  void close() {
    connections.dispose();
  }

  private static Mono<Answer> answer(HttpClientResponse response, ByteBufMono content) {
    // Stripe marks an answer it stored for this key earlier (Idempotent-Replayed: true).
    boolean replayed = "true".equalsIgnoreCase(response.responseHeaders().get("Idempotent-Replayed"));
    return content.asByteArray().defaultIfEmpty(EMPTY)
        .map(body -> new Answer(response.status().code(), replayed, body));
  }
}
