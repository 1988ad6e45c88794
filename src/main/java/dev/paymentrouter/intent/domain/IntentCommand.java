package dev.paymentrouter.intent.domain;

import dev.paymentrouter.provider.domain.ProviderOutcome;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/** What an intent's owner is asked to do. Each command is complete: ids, numbers and time come in as data. */
public sealed interface IntentCommand {

  /** When the command is decided. */
  Instant at();

  /** Create the intent and start its first attempt with the first candidate. */
  record Create(
      String intentId,
      String merchantId,
      Money amount,
      PaymentMethod paymentMethod,
      String reference,
      Map<String, String> metadata,
      RouteOptions route,
      Instant at)
      implements IntentCommand {
    public Create {
      Objects.requireNonNull(intentId, "intentId");
      Objects.requireNonNull(merchantId, "merchantId");
      Objects.requireNonNull(amount, "amount");
      Objects.requireNonNull(paymentMethod, "paymentMethod");
      Objects.requireNonNull(route, "route");
      Objects.requireNonNull(at, "at");
      metadata = Map.copyOf(metadata);
    }
  }

  /** Record what a provider answered for attempt {@code attemptNumber}, and move on using {@code route}. */
  record RecordOutcome(int attemptNumber, ProviderOutcome outcome, RouteOptions route, Instant at)
      implements IntentCommand {
    public RecordOutcome {
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(route, "route");
      Objects.requireNonNull(at, "at");
    }
  }
}
