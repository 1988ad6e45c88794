package dev.paymentrouter.webhook.runtime;

import dev.paymentrouter.webhook.domain.WebhookSecret;
import java.util.List;

/**
 * An endpoint a delivery goes to, with what signs it: the current secret first, then the previous one while its
 * rotation overlap lasts. What the outbox asks {@link WebhookEndpoints#subscribedTo} for; its {@code toString} shows
 * no secret.
 *
 * @param secrets the active secrets, for {@link dev.paymentrouter.webhook.domain.WebhookSigner#sign}
 */
public record SigningEndpoint(String id, String merchantId, String url, List<WebhookSecret> secrets) {

  public SigningEndpoint {
    secrets = List.copyOf(secrets);
  }
}
