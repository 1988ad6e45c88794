package dev.paymentrouter.intent.runtime;

/** Where the write that creates an intent stands; it leaves {@link #WAITING} once, to either of the others. */
enum CreateWrite {
  /** Queued for the database, not sent yet: its creator may still withdraw it. */
  WAITING,
  /** Sent: it may commit, whatever its creator does now. */
  SENT,
  /** Withdrawn by its creator before it was sent: it never will be. */
  WITHDRAWN
}
