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
 */
public record ConnectorSettings(
    String provider,
    URI baseUrl,
    String apiKey,
    String merchantAccount,
    Duration connectTimeout, Duration readTimeout, int maxConnections, boolean plainHttp) {

  public ConnectorSettings {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(readTimeout, "readTimeout");
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
