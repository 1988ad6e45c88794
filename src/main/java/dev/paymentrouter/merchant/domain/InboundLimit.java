package dev.paymentrouter.merchant.domain;

/**
 * How many API requests one merchant may make, across all replicas: {@code burst} at once, {@code perSecond}
 * sustained.
 */
public record InboundLimit(int perSecond, int burst) {

  public InboundLimit {
    if (perSecond < 1 || burst < 1) {
      throw new IllegalArgumentException("an inbound limit needs per-second >= 1 and burst >= 1");
    }
  }
}
