package dev.paymentrouter.provider.connector;

import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.time.Duration;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The HTTP client every connector starts from: a connection pool of its own per provider (so a slow provider can
 * only exhaust its own connections), bounded waiting for a connection, and the connect and read timeouts of its
 * settings. Connectors speak Reactor Netty's client directly: every intent makes these calls, and a request in flight
 * should hold little more than its connection.
 */
public final class ProviderHttp {

  private ProviderHttp() {}

  /** A bounded pool for one provider: no more waiters than connections, none waiting past the connect timeout. */
  public static ConnectionProvider connections(ConnectorSettings settings) {
    return ConnectionProvider.builder("provider-" + settings.provider())
        .maxConnections(settings.maxConnections())
        .pendingAcquireMaxCount(settings.maxConnections())
        .pendingAcquireTimeout(settings.connectTimeout())
        .maxIdleTime(Duration.ofSeconds(20))
        .build();
  }

  /**
   * A client on those connections that sends the settings' API key as {@code Authorization: Bearer} (none when no key
   * is set), for providers that authenticate so (Stripe, the simulator).
   */
  public static HttpClient bearerClient(ConnectorSettings settings, ConnectionProvider connections) {
    HttpClient client = client(settings, connections);
    String key = settings.apiKey();
    return key == null || key.isBlank()
        ? client
        : client.headers(headers -> headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + key));
  }

  /** A client on those connections, for the settings' base URL, with their connect and read timeouts. */
  public static HttpClient client(ConnectorSettings settings, ConnectionProvider connections) {
    return HttpClient.create(connections)
        .baseUrl(settings.baseUrl().toString())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(settings.connectTimeout().toMillis()))
        .responseTimeout(settings.readTimeout());
  }
}
