package dev.paymentrouter.api;

import dev.paymentrouter.process.Correlation;
import io.micrometer.observation.Observation;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.handler.TracingObservationHandler;
import reactor.util.context.ContextView;

/**
 * The trace of an API request, as a W3C {@code traceparent}: WebFlux observes every request when the node traces,
 * and puts the observation into the request's Reactor context; its span (a child of the caller's
 * {@code traceparent}, when it sent one) is what the work the request starts continues.
 */
final class TraceCorrelation {

  private TraceCorrelation() {}

  /** The request span's {@code traceparent}, or null when the node does not trace (or the request is not observed). */
  static String traceparent(ContextView context) {
    Observation observation = context.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
    if (observation == null || observation.isNoop()) {
      return null;
    }
    TracingObservationHandler.TracingContext tracing =
        observation.getContextView().get(TracingObservationHandler.TracingContext.class);
    Span span = tracing == null ? null : tracing.getSpan();
    // An unsampled span is "noop" to Micrometer, yet its ids are real: logs and providers get them whatever is kept.
    TraceContext trace = span == null ? null : span.context();
    if (trace == null || trace.traceId().length() != 32 || trace.spanId().length() != 16) {
      return null;
    }
    return Correlation.traceparent(trace.traceId(), trace.spanId(), Boolean.TRUE.equals(trace.sampled()));
  }
}
