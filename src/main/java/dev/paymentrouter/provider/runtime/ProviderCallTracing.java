package dev.paymentrouter.provider.runtime;

import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * Gives each call to a provider a span of its own (see {@link ProviderCallSpans}), the child of the request's trace
 * that caused it, and hands the span on to the call's HTTP request. {@link #NONE} when the node does not trace.
 */
public interface ProviderCallTracing {

  /** Traces nothing: the call runs as it is. */
  ProviderCallTracing NONE = new ProviderCallTracing() {
    @Override
    public <O> Mono<O> trace(String provider, String operation, String intentId, Mono<O> call,
        Function<O, String> outcome) {
      return call;
    }
  };

  /**
   * The call, traced as one span.
   *
   * @param provider  the provider called (a tag)
   * @param operation what is asked: authorize, status, capture, cancel, refund, modification_status (a tag)
   * @param intentId  the intent it is for (high cardinality: on the span only, never on a metric)
   * @param outcome   names the outcome for the span's {@code outcome} tag
   */
  <O> Mono<O> trace(String provider, String operation, String intentId, Mono<O> call, Function<O, String> outcome);
}
