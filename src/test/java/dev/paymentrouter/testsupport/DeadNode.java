package dev.paymentrouter.testsupport;

import dev.paymentrouter.intent.domain.Decision;
import dev.paymentrouter.intent.domain.IntentCommand;
import dev.paymentrouter.intent.domain.IntentEvent;
import dev.paymentrouter.intent.domain.IntentState;
import dev.paymentrouter.intent.domain.IntentTransitions;
import dev.paymentrouter.intent.domain.Money;
import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.intent.domain.PaymentMethod;
import dev.paymentrouter.intent.domain.RouteOptions;
import dev.paymentrouter.intent.runtime.IntentStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What a node that committed an intent with its first attempt (alpha, in flight), and then died, leaves behind. */
public final class DeadNode {

  private DeadNode() {}

  /** Stores intent {@code id} of 20.00 EUR paid with {@code token}, owned by "dead-node" as {@code ownership} says. */
  public static String leftInFlight(IntentStore store, String merchantId, String id, String token,
      IntentStore.Ownership ownership) {
    Instant now = Instant.now();
    IntentCommand.Create create = new IntentCommand.Create(id, merchantId, new Money(2_000, "EUR"),
        new PaymentMethod("card", token, null), null, Map.of(), now.plus(Duration.ofMinutes(15)),
        new RouteOptions(List.of("alpha", "beta", "gamma"), 3), now);
    List<IntentEvent> events = ((Decision.Accepted) IntentTransitions.decide(IntentState.NONE, create)).events();
    PaymentIntent intent = IntentTransitions.evolveAll(IntentState.NONE, events);
    store.insert(intent, events, "dead-" + id, "hash-" + id, ownership).block(Duration.ofSeconds(5));
    return id;
  }

  /** Ownership by the dead node: its lease held until {@code leaseUntil}, next look due at {@code nextCheckAt}. */
  public static IntentStore.Ownership ownership(Instant leaseUntil, Instant nextCheckAt) {
    return new IntentStore.Ownership("dead-node", leaseUntil, nextCheckAt, 0);
  }
}
