package dev.paymentrouter.provider.connector;

import dev.paymentrouter.provider.domain.ChargeStatus;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.provider.domain.ProviderRequest;
import dev.paymentrouter.provider.domain.StatusQuery;
import reactor.core.publisher.Mono;

/**
 * Talks to one payment service provider. Expected failures (declines, refused connections, timeouts, error
 * answers) come back as values; an error signal means the connector itself is broken, and its supervisor
 * restarts it.
 */
public interface ProviderConnector extends AutoCloseable {

  /** Asks the provider to charge, with {@link ProviderRequest#idempotencyKey()} as its idempotency key. */
  Mono<ProviderOutcome> authorize(ProviderRequest request);

  /**
   * Asks the provider what became of the charge sent under the query's reference (its idempotency key), by whatever
   * means the provider offers: a lookup, a replay of the same request under the same key, a search.
   */
  Mono<ChargeStatus> status(StatusQuery query);

  /** Releases connections. In-flight calls may end with an {@link ProviderOutcome.Unknown}. */
  @Override
  void close();
}
