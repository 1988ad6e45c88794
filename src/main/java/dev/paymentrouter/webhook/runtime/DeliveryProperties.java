package dev.paymentrouter.webhook.runtime;

import dev.paymentrouter.webhook.domain.RetrySchedule;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the merchants' events are delivered, under {@code payment-router.webhooks.delivery}.
 *
 * @param enabled      whether this node runs a delivery worker (any number of nodes may)
 * @param interval     how often the worker looks for due deliveries
 * @param batch        deliveries claimed per look at most
 * @param concurrency  sends in flight per node at most
 * @param perEndpoint  sends in flight to one endpoint at most (the bulkhead)
 * @param timeout      the longest a send may take before it counts as failed
 * @param retries      waits before each retry of a failed delivery (about 3 days in all by default); after the
 *                     last, the delivery has failed and its endpoint is disabled
 * @param jitter       the share of a retry's wait it may move by, either way
 */
@ConfigurationProperties("payment-router.webhooks.delivery")
public record DeliveryProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("1s") Duration interval,
    @DefaultValue("100") int batch,
    @DefaultValue("64") int concurrency,
    @DefaultValue("4") int perEndpoint,
    @DefaultValue("10s") Duration timeout,
    @DefaultValue({"5s", "5m", "30m", "2h", "5h", "10h", "10h", "20h", "24h"}) List<Duration> retries,
    @DefaultValue("0.2") double jitter) {

  public DeliveryProperties {
    if (batch < 1 || concurrency < 1 || perEndpoint < 1) {
      throw new IllegalArgumentException("payment-router.webhooks.delivery batch, concurrency and per-endpoint must "
          + "be >= 1");
    }
    if (!interval.isPositive() || !timeout.isPositive()) {
      throw new IllegalArgumentException("payment-router.webhooks.delivery interval and timeout must be positive");
    }
  }

  /** The courier's settings. */
  WebhookCourier.Settings settings() {
    return new WebhookCourier.Settings(interval, batch, concurrency, perEndpoint, timeout,
        new RetrySchedule(retries, jitter));
  }
}
