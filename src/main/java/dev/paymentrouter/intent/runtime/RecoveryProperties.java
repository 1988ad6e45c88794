package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.intent.domain.ReconciliationSchedule;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How intents survive their owner and unknown outcomes, under {@code payment-router.recovery}.
 *
 * @param nodeId          this node's name in ownership leases; unique per running process
 * @param lease           how long an owner holds an intent between transitions before others may take it over
 * @param scanInterval    how often the sentinel looks for intents to recover or reconcile
 * @param batchSize       intents the sentinel claims per statement at most (a full claim is followed by another at
 *                        once)
 * @param settleTime      after this time since an attempt started, a provider's "not found" proves no charge
 * @param reconcileDelays waits before each status query of an unknown outcome; after the last, the intent is
 *                        marked unresolved for an operator
 * @param janitorWait     how long a GET of an intent with an unknown outcome may wait for an on-the-fly check
 * @param statusQueryInterval the least time between two on-the-fly checks of one intent: GETs in between answer
 *                        the stored state, so a merchant polling an intent costs its provider at most one status
 *                        query per interval
 * @param pendingInterval how often a capture, cancel or refund the provider accepted and confirms later (pending) is
 *                        asked about, for as long as it stays pending; its confirmation usually comes by webhook
 */
@ConfigurationProperties("payment-router.recovery")
public record RecoveryProperties(
    String nodeId,
    @DefaultValue("30s") Duration lease,
    @DefaultValue("2s") Duration scanInterval,
    @DefaultValue("500") int batchSize,
    @DefaultValue("60s") Duration settleTime,
    @DefaultValue({"2s", "5s", "15s", "30s", "60s", "120s", "300s", "600s"}) List<Duration> reconcileDelays,
    @DefaultValue("1s") Duration janitorWait,
    @DefaultValue("5s") Duration statusQueryInterval,
    @DefaultValue("10m") Duration pendingInterval) {

  public RecoveryProperties {
    if (nodeId == null || nodeId.isBlank()) {
      String host = System.getenv().getOrDefault("HOSTNAME", "node");
      nodeId = host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
    if (lease.isNegative() || lease.isZero()) {
      throw new IllegalArgumentException("payment-router.recovery.lease must be positive");
    }
    if (pendingInterval.isNegative() || pendingInterval.isZero()) {
      throw new IllegalArgumentException("payment-router.recovery.pending-interval must be positive");
    }
  }

  /** The reconciliation schedule. */
  public ReconciliationSchedule schedule() {
    return new ReconciliationSchedule(reconcileDelays);
  }
}
