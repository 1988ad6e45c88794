package dev.paymentrouter.provider.connector;

import dev.paymentrouter.process.Correlation;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.time.Duration;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientRequest;
import reactor.netty.resources.ConnectionProvider;

/**
 * The HTTP client every connector starts from: a connection pool of its own per provider (so a slow provider can
 * only exhaust its own connections), bounded waiting for a connection, and the connect and read timeouts of its
 * settings. Connectors speak Reactor Netty's client directly: every intent makes these calls, and a request in flight
 * should hold little more than its connection.
 */
public final class ProviderHttp {

  /** The header that names the merchant's request behind a call, as the router's own API answers it. */
  public static final String REQUEST_ID = "X-Request-Id";
  /** W3C Trace Context: the span of the call, so that a provider that traces continues the router's trace. */
  public static final String TRACEPARENT = "traceparent";

  /**
   * Concurrent calls one HTTP/2 connection carries at most (the provider may allow fewer): enough that thousands of
   * calls in flight need only tens of connections, few enough that one lost connection turns only that many calls
   * into unknown outcomes.
   */
  static final int STREAMS_PER_CONNECTION = 100;

  private ProviderHttp() {}

  /**
   * A bounded pool for one provider: no more waiters than calls it may make at once, none waiting past the connect
   * timeout. Over HTTP/1.1 every call holds a connection; over HTTP/2 calls are streams, so the pool keeps only as
   * many connections as those calls fill.
   */
  public static ConnectionProvider connections(ConnectorSettings settings) {
    int calls = settings.maxConnections();
    int connections = settings.http2() ? Math.ceilDiv(calls, STREAMS_PER_CONNECTION) : calls;
    return ConnectionProvider.builder("provider-" + settings.provider())
        .maxConnections(Math.max(1, connections))
        .pendingAcquireMaxCount(Math.max(1, calls))
        .pendingAcquireTimeout(settings.connectTimeout())
        .maxIdleTime(Duration.ofSeconds(20))
        .build();
  }

  /** A client on one provider's own channels: its pool, and its own event loops when it has them. */
  public static HttpClient client(ConnectorSettings settings, ProviderChannels channels) {
    HttpClient client = client(settings, channels.connections());
    return channels.loops().map(loops -> client.runOn(loops, true)).orElse(client);
  }

  /** {@link #bearerClient(ConnectorSettings, ConnectionProvider)} on one provider's own channels. */
  public static HttpClient bearerClient(ConnectorSettings settings, ProviderChannels channels) {
    return withBearer(settings, client(settings, channels));
  }

  /**
   * A client on those connections that sends the settings' API key as {@code Authorization: Bearer} (none when no key
   * is set), for providers that authenticate so (Stripe, the simulator).
   */
  public static HttpClient bearerClient(ConnectorSettings settings, ConnectionProvider connections) {
    return withBearer(settings, client(settings, connections));
  }

  private static HttpClient withBearer(ConnectorSettings settings, HttpClient client) {
    String key = settings.apiKey();
    return key == null || key.isBlank()
        ? client
        : client.headers(headers -> headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + key));
  }

  /**
   * A client on those connections, for the settings' base URL, with their connect and read timeouts, that sends the
   * {@link Correlation} of the call's Reactor context on every request (see {@link #correlate}).
   */
  public static HttpClient client(ConnectorSettings settings, ConnectionProvider connections) {
    HttpClient client = HttpClient.create(connections)
        .baseUrl(settings.baseUrl().toString())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(settings.connectTimeout().toMillis()))
        .responseTimeout(settings.readTimeout())
        .doOnRequest((request, connection) -> correlate(request));
    if (!settings.http2()) {
      return client;
    }
    // Over TLS, ALPN lets the provider choose: one that does not speak h2 answers in HTTP/1.1, so the setting is
    // safe. Over plain http there is no negotiation: h2c with prior knowledge, for providers known to speak it.
    HttpProtocol[] protocols = "https".equalsIgnoreCase(settings.baseUrl().getScheme())
        ? new HttpProtocol[] {HttpProtocol.H2, HttpProtocol.HTTP11}
        : new HttpProtocol[] {HttpProtocol.H2C};
    return client
        .protocol(protocols)
        .http2Settings(h2 -> h2.maxStreams(STREAMS_PER_CONNECTION));
  }

  /**
   * Puts the merchant request's id ({@value #REQUEST_ID}) and the call's trace ({@value #TRACEPARENT}) on a request,
   * when the call has them: an operator can then follow one payment from the merchant's request to the provider's
   * logs. Set here, for every connector alike, from the subscriber's context: no connector has to pass them along.
   */
  static void correlate(HttpClientRequest request) {
    Correlation correlation = Correlation.of(request.currentContextView());
    if (correlation.requestId() != null) {
      request.header(REQUEST_ID, correlation.requestId());
    }
    if (correlation.traceparent() != null) {
      request.header(TRACEPARENT, correlation.traceparent());
    }
  }
}
