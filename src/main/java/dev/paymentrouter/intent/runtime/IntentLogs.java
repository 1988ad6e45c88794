package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.intent.domain.Attempt;
import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.process.Correlation;
import dev.paymentrouter.process.LogFields;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * The log fields of one intent's process, and the request it last acted for. The process opens them around each
 * message it handles; its parts open them again around lines they log later, on the threads that answer a provider
 * call. The correlation of the last merchant request (create, capture, cancel, refund) stays in memory only: it goes
 * with the provider calls that request caused, and a process started by recovery has none.
 */
final class IntentLogs {

  private final String intentId;
  private volatile String merchantId;
  private volatile Correlation correlation = Correlation.NONE;

  IntentLogs(String intentId) {
    this.intentId = intentId;
  }

  /** A new intent, before its first message: whose it is and which request creates it. */
  void begin(String merchant, Correlation request) {
    merchantId = merchant;
    correlate(request);
  }

  /**
   * A mailbox handler that handles each message with the intent's fields open: the lines logged while one message is
   * handled are the intent's (the mailbox hands over one at a time). The request a message comes with (null: none)
   * becomes the one the intent acts for.
   */
  <M> Function<M, Mono<Void>> handling(Function<M, Correlation> requestOf, Supplier<PaymentIntent> state,
      Function<M, Mono<Void>> handler) {
    return message -> {
      try (LogFields fields = open(state.get(), requestOf.apply(message))) {
        return handler.apply(message);
      }
    };
  }

  /** A consumer that runs with the intent's fields open, for what the process is told on other threads. */
  <T> Consumer<T> logging(Supplier<PaymentIntent> state, Consumer<T> consumer) {
    return value -> {
      try (LogFields fields = open(state.get())) {
        consumer.accept(value);
      }
    };
  }

  /** Logs a line with the intent's fields as of {@code state}, from wherever it runs. */
  void log(PaymentIntent state, Runnable line) {
    try (LogFields fields = open(state)) {
      line.run();
    }
  }

  /** The request a message came with (null: none) becomes the one the intent acts for; the fields then open. */
  LogFields open(PaymentIntent state, Correlation request) {
    correlate(request);
    return open(state);
  }

  /** The intent's fields, with the attempt it is at (the last one started) as of {@code state} (null: none yet). */
  LogFields open(PaymentIntent state) {
    List<Attempt> attempts = state == null ? List.of() : state.attempts();
    Attempt last = attempts.isEmpty() ? null : attempts.getLast();
    return LogFields.open(intentId, state == null ? merchantId : state.merchantId(),
        last == null ? null : last.provider(), last == null ? 0 : last.number(), correlation);
  }

  /** The request's correlation added to the context of a provider call, so that the call carries it on. */
  Context into(Context context) {
    return correlation.into(context);
  }

  private void correlate(Correlation request) {
    if (request != null && request != Correlation.NONE) {
      correlation = request;
    }
  }
}
