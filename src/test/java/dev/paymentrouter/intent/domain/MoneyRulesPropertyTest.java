package dev.paymentrouter.intent.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.intent.domain.IntentEvent.AttemptApproved;
import dev.paymentrouter.intent.domain.IntentEvent.AttemptStarted;
import dev.paymentrouter.intent.domain.IntentEvent.IntentAuthorized;
import dev.paymentrouter.intent.domain.IntentEvent.IntentCreated;
import dev.paymentrouter.intent.domain.IntentEvent.IntentSucceeded;
import dev.paymentrouter.intent.domain.IntentEvent.ModificationStarted;
import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.ModificationRequest.Kind;
import dev.paymentrouter.provider.domain.RouterRefusal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The money rules of a payment's life, against random sequences of captures, cancels, refunds and provider answers
 * (in any order, with any amounts, answered in any way): whatever the merchant asks and whatever the providers say,
 * captured ≤ authorized, refunded ≤ captured (counting refunds that may still succeed), nothing starts after a cancel,
 * every money movement has exactly one provider record (its own id and key), and it goes to the provider that holds
 * the payment.
 */
class MoneyRulesPropertyTest {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final long AMOUNT = 1000;

  /** One thing that may happen to the intent; {@code pick} chooses among the open modifications. */
  record Step(int kind, long amount, int pick, int answer) {}

  @Provide
  Arbitrary<List<Step>> lives() {
    Arbitrary<Step> step = Combinators.combine(
        Arbitraries.integers().between(0, 4),
        Arbitraries.longs().between(0, AMOUNT + 200),
        Arbitraries.integers().between(0, 7),
        Arbitraries.integers().between(0, 5)).as(Step::new);
    return step.list().ofMinSize(1).ofMaxSize(30);
  }

  @Property(tries = 400)
  void moneyAddsUpWhateverHappens(@ForAll("lives") List<Step> steps, @ForAll boolean manual) {
    PaymentIntent intent = approved(manual);
    Set<String> keys = new HashSet<>();
    int sequence = 0;
    for (Step step : steps) {
      Instant at = T0.plusSeconds(10 + sequence);
      String id = "m" + (++sequence);
      IntentCommand command = switch (step.kind()) {
        case 0 -> new IntentCommand.Capture(id, step.amount(), at);
        case 1 -> new IntentCommand.Cancel(id, "abandoned", at);
        case 2 -> new IntentCommand.Refund(id, step.amount(), null, at);
        case 3 -> new IntentCommand.RecordModification(open(intent, step.pick()), answer(step.answer()), at);
        default -> new IntentCommand.ReconcileModification(open(intent, step.pick()), answer(step.answer()), at);
      };
      boolean canceledBefore = intent.status() == IntentStatus.CANCELED;
      if (IntentTransitions.decide(intent, command) instanceof Decision.Accepted accepted) {
        for (IntentEvent event : accepted.events()) {
          if (event instanceof ModificationStarted started) {
            assertThat(canceledBefore).as("no money moves after a cancel").isFalse();
            assertThat(keys.add(started.idempotencyKey())).as("one provider record per movement").isTrue();
            assertThat(started.provider()).as("never another provider").isEqualTo("alpha");
          }
        }
        intent = IntentTransitions.evolveAll(intent, accepted.events());
      }
      holdsTheMoneyRules(intent);
    }
  }

  private static void holdsTheMoneyRules(PaymentIntent intent) {
    long captured = sum(intent, Kind.CAPTURE, Modification.Status.SUCCEEDED);
    long refunding = intent.modifications().stream()
        .filter(m -> m.kind() == Kind.REFUND && m.status().mayMoveMoney()).mapToLong(Modification::amountMinor).sum();
    assertThat(captured).as("captured <= authorized").isLessThanOrEqualTo(AMOUNT);
    assertThat(intent.modifications().stream().filter(m -> m.kind() != Kind.REFUND && m.status().mayMoveMoney()))
        .as("the authorization is captured or released once").hasSizeLessThanOrEqualTo(1);
    assertThat(intent.amountRefunded()).as("refunded <= received").isLessThanOrEqualTo(intent.amountReceived());
    assertThat(refunding).as("refunds that may still succeed fit in what was received")
        .isLessThanOrEqualTo(intent.amountReceived());
    if (intent.status() == IntentStatus.CANCELED) {
      assertThat(captured).as("a canceled intent was never captured").isZero();
    }
  }

  private static long sum(PaymentIntent intent, Kind kind, Modification.Status status) {
    return intent.modifications().stream().filter(m -> m.kind() == kind && m.status() == status)
        .mapToLong(Modification::amountMinor).sum();
  }

  /** An open modification's id (or one that is not, to exercise the refusals). */
  private static String open(PaymentIntent intent, int pick) {
    List<String> ids = new ArrayList<>();
    intent.modifications().forEach(m -> ids.add(m.id()));
    return ids.isEmpty() ? "none" : ids.get(pick % ids.size());
  }

  private static ModificationOutcome answer(int answer) {
    return switch (answer) {
      case 0 -> new ModificationOutcome.Succeeded("ref");
      case 1 -> new ModificationOutcome.Pending("ref");
      case 2 -> new ModificationOutcome.Refused("refused");
      case 3 -> new ModificationOutcome.NotSent("provider_unavailable");
      case 4 -> new ModificationOutcome.RouterRefused(RouterRefusal.CIRCUIT_OPEN);
      default -> new ModificationOutcome.Unknown("timeout");
    };
  }

  /** An intent alpha approved: paid when captured at once, held when manual. */
  private static PaymentIntent approved(boolean manual) {
    CaptureMethod method = manual ? CaptureMethod.MANUAL : CaptureMethod.AUTOMATIC;
    return IntentTransitions.replay(List.of(
        new IntentCreated("pi_P", "m1", new Money(AMOUNT, "EUR"), new PaymentMethod("card", "tok_visa", null), null,
            Map.of(), T0.plusSeconds(900), method, T0),
        new AttemptStarted(1, "alpha", "pi_P_1", "default", List.of("alpha"), T0),
        new AttemptApproved(1, "pi_1", T0.plusSeconds(1)),
        manual ? new IntentAuthorized(T0.plusSeconds(1)) : new IntentSucceeded(T0.plusSeconds(1))));
  }
}
