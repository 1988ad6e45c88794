package dev.paymentrouter.intent.domain;

/** An event that cannot follow the state it is applied to: a bug or a corrupted history, never user input. */
public final class IllegalTransitionException extends IllegalStateException {

  IllegalTransitionException(IntentState state, IntentEvent event, String why) {
    super("cannot apply " + event.getClass().getSimpleName() + " to " + describe(state) + ": " + why);
  }

  private static String describe(IntentState state) {
    return switch (state) {
      case IntentState.NoIntent none -> "no intent";
      case PaymentIntent intent -> intent.id() + " (" + intent.status().wireName() + ")";
    };
  }
}
