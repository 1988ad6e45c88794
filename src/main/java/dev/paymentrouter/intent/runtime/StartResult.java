package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.intent.domain.PaymentIntent;

/** How a creation ended. */
public sealed interface StartResult {
  /** A new intent was stored and is being processed. */
  record Created(IntentProcess process, PaymentIntent intent) implements StartResult {}

  /** The key was used before: for {@code existingIntentId}, with the same request or not. */
  record Duplicate(String existingIntentId, boolean sameRequest) implements StartResult {}

  /** The domain refused (e.g. no provider available); nothing was stored. */
  record Rejected(String code, String message) implements StartResult {}

  /** Too many intents are active on this node; nothing was stored. */
  record Overloaded() implements StartResult {}

  /** This merchant already holds its share of the node's active intents; nothing was stored. */
  record MerchantLimited() implements StartResult {}

  /** The write was withdrawn before it reached the database (it took too long): nothing was stored. */
  record NotStored(String reason) implements StartResult {}

  /**
   * The write reached the database but no answer came (too slow, or the storage failed): the intent may exist,
   * and if it does, it goes on. Only a retry with the same idempotency key can tell.
   */
  record MayExist(String reason) implements StartResult {}
}
