package dev.paymentrouter.intent.domain;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * When to ask a provider again about an unknown outcome, and when to stop asking. After the last delay the intent
 * is marked unresolved for an operator: the router never guesses about money.
 *
 * @param delays wait before each status query, in order
 */
public record ReconciliationSchedule(List<Duration> delays) {

  public ReconciliationSchedule {
    delays = List.copyOf(delays);
    if (delays.isEmpty() || delays.stream().anyMatch(d -> d.isNegative())) {
      throw new IllegalArgumentException("a reconciliation schedule needs at least one non-negative delay");
    }
  }

  /** The wait before the next query, after {@code checksDone} inconclusive ones; empty once the schedule is over. */
  public Optional<Duration> delayAfter(int checksDone) {
    return checksDone < delays.size() ? Optional.of(delays.get(checksDone)) : Optional.empty();
  }
}
