package dev.paymentrouter.provider.runtime;

import dev.paymentrouter.process.Correlation;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * Provider calls traced with Micrometer Tracing: a client span named {@value #NAME} per call, tagged with the
 * provider, the operation and (once it ends) the outcome, plus the intent's id. Its parent is the trace of the
 * request behind the call, taken from the {@link Correlation} in the call's context (the request travels with the
 * command into the intent's process, so the call is a child of the request's trace even though the process, not
 * the request, makes it); a call without one (recovery, a timer) starts a trace of its own. The span's
 * {@code traceparent} replaces the request's in the context, for the HTTP request to carry on.
 *
 * <p>Nothing here touches a thread-local: the span is never made current, so no scope can leak between the many
 * intents one thread serves.
 */
final class ProviderCallSpans implements ProviderCallTracing {

  /** The span's name. */
  static final String NAME = "payment-router.provider.call";

  private static final Propagator.Getter<Correlation> TRACEPARENT =
      (correlation, key) -> "traceparent".equals(key) ? correlation.traceparent() : null;

  private final Tracer tracer;
  private final Propagator propagator;

  ProviderCallSpans(Tracer tracer, Propagator propagator) {
    this.tracer = tracer;
    this.propagator = propagator;
  }

  @Override
  public <O> Mono<O> trace(String provider, String operation, String intentId, Mono<O> call,
      Function<O, String> outcome) {
    return Mono.deferContextual(context -> {
      Correlation request = Correlation.of(context);
      Span.Builder builder = request.traceparent() == null
          ? tracer.spanBuilder().setNoParent()
          : propagator.extract(request, TRACEPARENT);
      builder = builder.name(NAME).kind(Span.Kind.CLIENT)
          .tag("provider", provider)
          .tag("operation", operation);
      Span span = (intentId == null ? builder : builder.tag("payment_router.intent_id", intentId)).start();
      TraceContext trace = span.context();
      Correlation onward = request.withTraceparent(
          Correlation.traceparent(trace.traceId(), trace.spanId(), Boolean.TRUE.equals(trace.sampled())));
      return call
          .doOnNext(answer -> span.tag("outcome", outcome.apply(answer)))
          .doOnError(span::error)
          .doFinally(signal -> span.end())
          .contextWrite(onward::into);
    });
  }
}
