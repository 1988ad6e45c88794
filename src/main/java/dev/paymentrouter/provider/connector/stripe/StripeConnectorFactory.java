package dev.paymentrouter.provider.connector.stripe;

import dev.paymentrouter.provider.connector.ConnectorSettings;
import dev.paymentrouter.provider.connector.ProviderConnector;
import dev.paymentrouter.provider.connector.ProviderConnectorFactory;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import tools.jackson.databind.json.JsonMapper;

/**
 * Makes {@link StripeConnector}s for providers of type {@code stripe}.
 *
 * <p>Settings: {@code api-key} is required and must be a secret key ({@code sk_...}) or a restricted key
 * ({@code rk_...}) with write access to PaymentIntents; a publishable key ({@code pk_...}) cannot charge and is
 * refused at start-up. Tokens: a payment method is charged by its Stripe object id, a PaymentMethod ({@code pm_...})
 * or, for older integrations, a token, card or source ({@code tok_...}, {@code card_...}, {@code src_...}): letters,
 * digits and underscores after the prefix, nothing else (no colon, no braces, so another provider's token form is
 * never sent to Stripe).
 */
public final class StripeConnectorFactory implements ProviderConnectorFactory {

  private static final Pattern TOKEN = Pattern.compile("(pm|tok|card|src)_[A-Za-z0-9_]{1,250}");

  private final JsonMapper json;
  private final Clock clock;

  public StripeConnectorFactory(JsonMapper json, Clock clock) {
    this.json = json;
    this.clock = clock;
  }

  @Override
  public String type() {
    return "stripe";
  }

  @Override
  public ProviderConnector create(ConnectorSettings settings) {
    return new StripeConnector(settings, json, clock);
  }

  @Override
  public List<String> configurationProblems(ConnectorSettings settings) {
    String property = "payment-router.providers." + settings.provider() + ".api-key";
    String key = settings.apiKey();
    List<String> problems = new ArrayList<>();
    // The messages never quote the key, not even a part of it.
    if (key == null || key.isBlank()) {
      problems.add(property + " is required: a Stripe secret key (sk_...) or restricted key (rk_...)");
    } else if (key.startsWith("pk_")) {
      problems.add(property + " is a publishable key, which cannot charge: use a secret key (sk_...) or restricted"
          + " key (rk_...)");
    } else if (!key.startsWith("sk_") && !key.startsWith("rk_")) {
      problems.add(property + " does not look like a Stripe secret key (sk_...) or restricted key (rk_...)");
    }
    return problems;
  }

  @Override
  public boolean canUse(String token) {
    return token != null && TOKEN.matcher(token).matches();
  }
}
