package dev.paymentrouter.merchant.domain;

/**
 * How many requests a merchant may send, cluster-wide: a bucket of {@code burst} requests refilled at
 * {@code requestsPerSecond}. Stored with the merchant; the limiter at the API's door enforces it.
 *
 * @param requestsPerSecond the sustained rate, at least 1
 * @param burst             requests that may come at once after a quiet spell (the bucket's capacity), at least 1
 */
public record InboundLimit(int requestsPerSecond, int burst) {

  /** Upper bound of both numbers: larger values are typing mistakes, not limits. */
  public static final int MAX = 1_000_000;

  public InboundLimit {
    if (requestsPerSecond < 1 || requestsPerSecond > MAX || burst < 1 || burst > MAX) {
      throw new IllegalArgumentException("requestsPerSecond and burst must be between 1 and " + MAX);
    }
  }
}
