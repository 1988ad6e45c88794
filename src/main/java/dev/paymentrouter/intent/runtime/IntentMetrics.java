package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.intent.domain.IntentEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/** Counters of what intents do, for operators: created, attempts by provider and result, final states. */
public final class IntentMetrics {

  private final MeterRegistry registry;
  private final Counter created;
  private final Counter succeeded;
  private final Counter failed;

  public IntentMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.created = Counter.builder("payment_router.intents.stored")
        .description("intents stored (a created suffix would clash with OpenMetrics)").register(registry);
    this.succeeded = Counter.builder("payment_router.intents.final").tag("status", "succeeded").register(registry);
    this.failed = Counter.builder("payment_router.intents.final").tag("status", "failed").register(registry);
  }

  void created() {
    created.increment();
  }

  void transitioned(List<IntentEvent> events) {
    for (IntentEvent event : events) {
      switch (event) {
        case IntentEvent.IntentSucceeded e -> succeeded.increment();
        case IntentEvent.IntentFailed e -> failed.increment();
        case IntentEvent.AttemptApproved e -> attempt("approved");
        case IntentEvent.AttemptDeclined e -> attempt("declined");
        case IntentEvent.AttemptNotSent e -> attempt("not_sent");
        case IntentEvent.AttemptUnknown e -> attempt("unknown");
        case IntentEvent.IntentCreated e -> { }
        case IntentEvent.AttemptStarted e -> { }
      }
    }
  }

  private void attempt(String result) {
    registry.counter("payment_router.attempts.ended", "result", result).increment();
  }
}
