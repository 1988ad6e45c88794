package dev.paymentrouter.stripeapi;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The Stripe-compatible door under {@code payment-router.stripe-api}.
 *
 * @param enabled     whether the door opens; when not set, it opens in local mode only
 * @param port        its port (its own: Stripe's {@code /v1/refunds} would collide with the native one); 0 for any
 *                    free port, which {@code local.stripe-api.port} then names
 * @param address     the address it binds to; when not set, the API's {@code server.address}, else every interface
 * @param confirmWait how long a confirmation waits for its payment's final status before it answers
 *                    {@code processing}: Stripe answers a confirmation once the card network did, and its clients
 *                    expect no less
 */
@ConfigurationProperties("payment-router.stripe-api")
public record StripeApiProperties(
    Boolean enabled,
    @DefaultValue("8082") int port,
    String address,
    @DefaultValue("5s") Duration confirmWait) {

  /** Every mistake at once, each with its property path. */
  public StripeApiProperties {
    StringBuilder problems = new StringBuilder();
    if (port < 0 || port > 65_535) {
      problems.append("payment-router.stripe-api.port must be 0 to 65535, was ").append(port).append("; ");
    }
    if (confirmWait.isNegative()) {
      problems.append("payment-router.stripe-api.confirm-wait must not be negative, was ").append(confirmWait)
          .append("; ");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(problems.substring(0, problems.length() - 2));
    }
  }
}
