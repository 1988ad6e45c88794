package dev.paymentrouter.intent.domain;

/** The state an intent's commands are decided against: nothing yet, or a payment intent. */
public sealed interface IntentState permits IntentState.NoIntent, PaymentIntent {

  /** Before the intent is created. */
  record NoIntent() implements IntentState {}

  /** The one empty state. */
  NoIntent NONE = new NoIntent();
}
