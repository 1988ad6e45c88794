package dev.paymentrouter.provider.connector;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach one provider.
 *
 * @param provider       provider name
 * @param baseUrl        the provider API's base URL
 * @param apiKey         credential sent to the provider, or null; never logged
 * @param merchantAccount the account the payments are booked to, for providers that need one named on every request
 *                        (Adyen), else null
 * @param connectTimeout limit for opening a connection
 * @param readTimeout    limit for the provider's answer once the request is sent
 * @param maxConnections connections kept open to this provider at most (its own pool, shared with no one)
 * @param plainHttp      whether the operator allowed a plain {@code http} base URL that is not loopback (a simulator
 *                       in another container); connectors that send credentials otherwise insist on https
 * @param http2          whether to speak HTTP/2 to this provider: h2 negotiated by ALPN over https (the provider may
 *                       still answer in HTTP/1.1), h2c with prior knowledge over plain http (only for a provider
 *                       known to speak it, such as the simulator); calls then share a few multiplexed connections
 * @param eventLoops     threads of this provider's own event-loop group, or 0 for Reactor Netty's shared loops
 */
public record ConnectorSettings(
    String provider,
    URI baseUrl,
    String apiKey,
    String merchantAccount,
    Duration connectTimeout, Duration readTimeout, int maxConnections, boolean plainHttp, boolean http2,
    int eventLoops) {

  public ConnectorSettings {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(readTimeout, "readTimeout");
    if (eventLoops < 0) {
      throw new IllegalArgumentException("eventLoops must be 0 (shared) or positive, not " + eventLoops);
    }
  }

  /** Settings over HTTP/1.1 on Reactor Netty's shared event loops. */
  public ConnectorSettings(String provider, URI baseUrl, String apiKey, String merchantAccount, Duration connectTimeout,
      Duration readTimeout, int maxConnections, boolean plainHttp) {
    this(provider, baseUrl, apiKey, merchantAccount, connectTimeout, readTimeout, maxConnections, plainHttp, false, 0);
  }

  /** Settings that allow plain http only to a loopback address. */
  public ConnectorSettings(String provider, URI baseUrl, String apiKey, String merchantAccount, Duration connectTimeout,
      Duration readTimeout, int maxConnections) {
    this(provider, baseUrl, apiKey, merchantAccount, connectTimeout, readTimeout, maxConnections, false);
  }

  @Override
  public String toString() {
    return "ConnectorSettings[" + provider + " at " + baseUrl + "]";
  }
}
