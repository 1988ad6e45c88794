package dev.paymentrouter.provider.connector.adyen;

import dev.paymentrouter.provider.connector.ConnectorSettings;
import dev.paymentrouter.provider.connector.ProviderConnector;
import dev.paymentrouter.provider.connector.ProviderConnectorFactory;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.json.JsonMapper;

/**
 * Makes {@link AdyenConnector}s for providers of type {@code adyen}. The base URL is Adyen's Checkout root without a
 * version: {@code https://checkout-test.adyen.com}, or live
 * {@code https://<prefix>-checkout-live.adyenpayments.com/checkout}.
 *
 * <p>Payment tokens Adyen can charge come in two forms:
 * <ul>
 *   <li>{@code <shopperReference>:<storedPaymentMethodId>}, split at the last colon: a card Adyen stored for that
 *       shopper (shopper reference of 3 to 256 characters, stored payment method id of letters, digits and
 *       underscores, at most 64),
 *       charged without the shopper present as a merchant-initiated, unscheduled card-on-file payment
 *       ({@code shopperInteraction: ContAuth}, {@code recurringProcessingModel: UnscheduledCardOnFile});</li>
 *   <li>a JSON object with a non-blank {@code "type"}, as Adyen's client components produce it
 *       ({@code {"type":"scheme","encryptedCardNumber":...}}): sent as the {@code paymentMethod} (its keys sorted),
 *       as a payment with the shopper present.</li>
 * </ul>
 * Anything else is a token Adyen cannot use.
 */
public final class AdyenConnectorFactory implements ProviderConnectorFactory {

  private final JsonMapper json;
  private final Clock clock;

  public AdyenConnectorFactory(JsonMapper json, Clock clock) {
    this.json = json;
    this.clock = clock;
  }

  @Override
  public String type() {
    return "adyen";
  }

  @Override
  public ProviderConnector create(ConnectorSettings settings) {
    return new AdyenConnector(settings, json, clock);
  }

  @Override
  public List<String> configurationProblems(ConnectorSettings settings) {
    String prefix = "payment-router.providers." + settings.provider();
    List<String> problems = new ArrayList<>();
    if (settings.apiKey() == null || settings.apiKey().isBlank()) {
      problems.add(prefix + ".api-key is required for type adyen (the API key of an Adyen web service user)");
    }
    if (settings.merchantAccount() == null || settings.merchantAccount().isBlank()) {
      problems.add(prefix + ".merchant-account is required for type adyen (the account payments are booked to)");
    }
    URI baseUrl = settings.baseUrl();
    String scheme = baseUrl.getScheme() == null ? "" : baseUrl.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https")
        && !(scheme.equals("http") && (settings.plainHttp() || isLoopback(baseUrl.getHost())))) {
      // The API key travels in a header: in clear text only to a simulator on this machine, or where the operator
      // said so (a simulator in another container).
      problems.add(prefix + ".base-url must be https (http only for a loopback address, or with " + prefix
          + ".plain-http=true)");
    }
    if (baseUrl.getPath() != null && baseUrl.getPath().matches(".*/v\\d+/?")) {
      problems.add(prefix + ".base-url must not name an API version: the connector adds /v71/payments");
    }
    return problems;
  }

  @Override
  public boolean canUse(String token) {
    return AdyenToken.parse(token, json).isPresent();
  }

  private static boolean isLoopback(String host) {
    if (host == null) {
      return false;
    }
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    // Literal addresses only: resolving a name here would ask DNS at start-up.
    if (!host.matches("[0-9.]+|\\[[0-9a-fA-F:.]+\\]")) {
      return false;
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
