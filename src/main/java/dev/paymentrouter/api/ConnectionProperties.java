package dev.paymentrouter.api;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Bounds of the HTTP server itself under {@code payment-router.api.connections} (see {@link ServerBounds}); the idle
 * timeout and requests per connection are Spring Boot's own {@code server.netty.*}.
 *
 * @param max                  connections open at once; a connection beyond it is closed as soon as it is accepted
 * @param maxPendingRequests   requests one connection may have sent and not yet been answered (HTTP/1.1
 *                             pipelining); beyond it the connection is closed
 * @param requestTimeout       the longest a request may take to arrive in full (slow senders hold no buffers for
 *                             ever); the server answers 408 after it
 * @param maxConcurrentStreams HTTP/2 streams one connection may have open at once, where HTTP/2 is enabled
 */
@ConfigurationProperties("payment-router.api.connections")
public record ConnectionProperties(
    @DefaultValue("10000") int max,
    @DefaultValue("16") int maxPendingRequests,
    @DefaultValue("10s") Duration requestTimeout,
    @DefaultValue("100") int maxConcurrentStreams) {

  /** Every mistake at once, each with its property path. */
  public ConnectionProperties {
    String prefix = "payment-router.api.connections.";
    StringBuilder problems = new StringBuilder();
    if (max < 1) {
      problems.append(prefix).append("max must be at least 1, was ").append(max).append("; ");
    }
    if (maxPendingRequests < 1) {
      problems.append(prefix).append("max-pending-requests must be at least 1, was ").append(maxPendingRequests)
          .append("; ");
    }
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      problems.append(prefix).append("request-timeout must be positive, was ").append(requestTimeout).append("; ");
    }
    if (maxConcurrentStreams < 1) {
      problems.append(prefix).append("max-concurrent-streams must be at least 1, was ").append(maxConcurrentStreams)
          .append("; ");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(problems.substring(0, problems.length() - 2));
    }
  }
}
