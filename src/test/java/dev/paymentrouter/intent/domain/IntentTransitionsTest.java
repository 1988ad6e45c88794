package dev.paymentrouter.intent.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paymentrouter.intent.domain.IntentCommand.Annotate;
import dev.paymentrouter.intent.domain.IntentCommand.Cancel;
import dev.paymentrouter.intent.domain.IntentCommand.Capture;
import dev.paymentrouter.intent.domain.IntentCommand.Create;
import dev.paymentrouter.intent.domain.IntentCommand.GiveUp;
import dev.paymentrouter.intent.domain.IntentCommand.Reconcile;
import dev.paymentrouter.intent.domain.IntentCommand.ReconcileAuthorization;
import dev.paymentrouter.intent.domain.IntentCommand.ReconcileModification;
import dev.paymentrouter.intent.domain.IntentCommand.RecordModification;
import dev.paymentrouter.intent.domain.IntentCommand.RecordOutcome;
import dev.paymentrouter.intent.domain.IntentCommand.Redrive;
import dev.paymentrouter.intent.domain.IntentCommand.Refund;
import dev.paymentrouter.intent.domain.IntentCommand.Retry;
import dev.paymentrouter.intent.domain.IntentEvent.AttemptActionRequired;
import dev.paymentrouter.intent.domain.IntentEvent.AttemptApproved;
import dev.paymentrouter.intent.domain.IntentEvent.AttemptDeclined;
import dev.paymentrouter.intent.domain.IntentEvent.AttemptNotCharged;
import dev.paymentrouter.intent.domain.IntentEvent.AttemptNotSent;
import dev.paymentrouter.intent.domain.IntentEvent.AttemptRefused;
import dev.paymentrouter.intent.domain.IntentEvent.AttemptStarted;
import dev.paymentrouter.intent.domain.IntentEvent.AttemptUnknown;
import dev.paymentrouter.intent.domain.IntentEvent.IntentAnnotated;
import dev.paymentrouter.intent.domain.IntentEvent.IntentAuthorized;
import dev.paymentrouter.intent.domain.IntentEvent.IntentCanceled;
import dev.paymentrouter.intent.domain.IntentEvent.IntentCreated;
import dev.paymentrouter.intent.domain.IntentEvent.IntentFailed;
import dev.paymentrouter.intent.domain.IntentEvent.IntentParked;
import dev.paymentrouter.intent.domain.IntentEvent.IntentRedriven;
import dev.paymentrouter.intent.domain.IntentEvent.IntentRetried;
import dev.paymentrouter.intent.domain.IntentEvent.IntentSucceeded;
import dev.paymentrouter.intent.domain.IntentEvent.IntentUnresolved;
import dev.paymentrouter.intent.domain.IntentEvent.ModificationStarted;
import dev.paymentrouter.provider.domain.ChargeStatus;
import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.ModificationRequest;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.provider.domain.RouterRefusal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IntentTransitionsTest {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final Instant T1 = T0.plusSeconds(1);
  static final Instant LATER = T0.plusSeconds(120);
  static final Instant DEADLINE = T0.plusSeconds(900);
  static final Duration SETTLE = Duration.ofSeconds(60);
  static final String ID = "pi_TEST";
  static final RouteOptions ALPHA_BETA = new RouteOptions(List.of("alpha", "beta"), 3, "default");
  static final Duration MAX_PARK = Duration.ofSeconds(5);
  /** Both held back by the router, alpha for a second, beta for two; an intent may wait five seconds. */
  static final RouteOptions HELD = ALPHA_BETA.withParking(
      Map.of("alpha", T1.plusSeconds(1), "beta", T1.plusSeconds(2)), MAX_PARK);
  /** Both held back for longer than an intent may wait. */
  static final RouteOptions HELD_TOO_LONG = ALPHA_BETA.withParking(
      Map.of("alpha", T1.plusSeconds(10), "beta", T1.plusSeconds(10)), MAX_PARK);
  /** Nothing held back, waiting allowed. */
  static final RouteOptions READY = ALPHA_BETA.withParking(Map.of(), MAX_PARK);

  static IntentCreated created(Instant at) {
    return new IntentCreated(ID, "m1", new Money(1299, "EUR"), new PaymentMethod("card", "tok_visa", "DE"),
        "order-1", Map.of(), DEADLINE, at);
  }

  static IntentCreated createdManual(Instant at) {
    return new IntentCreated(ID, "m1", new Money(1299, "EUR"), new PaymentMethod("card", "tok_visa", "DE"),
        "order-1", Map.of(), DEADLINE, CaptureMethod.MANUAL, at);
  }

  static AttemptStarted started(int n, String provider) {
    return new AttemptStarted(n, provider, ID + "_" + n, "default", List.of("alpha", "beta"), T0);
  }

  /** Named states every transition is checked from. */
  enum S {
    NONE, PENDING, IN_FLIGHT, UNKNOWN_ATTEMPT, UNRESOLVED, SUCCEEDED, FAILED, PARKED, REQUIRES_ACTION,
    REQUIRES_CAPTURE, CAPTURE_IN_FLIGHT, CANCELED;

    IntentState build() {
      return switch (this) {
        case NONE -> IntentState.NONE;
        case PENDING -> IntentTransitions.evolve(IntentState.NONE, created(T0));
        case IN_FLIGHT -> IntentTransitions.replay(List.of(created(T0), started(1, "alpha")));
        case UNKNOWN_ATTEMPT -> IntentTransitions.replay(List.of(created(T0), started(1, "alpha"),
            new AttemptUnknown(1, "timeout", T1)));
        case UNRESOLVED -> IntentTransitions.replay(List.of(created(T0), started(1, "alpha"),
            new AttemptUnknown(1, "timeout", T1), new IntentUnresolved("reconciliation_exhausted", T1)));
        case SUCCEEDED -> IntentTransitions.replay(List.of(created(T0), started(1, "alpha"),
            new AttemptApproved(1, "ch_1", T1), new IntentSucceeded(T1)));
        case FAILED -> IntentTransitions.replay(List.of(created(T0), started(1, "alpha"),
            new AttemptDeclined(1, "insufficient_funds", T1), new IntentFailed("insufficient_funds", T1)));
        case REQUIRES_ACTION -> IntentTransitions.replay(List.of(created(T0), started(1, "alpha"),
            new AttemptActionRequired(1, "pi_1", "use_stripe_sdk", T1)));
        // Manual capture: alpha authorized 12.99 EUR and holds it.
        case REQUIRES_CAPTURE -> IntentTransitions.replay(List.of(createdManual(T0), started(1, "alpha"),
            new AttemptApproved(1, "pi_1", T1), new IntentAuthorized(T1)));
        case CAPTURE_IN_FLIGHT -> IntentTransitions.replay(List.of(createdManual(T0), started(1, "alpha"),
            new AttemptApproved(1, "pi_1", T1), new IntentAuthorized(T1), CAPTURE_STARTED));
        case CANCELED -> IntentTransitions.replay(List.of(created(T0), new IntentCanceled("abandoned", T1)));
        // alpha's bucket was empty, beta's circuit open: the intent waits a second for alpha.
        case PARKED -> IntentTransitions.replay(List.of(created(T0), started(1, "alpha"),
            new AttemptRefused(1, RouterRefusal.RATE_LIMITED, T1), new IntentParked(T1, T1.plusSeconds(1), T1)));
      };
    }
  }

  static final ModificationStarted CAPTURE_STARTED =
      new ModificationStarted("m1", ModificationRequest.Kind.CAPTURE, 1299, "alpha", "m1", null, T1);

  /** Named events, each applied to every state. */
  enum E {
    CREATED(created(T1)),
    STARTED_1(started(1, "alpha")),
    STARTED_2(started(2, "beta")),
    APPROVED_1(new AttemptApproved(1, "ch_1", T1)),
    DECLINED_1(new AttemptDeclined(1, "card_declined", T1)),
    NOT_SENT_1(new AttemptNotSent(1, "connection_refused", T1)),
    REFUSED_1(new AttemptRefused(1, RouterRefusal.RATE_LIMITED, T1)),
    PARKED(new IntentParked(T1, T1.plusSeconds(1), T1)),
    RETRIED(new IntentRetried(T1, T1.plusSeconds(1))),
    UNKNOWN_1(new AttemptUnknown(1, "timeout", T1)),
    ACTION_REQUIRED_1(new AttemptActionRequired(1, "pi_1", "use_stripe_sdk", T1)),
    NOT_CHARGED_1(new AttemptNotCharged(1, T1)),
    SUCCEEDED(new IntentSucceeded(T1)),
    FAILED(new IntentFailed("no_provider_available", T1)),
    UNRESOLVED(new IntentUnresolved("reconciliation_exhausted", T1)),
    REDRIVEN(new IntentRedriven("alice", T1)),
    CANCELED(new IntentCanceled("abandoned", T1)),
    CAPTURE_STARTED_EVENT(CAPTURE_STARTED),
    ANNOTATED(new IntentAnnotated(Map.of("order", "o-1"), "Order o-1", T1));

    final IntentEvent event;

    E(IntentEvent event) {
      this.event = event;
    }
  }

  /** The whole (state, event) table: the status that follows, or null where the event is illegal. */
  static Stream<Arguments> everyStateAndEvent() {
    Map<E, IntentStatus> afterUnknown = Map.of(
        E.APPROVED_1, IntentStatus.PROCESSING,
        E.DECLINED_1, IntentStatus.PROCESSING,
        E.NOT_CHARGED_1, IntentStatus.PROCESSING,
        E.ACTION_REQUIRED_1, IntentStatus.REQUIRES_ACTION);
    Map<S, Map<E, IntentStatus>> legal = Map.of(
        S.NONE, Map.of(E.CREATED, IntentStatus.PENDING),
        // Nothing is in flight or unknown before the first attempt, so a pending intent could wait (create never
        // makes it: it either starts an attempt or stores nothing).
        S.PENDING, Map.of(E.STARTED_1, IntentStatus.PROCESSING, E.FAILED, IntentStatus.FAILED,
            E.PARKED, IntentStatus.PENDING, E.CANCELED, IntentStatus.CANCELED),
        S.IN_FLIGHT, Map.of(
            E.APPROVED_1, IntentStatus.PROCESSING,
            E.DECLINED_1, IntentStatus.PROCESSING,
            E.NOT_SENT_1, IntentStatus.PROCESSING,
            E.REFUSED_1, IntentStatus.PROCESSING,
            E.UNKNOWN_1, IntentStatus.PROCESSING,
            E.ACTION_REQUIRED_1, IntentStatus.REQUIRES_ACTION),
        // After an unknown outcome nothing may start or fail the intent until reconciliation says more.
        S.UNKNOWN_ATTEMPT, with(afterUnknown, E.UNRESOLVED, IntentStatus.PROCESSING),
        S.UNRESOLVED, with(afterUnknown, E.REDRIVEN, IntentStatus.PROCESSING),
        S.SUCCEEDED, Map.of(),
        S.FAILED, Map.of(),
        S.REQUIRES_ACTION, Map.of(),
        // A parked intent may start its next attempt, wait again, be told it woke, or fail; nothing else.
        S.PARKED, Map.of(
            E.STARTED_2, IntentStatus.PROCESSING,
            E.PARKED, IntentStatus.PROCESSING,
            E.RETRIED, IntentStatus.PROCESSING,
            E.FAILED, IntentStatus.FAILED,
            E.CANCELED, IntentStatus.CANCELED));
    // A held authorization takes a capture (or a cancel) and never starts another attempt; a capture in flight or a
    // canceled intent takes none of these events.
    Map<S, Map<E, IntentStatus>> lifecycle = Map.of(
        S.REQUIRES_CAPTURE, Map.of(E.CAPTURE_STARTED_EVENT, IntentStatus.REQUIRES_CAPTURE),
        S.CAPTURE_IN_FLIGHT, Map.of(),
        S.CANCELED, Map.of());
    List<Arguments> rows = new ArrayList<>();
    // The merchant's details change on any intent that is not being charged, and nothing else with them.
    Set<S> annotatable = Set.of(S.SUCCEEDED, S.FAILED, S.REQUIRES_ACTION, S.REQUIRES_CAPTURE, S.CAPTURE_IN_FLIGHT,
        S.CANCELED);
    for (S state : S.values()) {
      for (E event : E.values()) {
        IntentStatus expected = event == E.ANNOTATED
            ? annotatable.contains(state) ? ((PaymentIntent) state.build()).status() : null
            : legal.getOrDefault(state, lifecycle.getOrDefault(state, Map.of())).get(event);
        rows.add(Arguments.of(state, event, expected));
      }
    }
    return rows.stream();
  }

  private static Map<E, IntentStatus> with(Map<E, IntentStatus> base, E event, IntentStatus status) {
    Map<E, IntentStatus> map = new java.util.HashMap<>(base);
    map.put(event, status);
    return map;
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
        Map.of(), DEADLINE, ALPHA_BETA, T1)),
    APPROVED_1(new RecordOutcome(1, new ProviderOutcome.Approved("ch_1"), ALPHA_BETA, T1)),
    HARD_DECLINE_1(new RecordOutcome(1, new ProviderOutcome.Declined("insufficient_funds", false), ALPHA_BETA,
        T1)),
    SOFT_DECLINE_1(new RecordOutcome(1, new ProviderOutcome.Declined("issuer_unavailable", true), ALPHA_BETA,
        T1)),
    NOT_SENT_1(new RecordOutcome(1, new ProviderOutcome.NotSent("connection_refused"), ALPHA_BETA, T1)),
    REFUSED_1_FAILOVER(new RecordOutcome(1, new ProviderOutcome.RouterRefused(RouterRefusal.CIRCUIT_OPEN),
        ALPHA_BETA, T1)),
    REFUSED_1_WAIT(new RecordOutcome(1, new ProviderOutcome.RouterRefused(RouterRefusal.RATE_LIMITED), HELD, T1)),
    REFUSED_1_NO_WAIT(new RecordOutcome(1, new ProviderOutcome.RouterRefused(RouterRefusal.RATE_LIMITED),
        HELD_TOO_LONG, T1)),
    UNKNOWN_1(new RecordOutcome(1, new ProviderOutcome.Unknown("timeout"), ALPHA_BETA, T1)),
    ACTION_1(new RecordOutcome(1, new ProviderOutcome.ActionRequired("pi_1", "use_stripe_sdk"), ALPHA_BETA, T1)),
    APPROVED_2(new RecordOutcome(2, new ProviderOutcome.Approved("ch_2"), ALPHA_BETA, T1)),
    CHARGED_1(new Reconcile(1, new ChargeStatus.Charged("ch_1"), SETTLE, ALPHA_BETA, T1)),
    FOUND_DECLINED_1(new Reconcile(1, new ChargeStatus.Declined("card_declined", false), SETTLE, ALPHA_BETA, T1)),
    NOT_FOUND_SETTLED_1(new Reconcile(1, new ChargeStatus.NotFound(), SETTLE, ALPHA_BETA, LATER)),
    NOT_FOUND_TOO_EARLY_1(new Reconcile(1, new ChargeStatus.NotFound(), SETTLE, ALPHA_BETA, T1)),
    FOUND_ACTION_1(new Reconcile(1, new ChargeStatus.ActionRequired("pi_1", "RedirectShopper"), SETTLE, ALPHA_BETA,
        T1)),
    STATUS_UNAVAILABLE_1(new Reconcile(1, new ChargeStatus.Unavailable("timeout"), SETTLE, ALPHA_BETA, T1)),
    STATUS_NOT_ASKED_1(new Reconcile(1, new ChargeStatus.NotAsked(RouterRefusal.RATE_LIMITED), SETTLE, ALPHA_BETA,
        T1)),
    GIVE_UP(new GiveUp("reconciliation_exhausted", T1)),
    REDRIVE(new Redrive("alice", T1)),
    RETRY_READY(new Retry(READY, T1.plusSeconds(1))),
    RETRY_HELD(new Retry(HELD, T1)),
    RETRY_TOO_LATE(new Retry(HELD_TOO_LONG, T1)),
    CAPTURE_ALL(new Capture("m1", 0, T1)),
    CAPTURE_TOO_MUCH(new Capture("m1", 1300, T1)),
    CANCEL(new Cancel("m1", "abandoned", T1)),
    REFUND_HALF(new Refund("r1", 600, null, T1)),
    REFUND_TOO_MUCH(new Refund("r1", 1300, null, T1)),
    RECORD_CAPTURED(new RecordModification("m1", new ModificationOutcome.Succeeded("ch_1"), T1)),
    RECONCILE_CAPTURED(new ReconcileModification("m1", new ModificationOutcome.Succeeded("ch_1"), T1)),
    CAPTURED_AT_PROVIDER(new ReconcileAuthorization(ModificationRequest.Kind.CAPTURE, 1299, null, "ch_1", T1)),
    RELEASED_AT_PROVIDER(new ReconcileAuthorization(ModificationRequest.Kind.CANCEL, 0, null, "pi_1", T1)),
    ANNOTATE(new Annotate(Map.of("order", "o-1"), Set.of(), false, "Order o-1", false, T1));

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
    if (state == S.NONE) {
      return command == C.CREATE ? "IntentCreated,AttemptStarted" : "rejected:intent_not_found";
    }
    if (command == C.CREATE) {
      return "rejected:intent_exists";
    }
    if (command == C.ANNOTATE) {
      // Whatever the intent's state, its details may change, except while a provider call is out with them.
      return switch (state) {
        case PENDING, IN_FLIGHT, UNKNOWN_ATTEMPT, UNRESOLVED, PARKED -> "rejected:intent_processing";
        default -> "IntentAnnotated";
      };
    }
    Set<C> lifecycle = Set.of(C.CAPTURE_ALL, C.CAPTURE_TOO_MUCH, C.CANCEL, C.REFUND_HALF, C.REFUND_TOO_MUCH,
        C.RECORD_CAPTURED, C.RECONCILE_CAPTURED, C.CAPTURED_AT_PROVIDER, C.RELEASED_AT_PROVIDER);
    if (lifecycle.contains(command)) {
      return lifecycleDecision(state, command);
    }
    if (state == S.REQUIRES_CAPTURE || state == S.CAPTURE_IN_FLIGHT) {
      // Open (a held authorization), with nothing in flight, unknown, unresolved or parked.
      return switch (command) {
        case GIVE_UP, CHARGED_1, FOUND_DECLINED_1, NOT_FOUND_SETTLED_1, NOT_FOUND_TOO_EARLY_1, FOUND_ACTION_1,
            STATUS_UNAVAILABLE_1, STATUS_NOT_ASKED_1 -> "rejected:attempt_not_unknown";
        case REDRIVE -> "rejected:intent_not_unresolved";
        case RETRY_READY, RETRY_HELD, RETRY_TOO_LATE -> "rejected:intent_not_parked";
        default -> "rejected:attempt_not_in_flight";
      };
    }
    if (state == S.CANCELED) {
      return command == C.REDRIVE ? "rejected:intent_not_unresolved" : "rejected:intent_final";
    }
    Set<C> retries = Set.of(C.RETRY_READY, C.RETRY_HELD, C.RETRY_TOO_LATE);
    if (state == S.PARKED) {
      return switch (command) {
        case RETRY_READY -> "IntentRetried,AttemptStarted";
        case RETRY_HELD -> "IntentParked";
        case RETRY_TOO_LATE -> "IntentFailed";
        case GIVE_UP, CHARGED_1, FOUND_DECLINED_1, NOT_FOUND_SETTLED_1, NOT_FOUND_TOO_EARLY_1, FOUND_ACTION_1,
            STATUS_UNAVAILABLE_1, STATUS_NOT_ASKED_1 -> "rejected:attempt_not_unknown";
        case REDRIVE -> "rejected:intent_not_unresolved";
        default -> "rejected:attempt_not_in_flight";
      };
    }
    if (retries.contains(command)) {
      return switch (state) {
        case UNRESOLVED -> "rejected:intent_unresolved";
        case SUCCEEDED, FAILED, REQUIRES_ACTION -> "rejected:intent_final";
        default -> "rejected:intent_not_parked";
      };
    }
    return switch (state) {
      case PARKED, NONE, REQUIRES_CAPTURE, CAPTURE_IN_FLIGHT, CANCELED -> throw new AssertionError("handled above");
      case PENDING -> switch (command) {
        case GIVE_UP, CHARGED_1, FOUND_DECLINED_1, NOT_FOUND_SETTLED_1, NOT_FOUND_TOO_EARLY_1, FOUND_ACTION_1,
            STATUS_UNAVAILABLE_1, STATUS_NOT_ASKED_1 -> "rejected:attempt_not_unknown";
        case REDRIVE -> "rejected:intent_not_unresolved";
        default -> "rejected:attempt_not_in_flight";
      };
      case IN_FLIGHT -> switch (command) {
        case APPROVED_1 -> "AttemptApproved,IntentSucceeded";
        case HARD_DECLINE_1 -> "AttemptDeclined,IntentFailed";
        case SOFT_DECLINE_1 -> "AttemptDeclined,AttemptStarted";
        case NOT_SENT_1 -> "AttemptNotSent,AttemptStarted";
        case REFUSED_1_FAILOVER -> "AttemptRefused,AttemptStarted";
        case REFUSED_1_WAIT -> "AttemptRefused,IntentParked";
        case REFUSED_1_NO_WAIT -> "AttemptRefused,IntentFailed";
        case UNKNOWN_1 -> "AttemptUnknown";
        case ACTION_1 -> "AttemptActionRequired";
        case APPROVED_2 -> "rejected:attempt_not_in_flight";
        case REDRIVE -> "rejected:intent_not_unresolved";
        default -> "rejected:attempt_not_unknown";
      };
      case UNKNOWN_ATTEMPT -> switch (command) {
        case CHARGED_1 -> "AttemptApproved,IntentSucceeded";
        case FOUND_DECLINED_1 -> "AttemptDeclined,IntentFailed";
        case NOT_FOUND_SETTLED_1 -> "AttemptNotCharged,AttemptStarted";
        case NOT_FOUND_TOO_EARLY_1 -> "rejected:too_early_to_tell";
        case FOUND_ACTION_1 -> "AttemptActionRequired";
        case STATUS_UNAVAILABLE_1 -> "rejected:status_unavailable";
        case STATUS_NOT_ASKED_1 -> "rejected:status_not_asked";
        case GIVE_UP -> "IntentUnresolved";
        case REDRIVE -> "rejected:intent_not_unresolved";
        default -> "rejected:attempt_not_in_flight";
      };
      case UNRESOLVED -> switch (command) {
        case REDRIVE -> "IntentRedriven";
        case CHARGED_1, FOUND_DECLINED_1, NOT_FOUND_SETTLED_1, NOT_FOUND_TOO_EARLY_1, STATUS_UNAVAILABLE_1,
            STATUS_NOT_ASKED_1, GIVE_UP, FOUND_ACTION_1 -> "rejected:intent_unresolved";
        default -> "rejected:attempt_not_in_flight";
      };
      case SUCCEEDED, FAILED, REQUIRES_ACTION ->
          command == C.REDRIVE ? "rejected:intent_not_unresolved" : "rejected:intent_final";
    };
  }

  /** Capture, cancel and refund in every state: only a held authorization captures, only a paid intent refunds. */
  private static String lifecycleDecision(S state, C command) {
    return switch (command) {
      case CAPTURE_ALL -> switch (state) {
        case REQUIRES_CAPTURE -> "ModificationStarted";
        case CAPTURE_IN_FLIGHT -> "rejected:modification_in_progress";
        default -> "rejected:intent_not_capturable";
      };
      case CAPTURE_TOO_MUCH -> switch (state) {
        case REQUIRES_CAPTURE -> "rejected:amount_too_large";
        case CAPTURE_IN_FLIGHT -> "rejected:modification_in_progress";
        default -> "rejected:intent_not_capturable";
      };
      case CANCEL -> switch (state) {
        // Nothing can have been charged: canceled at once, no provider asked.
        case PENDING, PARKED -> "IntentCanceled";
        // A held authorization is released at its provider first.
        case REQUIRES_CAPTURE -> "ModificationStarted";
        case CAPTURE_IN_FLIGHT -> "rejected:modification_in_progress";
        default -> "rejected:intent_not_cancelable";
      };
      case REFUND_HALF -> state == S.SUCCEEDED ? "ModificationStarted" : "rejected:intent_not_refundable";
      case REFUND_TOO_MUCH -> state == S.SUCCEEDED ? "rejected:amount_too_large" : "rejected:intent_not_refundable";
      case RECORD_CAPTURED -> state == S.CAPTURE_IN_FLIGHT
          ? "ModificationSucceeded,IntentSucceeded" : "rejected:modification_not_in_flight";
      case RECONCILE_CAPTURED -> "rejected:modification_not_open";
      // The provider's word on the authorization's end speaks only to an open capture or cancel: the capture in
      // flight took what it asked, or the release proves it took nothing.
      case CAPTURED_AT_PROVIDER -> state == S.CAPTURE_IN_FLIGHT
          ? "ModificationSucceeded,IntentSucceeded" : "rejected:modification_not_open";
      case RELEASED_AT_PROVIDER -> state == S.CAPTURE_IN_FLIGHT
          ? "ModificationFailed" : "rejected:modification_not_open";
      default -> throw new AssertionError(command + " is not a lifecycle command");
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
  void anAnnotationChangesOnlyTheKeysItNamesAndKeepsTheMoney() {
    PaymentIntent paid = (PaymentIntent) S.SUCCEEDED.build();
    PaymentIntent first = IntentTransitions.evolveAll(paid, accepted(IntentTransitions.decide(paid,
        new Annotate(Map.of("order", "o-1", "note", "gift"), Set.of(), false, "Order o-1", false, T1))));
    PaymentIntent second = IntentTransitions.evolveAll(first, accepted(IntentTransitions.decide(first,
        new Annotate(Map.of("shipped", "yes"), Set.of("note"), false, null, false, T1))));

    assertThat(second.metadata()).containsExactlyInAnyOrderEntriesOf(Map.of("order", "o-1", "shipped", "yes"));
    assertThat(second.description()).isEqualTo("Order o-1");
    assertThat(second.status()).isEqualTo(IntentStatus.SUCCEEDED);
    assertThat(second.amountReceived()).isEqualTo(paid.amountReceived());
    PaymentIntent cleared = IntentTransitions.evolveAll(second, accepted(IntentTransitions.decide(second,
        new Annotate(Map.of(), Set.of(), true, null, true, T1))));
    assertThat(cleared.metadata()).isEmpty();
    assertThat(cleared.description()).isNull();
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
        Map.of(), DEADLINE, new RouteOptions(List.of(), 3), T0);
    assertThat(IntentTransitions.decide(IntentState.NONE, create))
        .isEqualTo(new Decision.Rejected(Decision.Rejection.NO_PROVIDER_AVAILABLE,
            "no provider can take a payment now"));
  }

  @Test
  void notSentMovesOnToTheNextProviderNotYetTried() {
    PaymentIntent intent = (PaymentIntent) S.IN_FLIGHT.build();
    RouteOptions sameOrder = new RouteOptions(List.of("alpha", "beta", "gamma"), 3);
    PaymentIntent after = apply(intent, new RecordOutcome(1,
        new ProviderOutcome.RouterRefused(RouterRefusal.RATE_LIMITED), sameOrder, T1));
    assertThat(after.attempts()).extracting(Attempt::provider, Attempt::status).containsExactly(
        org.assertj.core.groups.Tuple.tuple("alpha", AttemptStatus.NOT_SENT),
        org.assertj.core.groups.Tuple.tuple("beta", AttemptStatus.IN_FLIGHT));
    assertThat(after.attempts().get(1).idempotencyKey()).isEqualTo(ID + "_2");
  }

  @Test
  void notSentWithNoUntriedCandidateFailsTheIntent() {
    PaymentIntent intent = (PaymentIntent) S.IN_FLIGHT.build();
    PaymentIntent after = apply(intent, new RecordOutcome(1, new ProviderOutcome.NotSent("connection_refused"),
        new RouteOptions(List.of("alpha"), 3), T1));
    assertThat(after.status()).isEqualTo(IntentStatus.FAILED);
    assertThat(after.failureCode()).isEqualTo("no_provider_available");
  }

  @Test
  void aRouterRefusalWithoutLeaveToWaitFailsAtOnceAsBefore() {
    PaymentIntent after = apply((PaymentIntent) S.IN_FLIGHT.build(), new RecordOutcome(1,
        new ProviderOutcome.RouterRefused(RouterRefusal.CIRCUIT_OPEN), new RouteOptions(List.of("alpha"), 3), T1));
    assertThat(after.status()).isEqualTo(IntentStatus.FAILED);
    assertThat(after.failureCode()).isEqualTo("no_provider_available");
  }

  @Test
  void notSentAfterTheLastAllowedAttemptFailsTheIntent() {
    PaymentIntent intent = (PaymentIntent) S.IN_FLIGHT.build();
    PaymentIntent after = apply(intent, new RecordOutcome(1, new ProviderOutcome.NotSent("connection_refused"),
        new RouteOptions(List.of("alpha", "beta"), 1), T1));
    assertThat(after.status()).isEqualTo(IntentStatus.FAILED);
    assertThat(after.failureCode()).isEqualTo("attempts_exhausted");
  }

  @Test
  void theRoutersOwnRefusalsDoNotUseUpAttempts() {
    PaymentIntent after = apply((PaymentIntent) S.IN_FLIGHT.build(), new RecordOutcome(1,
        new ProviderOutcome.RouterRefused(RouterRefusal.CIRCUIT_OPEN), new RouteOptions(List.of("alpha", "beta"), 1),
        T1));
    assertThat(after.attempts()).extracting(Attempt::provider, Attempt::status).containsExactly(
        org.assertj.core.groups.Tuple.tuple("alpha", AttemptStatus.NOT_SENT),
        org.assertj.core.groups.Tuple.tuple("beta", AttemptStatus.IN_FLIGHT));
    assertThat(after.attempts().getFirst().refusedByRouter()).isTrue();
    assertThat(after.attempts().getFirst().errorCode()).isEqualTo("circuit_open");
  }

  @Test
  void aProviderRefusalIsNeverMistakenForTheRoutersOwn() {
    assertThatThrownBy(() -> new ProviderOutcome.NotSent("rate_limited"))
        .isInstanceOf(IllegalArgumentException.class);
    PaymentIntent after = apply((PaymentIntent) S.IN_FLIGHT.build(), new RecordOutcome(1,
        new ProviderOutcome.NotSent("provider_rate_limited"), READY, T1));
    assertThat(after.attempts().getFirst().refusedByRouter()).isFalse();
  }

  @Test
  void failoverSkipsAnUntriedCandidateTheRouterHoldsBack() {
    RouteOptions route = new RouteOptions(List.of("alpha", "beta", "gamma"), 3)
        .withParking(Map.of("beta", T1.plusSeconds(1)), MAX_PARK);
    PaymentIntent after = apply((PaymentIntent) S.IN_FLIGHT.build(),
        new RecordOutcome(1, new ProviderOutcome.RouterRefused(RouterRefusal.RATE_LIMITED), route, T1));
    assertThat(after.attempts()).extracting(Attempt::provider).containsExactly("alpha", "gamma");
  }

  @Test
  void refusedWhileEveryCandidateIsHeldBackTheIntentParksUntilTheEarliestMoment() {
    Decision decision = IntentTransitions.decide(S.IN_FLIGHT.build(), C.REFUSED_1_WAIT.command);
    assertThat(accepted(decision)).containsExactly(new AttemptRefused(1, RouterRefusal.RATE_LIMITED, T1),
        new IntentParked(T1, T1.plusSeconds(1), T1));
    PaymentIntent parked = IntentTransitions.evolveAll(S.IN_FLIGHT.build(), accepted(decision));
    assertThat(parked.isParked()).isTrue();
    assertThat(parked.parkedSince()).isEqualTo(T1);
    assertThat(parked.status()).isEqualTo(IntentStatus.PROCESSING);
  }

  @Test
  void aParkedIntentWakesUpWithANewAttemptOfTheProviderTheRouterRefused() {
    PaymentIntent parked = (PaymentIntent) S.PARKED.build();
    Instant woke = T1.plusSeconds(1);
    PaymentIntent after = apply(parked, new Retry(new RouteOptions(List.of("alpha"), 3).withParking(Map.of(),
        MAX_PARK), woke));
    assertThat(after.attempts()).extracting(Attempt::provider, Attempt::status, Attempt::idempotencyKey)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("alpha", AttemptStatus.NOT_SENT, ID + "_1"),
            org.assertj.core.groups.Tuple.tuple("alpha", AttemptStatus.IN_FLIGHT, ID + "_2"));
    assertThat(after.isParked()).isFalse();
  }

  @Test
  void aParkedIntentFailsNoProviderAvailableOnceMaxParkRunsOut() {
    PaymentIntent parked = (PaymentIntent) S.PARKED.build();
    // Four seconds into a five-second wait, alpha is held back for another three.
    Instant at = T1.plusSeconds(4);
    RouteOptions route = new RouteOptions(List.of("alpha"), 3).withParking(Map.of("alpha", at.plusSeconds(3)),
        MAX_PARK);
    PaymentIntent after = apply(parked, new Retry(route, at));
    assertThat(after.status()).isEqualTo(IntentStatus.FAILED);
    assertThat(after.failureCode()).isEqualTo("no_provider_available");
  }

  @Test
  void aWaitThatIsRefusedAgainRightAfterWakingKeepsItsStart() {
    PaymentIntent woken = apply((PaymentIntent) S.PARKED.build(), C.RETRY_READY.command);
    Instant at = T1.plusSeconds(2);
    PaymentIntent again = apply(woken, new RecordOutcome(2,
        new ProviderOutcome.RouterRefused(RouterRefusal.RATE_LIMITED), ALPHA_BETA.withParking(
            Map.of("alpha", at.plusSeconds(1), "beta", at.plusSeconds(1)), MAX_PARK), at));
    assertThat(again.isParked()).isTrue();
    assertThat(again.parkedSince()).isEqualTo(T1);
  }

  @Test
  void aProviderThatAnsweredIsNotWaitedFor() {
    PaymentIntent after = apply((PaymentIntent) S.IN_FLIGHT.build(), new RecordOutcome(1,
        new ProviderOutcome.Declined("issuer_unavailable", true),
        new RouteOptions(List.of("alpha"), 3).withParking(Map.of("alpha", T1.plusSeconds(1)), MAX_PARK), T1));
    assertThat(after.status()).isEqualTo(IntentStatus.FAILED);
    assertThat(after.failureCode()).isEqualTo("issuer_unavailable");
  }

  @Test
  void anIntentNeverWaitsPastItsDeadline() {
    Instant nearDeadline = DEADLINE.minusSeconds(1);
    RouteOptions route = ALPHA_BETA.withParking(
        Map.of("alpha", DEADLINE.plusSeconds(1), "beta", DEADLINE.plusSeconds(1)), Duration.ofMinutes(10));
    PaymentIntent after = apply((PaymentIntent) S.IN_FLIGHT.build(),
        new RecordOutcome(1, new ProviderOutcome.RouterRefused(RouterRefusal.CIRCUIT_OPEN), route, nearDeadline));
    assertThat(after.status()).isEqualTo(IntentStatus.FAILED);
    assertThat(after.failureCode()).isEqualTo("no_provider_available");
  }

  @Test
  void aProviderAnswerEndsTheWait() {
    PaymentIntent woken = apply((PaymentIntent) S.PARKED.build(), C.RETRY_READY.command);
    assertThat(woken.parkedSince()).isEqualTo(T1);
    PaymentIntent answered = apply(woken, new RecordOutcome(2, new ProviderOutcome.Unknown("timeout"), READY,
        T1.plusSeconds(2)));
    assertThat(answered.parkedSince()).isNull();
    assertThat(answered.isParked()).isFalse();
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

  @Test
  void aRetryableDeclineCascadesToTheNextProvider() {
    PaymentIntent after = apply((PaymentIntent) S.IN_FLIGHT.build(),
        new RecordOutcome(1, new ProviderOutcome.Declined("issuer_unavailable", true), ALPHA_BETA, T1));
    assertThat(after.status()).isEqualTo(IntentStatus.PROCESSING);
    assertThat(after.attempts()).extracting(Attempt::provider, Attempt::status).containsExactly(
        org.assertj.core.groups.Tuple.tuple("alpha", AttemptStatus.DECLINED),
        org.assertj.core.groups.Tuple.tuple("beta", AttemptStatus.IN_FLIGHT));
  }

  @Test
  void aRetryableDeclineWithNoProviderLeftFailsWithItsCode() {
    PaymentIntent after = apply((PaymentIntent) S.IN_FLIGHT.build(), new RecordOutcome(1,
        new ProviderOutcome.Declined("issuer_unavailable", true), new RouteOptions(List.of("alpha"), 3), T1));
    assertThat(after.status()).isEqualTo(IntentStatus.FAILED);
    assertThat(after.failureCode()).isEqualTo("issuer_unavailable");
  }

  @Test
  void anUnknownAttemptConfirmedNotChargedAfterItSettledLetsTheNextProviderTry() {
    PaymentIntent after = apply((PaymentIntent) S.UNKNOWN_ATTEMPT.build(),
        new Reconcile(1, new ChargeStatus.NotFound(), SETTLE, ALPHA_BETA, LATER));
    assertThat(after.attempts()).extracting(Attempt::provider, Attempt::status).containsExactly(
        org.assertj.core.groups.Tuple.tuple("alpha", AttemptStatus.NOT_CHARGED),
        org.assertj.core.groups.Tuple.tuple("beta", AttemptStatus.IN_FLIGHT));
    // The unknown attempt keeps the reason it became unknown.
    assertThat(after.attempts().getFirst().errorCode()).isEqualTo("timeout");
  }

  @Test
  void anUnknownAttemptFoundChargedSucceedsTheIntentWithoutAnotherAttempt() {
    PaymentIntent after = apply((PaymentIntent) S.UNKNOWN_ATTEMPT.build(),
        new Reconcile(1, new ChargeStatus.Charged("ch_late"), SETTLE, ALPHA_BETA, LATER));
    assertThat(after.status()).isEqualTo(IntentStatus.SUCCEEDED);
    assertThat(after.attempts()).singleElement().satisfies(a -> {
      assertThat(a.status()).isEqualTo(AttemptStatus.APPROVED);
      assertThat(a.providerReference()).isEqualTo("ch_late");
    });
  }

  @Test
  void noNewAttemptStartsAfterTheDeadline() {
    Instant afterDeadline = DEADLINE.plusSeconds(1);
    PaymentIntent notSent = apply((PaymentIntent) S.IN_FLIGHT.build(),
        new RecordOutcome(1, new ProviderOutcome.RouterRefused(RouterRefusal.CIRCUIT_OPEN), ALPHA_BETA,
            afterDeadline));
    assertThat(notSent.status()).isEqualTo(IntentStatus.FAILED);
    assertThat(notSent.failureCode()).isEqualTo("deadline_exceeded");
    PaymentIntent reconciled = apply((PaymentIntent) S.UNKNOWN_ATTEMPT.build(),
        new Reconcile(1, new ChargeStatus.NotFound(), SETTLE, ALPHA_BETA, afterDeadline));
    assertThat(reconciled.failureCode()).isEqualTo("deadline_exceeded");
  }

  @Test
  void aChargeFoundAfterTheDeadlineStillSucceeds() {
    PaymentIntent after = apply((PaymentIntent) S.UNKNOWN_ATTEMPT.build(),
        new Reconcile(1, new ChargeStatus.Charged("ch_late"), SETTLE, ALPHA_BETA, DEADLINE.plusSeconds(60)));
    assertThat(after.status()).isEqualTo(IntentStatus.SUCCEEDED);
  }

  @Test
  void eachAttemptRecordsTheRuleAndCandidatesThatChoseIt() {
    RouteOptions byRule = new RouteOptions(List.of("gamma", "alpha"), 3, "vip");
    PaymentIntent after = apply((PaymentIntent) S.IN_FLIGHT.build(),
        new RecordOutcome(1, new ProviderOutcome.RouterRefused(RouterRefusal.RATE_LIMITED), byRule, T1));
    Attempt second = after.attempts().get(1);
    assertThat(second.provider()).isEqualTo("gamma");
    assertThat(second.routingRule()).isEqualTo("vip");
    assertThat(second.candidates()).containsExactly("gamma", "alpha");
  }

  @Test
  void giveUpMarksTheIntentUnresolvedAndRedriveClearsIt() {
    PaymentIntent unresolved = apply((PaymentIntent) S.UNKNOWN_ATTEMPT.build(),
        new GiveUp("reconciliation_exhausted", T1));
    assertThat(unresolved.status()).isEqualTo(IntentStatus.PROCESSING);
    assertThat(unresolved.unresolvedReason()).isEqualTo("reconciliation_exhausted");
    PaymentIntent redriven = apply(unresolved, new Redrive("alice", LATER));
    assertThat(redriven.isUnresolved()).isFalse();
    assertThat(redriven.unknownAttempt()).isPresent();
  }

  @Test
  void aRedriveNamesTheOperatorWhoAskedOnItsEvent() {
    PaymentIntent unresolved = apply((PaymentIntent) S.UNKNOWN_ATTEMPT.build(),
        new GiveUp("reconciliation_exhausted", T1));
    assertThat(IntentTransitions.decide(unresolved, new Redrive("alice", LATER)))
        .isEqualTo(new Decision.Accepted(List.of(new IntentRedriven("alice", LATER))));
  }

  /** Any sequence of provider outcomes leads to at most one approved attempt and a consistent state. */
  @Test
  void noSequenceOfOutcomesAndReconciliationsApprovesTwiceOrFailsOverAfterUnknown() {
    Random random = new Random(42);
    List<ProviderOutcome> outcomes = List.of(
        new ProviderOutcome.Approved("ch"), new ProviderOutcome.Declined("card_declined", false),
        new ProviderOutcome.NotSent("connection_refused"),
        new ProviderOutcome.RouterRefused(RouterRefusal.RATE_LIMITED), new ProviderOutcome.Unknown("timeout"));
    List<ChargeStatus> statuses = List.of(new ChargeStatus.Charged("ch"), new ChargeStatus.NotFound(),
        new ChargeStatus.Declined("issuer_unavailable", true), new ChargeStatus.Unavailable("timeout"));
    RouteOptions route = new RouteOptions(Arrays.asList("alpha", "beta", "gamma", "delta"), 4);
    for (int run = 0; run < 2_000; run++) {
      PaymentIntent intent = IntentTransitions.evolveAll(IntentState.NONE, accepted(IntentTransitions.decide(
          IntentState.NONE, new Create(ID, "m1", new Money(1, "EUR"), new PaymentMethod("card", "t", null), null,
              Map.of(), DEADLINE, route, T0))));
      for (int step = 0; step < 8; step++) {
        int attempt = 1 + random.nextInt(intent.attempts().size() + 1);
        Instant at = T0.plusSeconds(random.nextInt(200));
        // Now and then the router holds some providers back for a while, and the intent may wait.
        RouteOptions now = route;
        if (random.nextBoolean()) {
          Map<String, Instant> held = new java.util.HashMap<>();
          for (String provider : route.candidates()) {
            if (random.nextBoolean()) {
              held.put(provider, at.plusSeconds(random.nextInt(10)));
            }
          }
          now = route.withParking(held, MAX_PARK);
        }
        IntentCommand command = switch (random.nextInt(3)) {
          case 0 -> new RecordOutcome(attempt, outcomes.get(random.nextInt(outcomes.size())), now, at);
          case 1 -> new Reconcile(attempt, statuses.get(random.nextInt(statuses.size())), SETTLE, now, at);
          default -> new Retry(now, at);
        };
        Decision decision = IntentTransitions.decide(intent, command);
        if (decision instanceof Decision.Accepted accepted) {
          intent = IntentTransitions.evolveAll(intent, accepted.events());
        }
      }
      long approved = intent.attempts().stream().filter(a -> a.status() == AttemptStatus.APPROVED).count();
      assertThat(approved).isLessThanOrEqualTo(1);
      assertThat(intent.status() == IntentStatus.SUCCEEDED).isEqualTo(approved == 1);
      // An attempt that may have charged is always the last one, and the intent stays open while it is.
      int unknownAt = indexOfFirst(intent.attempts(), AttemptStatus.UNKNOWN);
      if (unknownAt >= 0) {
        assertThat(intent.attempts()).hasSize(unknownAt + 1);
        assertThat(intent.status()).isEqualTo(IntentStatus.PROCESSING);
      }
      if (intent.status() == IntentStatus.FAILED) {
        assertThat(intent.attempts()).noneMatch(a -> a.status() == AttemptStatus.UNKNOWN
            || a.status() == AttemptStatus.IN_FLIGHT || a.status() == AttemptStatus.APPROVED);
      }
      // A parked intent has nothing that may have charged; the router's refusals never use up attempts.
      if (intent.isParked()) {
        assertThat(intent.attempts()).noneMatch(a -> a.status() == AttemptStatus.UNKNOWN
            || a.status() == AttemptStatus.IN_FLIGHT);
      }
      assertThat(intent.attempts().stream().filter(a -> !a.refusedByRouter()).count())
          .isLessThanOrEqualTo(route.maxAttempts());
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
