package dev.paymentrouter.simulator;

/**
 * Told of every charge and modification a simulator's ledger records, on the thread that decided it: it must not
 * block. A real provider's after-the-fact messages (its webhooks) start here, whether or not the client got the answer.
 */
interface LedgerListener {

  /** Listens to nothing. */
  LedgerListener NONE = new LedgerListener() {};

  /** A charge was recorded. */
  default void charged(SimulatorLedger.Entry entry) {}

  /** A capture, cancel or refund was recorded. */
  default void modified(SimulatorLedger.ModificationEntry entry) {}
}
