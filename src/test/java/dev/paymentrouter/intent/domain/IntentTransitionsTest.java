package dev.paymentrouter.intent.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paymentrouter.intent.domain.IntentCommand.Create;
import dev.paymentrouter.intent.domain.IntentCommand.RecordOutcome;
import dev.paymentrouter.intent.domain.IntentEvent.AttemptApproved;
import dev.paymentrouter.intent.domain.IntentEvent.AttemptDeclined;
import dev.paymentrouter.intent.domain.IntentEvent.AttemptNotSent;
import dev.paymentrouter.intent.domain.IntentEvent.AttemptStarted;
import dev.paymentrouter.intent.domain.IntentEvent.AttemptUnknown;
import dev.paymentrouter.intent.domain.IntentEvent.IntentCreated;
import dev.paymentrouter.intent.domain.IntentEvent.IntentFailed;
import dev.paymentrouter.intent.domain.IntentEvent.IntentSucceeded;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IntentTransitionsTest {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final Instant T1 = T0.plusSeconds(1);
  static final String ID = "pi_TEST";
  static final RouteOptions ALPHA_BETA = new RouteOptions(List.of("alpha", "beta"), 3);

  /** Named states every transition is checked from. */
  enum S {
    NONE, PENDING, IN_FLIGHT, UNKNOWN_ATTEMPT, SUCCEEDED, FAILED;

    IntentState build() {
      IntentCreated created = new IntentCreated(ID, "m1", new Money(1299, "EUR"),
          new PaymentMethod("card", "tok_visa", "DE"), "order-1", Map.of(), T0);
      AttemptStarted started = new AttemptStarted(1, "alpha", ID + "_1", T0);
      return switch (this) {
        case NONE -> IntentState.NONE;
        case PENDING -> IntentTransitions.evolve(IntentState.NONE, created);
        case IN_FLIGHT -> IntentTransitions.replay(List.of(created, started));
        case UNKNOWN_ATTEMPT -> IntentTransitions.replay(List.of(created, started,
            new AttemptUnknown(1, "timeout", T1)));
        case SUCCEEDED -> IntentTransitions.replay(List.of(created, started,
            new AttemptApproved(1, "ch_1", T1), new IntentSucceeded(T1)));
        case FAILED -> IntentTransitions.replay(List.of(created, started,
            new AttemptDeclined(1, "insufficient_funds", T1), new IntentFailed("insufficient_funds", T1)));
      };
    }
  }

  /** Named events, each applied to every state. */
  enum E {
    CREATED(new IntentCreated(ID, "m1", new Money(1299, "EUR"), new PaymentMethod("card", "tok_visa", "DE"),
        null, Map.of(), T1)),
    STARTED_1(new AttemptStarted(1, "alpha", ID + "_1", T1)),
    STARTED_2(new AttemptStarted(2, "beta", ID + "_2", T1)),
    APPROVED_1(new AttemptApproved(1, "ch_1", T1)),
    DECLINED_1(new AttemptDeclined(1, "card_declined", T1)),
    NOT_SENT_1(new AttemptNotSent(1, "rate_limited", T1)),
    UNKNOWN_1(new AttemptUnknown(1, "timeout", T1)),
    SUCCEEDED(new IntentSucceeded(T1)),
    FAILED(new IntentFailed("no_provider_available", T1));

    final IntentEvent event;

    E(IntentEvent event) {
      this.event = event;
    }
  }

  /** The whole (state, event) table: the status that follows, or null where the event is illegal. */
  static Stream<Arguments> everyStateAndEvent() {
    Map<S, Map<E, IntentStatus>> legal = Map.of(
        S.NONE, Map.of(E.CREATED, IntentStatus.PENDING),
        S.PENDING, Map.of(E.STARTED_1, IntentStatus.PROCESSING, E.FAILED, IntentStatus.FAILED),
        S.IN_FLIGHT, Map.of(
            E.APPROVED_1, IntentStatus.PROCESSING,
            E.DECLINED_1, IntentStatus.PROCESSING,
            E.NOT_SENT_1, IntentStatus.PROCESSING,
            E.UNKNOWN_1, IntentStatus.PROCESSING),
        // After an unknown outcome nothing may start or end the intent until reconciliation says more.
        S.UNKNOWN_ATTEMPT, Map.of(),
        S.SUCCEEDED, Map.of(),
        S.FAILED, Map.of());
    List<Arguments> rows = new ArrayList<>();
    for (S state : S.values()) {
      for (E event : E.values()) {
        rows.add(Arguments.of(state, event, legal.get(state).get(event)));
      }
    }
    return rows.stream();
  }

  @ParameterizedTest(name = "{0} + {1} -> {2}")
  @MethodSource("everyStateAndEvent")
  void evolveAppliesLegalEventsAndRefusesTheRest(S state, E event, IntentStatus expected) {
    IntentState before = state.build();
    if (expected == null) {
      assertThatThrownBy(() -> IntentTransitions.evolve(before, event.event))
          .isInstanceOf(IllegalTransitionException.class);
    } else {
      assertThat(IntentTransitions.evolve(before, event.event).status()).isEqualTo(expected);
    }
  }

  /** Named commands, each decided against every state. */
  enum C {
    CREATE(new Create(ID, "m1", new Money(1299, "EUR"), new PaymentMethod("card", "tok_visa", "DE"), null,
        Map.of(), ALPHA_BETA, T1)),
    APPROVED_1(new RecordOutcome(1, new ProviderOutcome.Approved("ch_1"), ALPHA_BETA, T1)),
    DECLINED_1(new RecordOutcome(1, new ProviderOutcome.Declined("insufficient_funds", false), ALPHA_BETA, T1)),
    NOT_SENT_1(new RecordOutcome(1, new ProviderOutcome.NotSent("circuit_open"), ALPHA_BETA, T1)),
    UNKNOWN_1(new RecordOutcome(1, new ProviderOutcome.Unknown("timeout"), ALPHA_BETA, T1)),
    APPROVED_2(new RecordOutcome(2, new ProviderOutcome.Approved("ch_2"), ALPHA_BETA, T1));

    final IntentCommand command;

    C(IntentCommand command) {
      this.command = command;
    }
  }

  /** The whole (state, command) table: the event types accepted, or the rejection code. */
  static Stream<Arguments> everyStateAndCommand() {
    List<Arguments> rows = new ArrayList<>();
    for (S state : S.values()) {
      for (C command : C.values()) {
        rows.add(Arguments.of(state, command, expectedDecision(state, command)));
      }
    }
    return rows.stream();
  }

  private static String expectedDecision(S state, C command) {
    return switch (state) {
      case NONE -> command == C.CREATE ? "IntentCreated,AttemptStarted" : "rejected:intent_not_found";
      case PENDING, UNKNOWN_ATTEMPT ->
          command == C.CREATE ? "rejected:intent_exists" : "rejected:attempt_not_in_flight";
      case IN_FLIGHT -> switch (command) {
        case CREATE -> "rejected:intent_exists";
        case APPROVED_1 -> "AttemptApproved,IntentSucceeded";
        case DECLINED_1 -> "AttemptDeclined,IntentFailed";
        case NOT_SENT_1 -> "AttemptNotSent,AttemptStarted";
        case UNKNOWN_1 -> "AttemptUnknown";
        case APPROVED_2 -> "rejected:attempt_not_in_flight";
      };
      case SUCCEEDED, FAILED -> command == C.CREATE ? "rejected:intent_exists" : "rejected:intent_final";
    };
  }

  @ParameterizedTest(name = "{0} + {1} -> {2}")
  @MethodSource("everyStateAndCommand")
  void decideAnswersEveryCommandInEveryState(S state, C command, String expected) {
    IntentState before = state.build();
    Decision decision = IntentTransitions.decide(before, command.command);
    String actual = switch (decision) {
      case Decision.Rejected rejected -> "rejected:" + rejected.code();
      case Decision.Accepted accepted -> String.join(",",
          accepted.events().stream().map(e -> e.getClass().getSimpleName()).toList());
    };
    assertThat(actual).isEqualTo(expected);
    if (decision instanceof Decision.Accepted accepted) {
      // Whatever decide accepts, evolve must be able to apply.
      assertThat(IntentTransitions.evolveAll(before, accepted.events())).isNotNull();
    }
  }

  @Test
  void createStartsTheFirstAttemptWithTheFirstCandidateAndItsOwnIdempotencyKey() {
    Decision decision = IntentTransitions.decide(IntentState.NONE, C.CREATE.command);
    PaymentIntent intent = IntentTransitions.evolveAll(IntentState.NONE, accepted(decision));
    assertThat(intent.status()).isEqualTo(IntentStatus.PROCESSING);
    assertThat(intent.attempts()).singleElement().satisfies(attempt -> {
      assertThat(attempt.provider()).isEqualTo("alpha");
      assertThat(attempt.idempotencyKey()).isEqualTo(ID + "_1");
      assertThat(attempt.status()).isEqualTo(AttemptStatus.IN_FLIGHT);
    });
  }

  @Test
  void createWithoutCandidatesIsRejectedAndCreatesNothing() {
    Create create = new Create(ID, "m1", new Money(100, "EUR"), new PaymentMethod("card", "tok_visa", null), null,
        Map.of(), new RouteOptions(List.of(), 3), T0);
    assertThat(IntentTransitions.decide(IntentState.NONE, create))
        .isEqualTo(new Decision.Rejected("no_provider_available", "no provider can take a payment now"));
  }

  @Test
  void notSentMovesOnToTheNextProviderNotYetTried() {
    PaymentIntent intent = (PaymentIntent) S.IN_FLIGHT.build();
    RouteOptions sameOrder = new RouteOptions(List.of("alpha", "beta", "gamma"), 3);
    PaymentIntent after = apply(intent, new RecordOutcome(1, new ProviderOutcome.NotSent("rate_limited"),
        sameOrder, T1));
    assertThat(after.attempts()).extracting(Attempt::provider, Attempt::status).containsExactly(
        org.assertj.core.groups.Tuple.tuple("alpha", AttemptStatus.NOT_SENT),
        org.assertj.core.groups.Tuple.tuple("beta", AttemptStatus.IN_FLIGHT));
    assertThat(after.attempts().get(1).idempotencyKey()).isEqualTo(ID + "_2");
  }

  @Test
  void notSentWithNoUntriedCandidateFailsTheIntent() {
    PaymentIntent intent = (PaymentIntent) S.IN_FLIGHT.build();
    PaymentIntent after = apply(intent, new RecordOutcome(1, new ProviderOutcome.NotSent("circuit_open"),
        new RouteOptions(List.of("alpha"), 3), T1));
    assertThat(after.status()).isEqualTo(IntentStatus.FAILED);
    assertThat(after.failureCode()).isEqualTo("no_provider_available");
  }

  @Test
  void notSentAfterTheLastAllowedAttemptFailsTheIntent() {
    PaymentIntent intent = (PaymentIntent) S.IN_FLIGHT.build();
    PaymentIntent after = apply(intent, new RecordOutcome(1, new ProviderOutcome.NotSent("circuit_open"),
        new RouteOptions(List.of("alpha", "beta"), 1), T1));
    assertThat(after.status()).isEqualTo(IntentStatus.FAILED);
    assertThat(after.failureCode()).isEqualTo("attempts_exhausted");
  }

  @Test
  void declineFailsTheIntentWithTheDeclineCodeAndTriesNoOtherProvider() {
    PaymentIntent after = apply((PaymentIntent) S.IN_FLIGHT.build(),
        new RecordOutcome(1, new ProviderOutcome.Declined("insufficient_funds", false), ALPHA_BETA, T1));
    assertThat(after.status()).isEqualTo(IntentStatus.FAILED);
    assertThat(after.failureCode()).isEqualTo("insufficient_funds");
    assertThat(after.attempts()).hasSize(1);
  }

  @Test
  void unknownOutcomeLeavesTheIntentProcessingAndStartsNothing() {
    PaymentIntent after = apply((PaymentIntent) S.IN_FLIGHT.build(),
        new RecordOutcome(1, new ProviderOutcome.Unknown("timeout"), ALPHA_BETA, T1));
    assertThat(after.status()).isEqualTo(IntentStatus.PROCESSING);
    assertThat(after.inFlightAttempt()).isEmpty();
    assertThat(after.attempts()).singleElement().extracting(Attempt::status).isEqualTo(AttemptStatus.UNKNOWN);
  }

  /** Any sequence of provider outcomes leads to at most one approved attempt and a consistent state. */
  @Test
  void noSequenceOfOutcomesApprovesTwiceOrFailsOverAfterUnknown() {
    Random random = new Random(42);
    List<ProviderOutcome> outcomes = List.of(
        new ProviderOutcome.Approved("ch"), new ProviderOutcome.Declined("card_declined", false),
        new ProviderOutcome.NotSent("rate_limited"), new ProviderOutcome.Unknown("timeout"));
    RouteOptions route = new RouteOptions(Arrays.asList("alpha", "beta", "gamma", "delta"), 4);
    for (int run = 0; run < 2_000; run++) {
      PaymentIntent intent = IntentTransitions.evolveAll(IntentState.NONE, accepted(IntentTransitions.decide(
          IntentState.NONE, new Create(ID, "m1", new Money(1, "EUR"), new PaymentMethod("card", "t", null), null,
              Map.of(), route, T0))));
      for (int step = 0; step < 6; step++) {
        int attempt = 1 + random.nextInt(intent.attempts().size() + 1);
        ProviderOutcome outcome = outcomes.get(random.nextInt(outcomes.size()));
        Decision decision = IntentTransitions.decide(intent, new RecordOutcome(attempt, outcome, route, T1));
        if (decision instanceof Decision.Accepted accepted) {
          intent = IntentTransitions.evolveAll(intent, accepted.events());
        }
      }
      long approved = intent.attempts().stream().filter(a -> a.status() == AttemptStatus.APPROVED).count();
      assertThat(approved).isLessThanOrEqualTo(1);
      assertThat(intent.status() == IntentStatus.SUCCEEDED).isEqualTo(approved == 1);
      int unknownAt = indexOfFirst(intent.attempts(), AttemptStatus.UNKNOWN);
      if (unknownAt >= 0) {
        assertThat(intent.attempts()).hasSize(unknownAt + 1);
        assertThat(intent.status()).isEqualTo(IntentStatus.PROCESSING);
      }
    }
  }

  private static int indexOfFirst(List<Attempt> attempts, AttemptStatus status) {
    for (int i = 0; i < attempts.size(); i++) {
      if (attempts.get(i).status() == status) {
        return i;
      }
    }
    return -1;
  }

  private static PaymentIntent apply(PaymentIntent intent, IntentCommand command) {
    return IntentTransitions.evolveAll(intent, accepted(IntentTransitions.decide(intent, command)));
  }

  private static List<IntentEvent> accepted(Decision decision) {
    assertThat(decision).isInstanceOf(Decision.Accepted.class);
    return ((Decision.Accepted) decision).events();
  }
}
