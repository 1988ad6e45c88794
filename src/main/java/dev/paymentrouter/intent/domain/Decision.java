package dev.paymentrouter.intent.domain;

import java.util.List;
import java.util.Objects;

/** The result of deciding a command: events to append, or a rejection that changes nothing. */
public sealed interface Decision {

  /** The command is accepted; these events, in order, are its effect. */
  record Accepted(List<IntentEvent> events) implements Decision {
    public Accepted {
      events = List.copyOf(events);
      if (events.isEmpty()) {
        throw new IllegalArgumentException("an accepted command produces at least one event");
      }
    }
  }

  /** The command is refused, with a stable machine-readable code. */
  record Rejected(String code, String message) implements Decision {
    public Rejected {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(message, "message");
    }
  }
}
