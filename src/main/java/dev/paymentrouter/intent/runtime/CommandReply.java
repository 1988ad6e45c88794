package dev.paymentrouter.intent.runtime;

/** What became of a merchant's capture, cancel or refund sent to an intent's process. */
sealed interface CommandReply {

  /** Taken: persisted now, or (the modification exists) before. */
  record Taken() implements CommandReply {}

  /** Refused by the intent's state; nothing changed. */
  record Rejected(String code, String message) implements CommandReply {}

  /** The process is ending, or has as many commands as it takes at once: send the command again (to a new one). */
  record Gone() implements CommandReply {}
}
