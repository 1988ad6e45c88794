package dev.paymentrouter.intent.runtime;

import java.util.Objects;

/** Why a stored intent is taken up again. */
public sealed interface Recovery {
  /** The sentinel found it due: its owner died, or its next reconciliation is due. */
  Recovery RESUME = NodeReason.RESUME;
  /** Someone asked for it (a GET): check an unknown outcome now, without using up the schedule. */
  Recovery RECONCILE_NOW = NodeReason.RECONCILE_NOW;

  /** An operator sent an unresolved intent back to reconciliation; their name goes on the intent's trail. */
  static Recovery redrive(String operator) {
    return new Redrive(operator);
  }

  /** The node's own reasons, which name nobody. */
  enum NodeReason implements Recovery { RESUME, RECONCILE_NOW }

  /** An operator's re-drive. */
  record Redrive(String operator) implements Recovery {
    public Redrive {
      Objects.requireNonNull(operator, "operator");
    }
  }
}
