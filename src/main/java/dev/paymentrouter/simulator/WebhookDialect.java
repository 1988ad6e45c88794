package dev.paymentrouter.simulator;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What one provider tells a webhook receiver after the fact: the body it posts for a charge or modification the
 * ledger recorded (empty when the real provider sends nothing the router reads), and the headers it signs it with.
 */
sealed interface WebhookDialect permits StripeWebhooks, AdyenWebhooks {

  /** The notification body for a recorded charge, or empty. */
  Optional<String> charged(SimulatorLedger.Entry entry);

  /** The notification body for a recorded capture, cancel or refund, or empty. */
  Optional<String> modified(SimulatorLedger.ModificationEntry entry);

  /** The headers of one delivery of {@code body} at {@code now}: a provider that signs a header signs each try. */
  Map<String, String> headers(byte[] body, Instant now);

  /** The dialect's webhooks, or null for a dialect whose real provider has none the router reads. */
  static WebhookDialect of(SimulatorSettings settings, SimulatorEngine engine) {
    return switch (settings.dialect()) {
      case NATIVE -> null;
      case STRIPE -> new StripeWebhooks(engine, settings.notificationSecret());
      case ADYEN -> new AdyenWebhooks(engine, settings.notificationSecret());
    };
  }
}
