package dev.paymentrouter.provider.connector;

import dev.paymentrouter.provider.domain.ChargeStatus;
import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.ModificationRequest;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.provider.domain.ProviderRequest;
import dev.paymentrouter.provider.domain.StatusQuery;
import java.time.Instant;
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

  /**
   * Captures, cancels or refunds a payment this provider holds, under the modification's own idempotency key. The
   * same outcome rules as {@link #authorize}: only an answer that proves nothing moved is refused or not sent.
   */
  default Mono<ModificationOutcome> modify(ModificationRequest request) {
    // A connector type that cannot change payments it made: nothing was sent, and nothing will be until it can.
    return Mono.just(new ModificationOutcome.NotSent("modification_not_supported", true));
  }

  /**
   * What became of a modification whose outcome was unknown or pending, first sent at {@code sentAt}: asked the
   * provider's way (a lookup, or a replay of the identical request under the same key while the provider still keeps
   * the key, which moves the money at most once). Never {@link ModificationOutcome.NotSent} for a modification the
   * provider may have processed.
   */
  default Mono<ModificationOutcome> modificationStatus(ModificationRequest request, Instant sentAt) {
    return Mono.just(new ModificationOutcome.NotSent("modification_not_supported", true));
  }

  /** Releases connections. In-flight calls may end with an {@link ProviderOutcome.Unknown}. */
  @Override
  void close();
}
