package dev.paymentrouter.provider.domain;

import java.util.Locale;
import java.util.Optional;

/**
 * Why the router itself did not send a call: its own breaker, bucket, pool or supervisor said no. The provider never
 * saw the request and said nothing about the card, so such a refusal is back-pressure, not a failed payment: the
 * same provider may be asked again later with a new attempt.
 */
public enum RouterRefusal {
  /** The provider's local token bucket was empty. */
  RATE_LIMITED,
  /** The provider's circuit breaker was open (or its half-open probes were taken). */
  CIRCUIT_OPEN,
  /** The provider's worker pool and its queue were full. */
  POOL_FULL,
  /** The call waited in the pool's queue longer than the queue timeout. */
  QUEUE_TIMEOUT,
  /** The provider's supervisor was restarting its connector and pool. */
  PROVIDER_RESTARTING,
  /** The provider's supervisor had marked it down for a cool-down. */
  PROVIDER_DOWN,
  /** The provider was stopped (the node shuts down). */
  PROVIDER_STOPPED,
  /** No provider of that name is configured on this node. */
  UNKNOWN_PROVIDER,
  /**
   * When a worker took the call up, its sender's time to send had passed (its lease on the intent ran out, so another
   * node may own it now): the call was not made.
   */
  LEASE_EXPIRED;

  /** The name used on the wire and in the database (an attempt's error code). */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The refusal an attempt's error code names, if it names one. */
  public static Optional<RouterRefusal> fromWireName(String code) {
    if (code == null) {
      return Optional.empty();
    }
    for (RouterRefusal refusal : values()) {
      if (refusal.wireName().equals(code)) {
        return Optional.of(refusal);
      }
    }
    return Optional.empty();
  }
}
