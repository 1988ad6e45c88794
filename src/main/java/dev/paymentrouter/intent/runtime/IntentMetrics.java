package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.intent.domain.IntentEvent;
import dev.paymentrouter.provider.domain.ChargeStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/** Counters of what intents do, for operators: created, attempts by provider and result, final states. */
public final class IntentMetrics {

  private final MeterRegistry registry;
  private final Counter created;
  private final Counter succeeded;
  private final Counter failed;
  private final Counter failovers;

  public IntentMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.created = Counter.builder("payment_router.intents.stored")
        .description("intents stored (a created suffix would clash with OpenMetrics)").register(registry);
    this.succeeded = Counter.builder("payment_router.intents.final").tag("status", "succeeded").register(registry);
    this.failed = Counter.builder("payment_router.intents.final").tag("status", "failed").register(registry);
    this.failovers = Counter.builder("payment_router.attempts.failovers")
        .description("attempts started after an earlier attempt was proven not to have charged")
        .register(registry);
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
        case IntentEvent.AttemptNotCharged e -> attempt("not_charged");
        case IntentEvent.IntentUnresolved e -> registry.counter("payment_router.intents.unresolved_marked").increment();
        case IntentEvent.IntentRedriven e -> registry.counter("payment_router.intents.redriven").increment();
        case IntentEvent.AttemptStarted e -> {
          if (e.attemptNumber() > 1) {
            failovers.increment();
          }
        }
        case IntentEvent.IntentCreated e -> { }
      }
    }
  }

  void reconciled(ChargeStatus status) {
    String result = switch (status) {
      case ChargeStatus.Charged charged -> "charged";
      case ChargeStatus.Declined declined -> "declined";
      case ChargeStatus.NotFound notFound -> "not_found";
      case ChargeStatus.Unavailable unavailable -> "unavailable";
    };
    registry.counter("payment_router.reconciliations", "result", result).increment();
  }

  private void attempt(String result) {
    registry.counter("payment_router.attempts.ended", "result", result).increment();
  }
}
