package dev.paymentrouter.process;

import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * What ties the work a merchant's request starts to that request: its {@code X-Request-Id} and the W3C
 * {@code traceparent} of its trace (either may be null). It travels in memory only, in the Reactor context of the
 * request and with the command into the intent's process, and from there in the context of the provider call, whose
 * HTTP request carries both on ({@code provider.connector.ProviderHttp}). It is never stored: an intent taken up by
 * recovery has none.
 *
 * @param requestId   the request's id, or null
 * @param traceparent the W3C trace context to continue ({@code 00-<trace id>-<span id>-<flags>}), or null
 */
public record Correlation(String requestId, String traceparent) {

  /** Where a request's correlation lives in the Reactor context. */
  public static final String CONTEXT_KEY = "payment-router.correlation";

  /** No request behind the work (recovery, timers, notifications). */
  public static final Correlation NONE = new Correlation(null, null);

  /** The correlation in this context, or {@link #NONE}. */
  public static Correlation of(ContextView context) {
    return context.getOrDefault(CONTEXT_KEY, NONE);
  }

  /** This correlation added to a context (the context itself when there is nothing to add). */
  public Context into(Context context) {
    return this == NONE ? context : context.put(CONTEXT_KEY, this);
  }

  /** The same request, continuing another span of its trace. */
  public Correlation withTraceparent(String next) {
    return new Correlation(requestId, next);
  }

  /** A W3C {@code traceparent} (version 00) for a span: its trace id, its own id, and whether it is sampled. */
  public static String traceparent(String traceId, String spanId, boolean sampled) {
    return "00-" + traceId + "-" + spanId + (sampled ? "-01" : "-00");
  }

  /** The trace id of {@link #traceparent}, or null when there is none or it is not W3C's version 00 form. */
  public String traceId() {
    return traceparent != null && traceparent.length() == 55 && traceparent.startsWith("00-")
        ? traceparent.substring(3, 35)
        : null;
  }
}
