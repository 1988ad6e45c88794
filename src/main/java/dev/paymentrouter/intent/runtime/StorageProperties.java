package dev.paymentrouter.intent.runtime;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How intent writes reach PostgreSQL, under {@code payment-router.storage} (see {@link IntentWriter}).
 *
 * @param writers           statements writing intents at once; each takes every write that queued up meanwhile.
 *                          Keep it well below the connection pool's size so reads and recovery find connections
 * @param maxBatch          writes in one statement at most
 * @param maxPendingCreates new intents that may wait for their statement; past it, new intents are refused at
 *                          once with 503 and {@code Retry-After} instead of queueing behind a saturated database
 */
@ConfigurationProperties("payment-router.storage")
public record StorageProperties(
    @DefaultValue("4") int writers,
    @DefaultValue("64") int maxBatch,
    @DefaultValue("256") int maxPendingCreates) {

  public StorageProperties {
    if (writers < 1 || maxBatch < 1 || maxPendingCreates < 1) {
      throw new IllegalArgumentException(
          "payment-router.storage.writers, max-batch and max-pending-creates must be at least 1");
    }
  }
}
