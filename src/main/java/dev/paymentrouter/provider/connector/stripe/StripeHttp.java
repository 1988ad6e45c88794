package dev.paymentrouter.provider.connector.stripe;

import dev.paymentrouter.provider.connector.ConnectorSettings;
import dev.paymentrouter.provider.connector.ProviderChannels;
import dev.paymentrouter.provider.connector.ProviderHttp;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufMono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;

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

  private final ProviderChannels channels;
  private final HttpClient client;

  /** Opens nothing yet: connections are made on first use. */
  StripeHttp(ConnectorSettings settings) {
    this.channels = ProviderChannels.of(settings);
    this.client = ProviderHttp.bearerClient(settings, channels)
        .headers(headers -> headers.set("Stripe-Version", StripeConnector.STRIPE_VERSION));
  }

  Mono<Answer> post(String path, String idempotencyKey, byte[] form) {
    // Headers on the request, not on a client derived per call: that would copy the client's configuration and
    // default headers for every call, and a call in flight keeps them. A single-element body goes with its length.
    return client.post()
        .uri(path)
        .send((outgoing, outbound) -> {
          outgoing.header("Idempotency-Key", idempotencyKey).header(HttpHeaderNames.CONTENT_TYPE, FORM);
          return outbound.sendByteArray(Mono.just(form));
        })
        .responseSingle(StripeHttp::answer);
  }

  Mono<Answer> get(String path) {
    return client.get().uri(path).responseSingle(StripeHttp::answer);
  }

  void close() {
    channels.close();
  }

  private static Mono<Answer> answer(HttpClientResponse response, ByteBufMono content) {
    // Stripe marks an answer it stored for this key earlier (Idempotent-Replayed: true).
    boolean replayed = "true".equalsIgnoreCase(response.responseHeaders().get("Idempotent-Replayed"));
    return content.asByteArray().defaultIfEmpty(EMPTY)
        .map(body -> new Answer(response.status().code(), replayed, body));
  }
}
