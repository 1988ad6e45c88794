package dev.paymentrouter.simulator;

import java.util.Map;

/**
 * What the engine decided for one charge, in no dialect's words: each front end renders it in its wire format.
 *
 * @param kind        what happens once the latency has elapsed
 * @param code        the decline code of a {@link Kind#DECLINE}, {@code lock_timeout} for a lock-contention
 *                    {@link Kind#RATE_LIMITED}; null otherwise
 */
record Outcome(Outcome.Kind kind, String code) {

  /** What happens to a charge once its latency has elapsed. */
  enum Kind {
    /** Charged; recorded as {@code approved}. */
    APPROVE,
    /** Refused by the issuer; recorded as {@code declined} with its code. */
    DECLINE,
    /** Waits for the customer (3-D Secure); recorded as {@code requires_action}, nothing charged yet. */
    ACTION_REQUIRED,
    /** Accepted but not decided yet; recorded as {@code pending}, nothing charged yet. */
    PENDING,
    /** Refused before processing, nothing recorded. */
    UNAVAILABLE,
    /** Failed while processing, nothing recorded. */
    ERROR,
    /** Refused before processing, nothing recorded. */
    RATE_LIMITED,
    /** Never answered, nothing recorded. */
    HANG,
    /** Charged, then never answered: a replay under the same key answers the charge. */
    LOST_RESPONSE
  }

  static final Outcome APPROVED = new Outcome(Kind.APPROVE, null);
  static final String SLOW_TOKEN = "tok_slow";
  static final String LOCK_TIMEOUT = "lock_timeout";

  // Tokens that pin the outcome in every dialect, so router tests need no luck and no seed.
  static final Map<String, Outcome> MAGIC_TOKENS = Map.ofEntries(
      Map.entry("tok_visa", APPROVED),
      Map.entry("tok_mastercard", APPROVED),
      Map.entry("tok_approve", APPROVED),
      Map.entry(SLOW_TOKEN, APPROVED),
      Map.entry("tok_decline", declined("insufficient_funds")),
      Map.entry("tok_insufficient_funds", declined("insufficient_funds")),
      Map.entry("tok_card_declined", declined("card_declined")),
      Map.entry("tok_expired_card", declined("expired_card")),
      Map.entry("tok_incorrect_cvc", declined("incorrect_cvc")),
      Map.entry("tok_lost_card", declined("lost_card")),
      Map.entry("tok_stolen_card", declined("stolen_card")),
      Map.entry("tok_fraudulent", declined("fraudulent")),
      Map.entry("tok_do_not_honor", declined("do_not_honor")),
      Map.entry("tok_try_again_later", declined("try_again_later")),
      Map.entry("tok_issuer_unavailable", declined("issuer_unavailable")),
      Map.entry("tok_processing_error", declined("processing_error")),
      Map.entry("tok_requires_action", of(Kind.ACTION_REQUIRED)),
      Map.entry("tok_pending", of(Kind.PENDING)),
      Map.entry("tok_unavailable", of(Kind.UNAVAILABLE)),
      Map.entry("tok_error", of(Kind.ERROR)),
      Map.entry("tok_rate_limited", of(Kind.RATE_LIMITED)),
      Map.entry("tok_lock_timeout", new Outcome(Kind.RATE_LIMITED, LOCK_TIMEOUT)),
      Map.entry("tok_hang", of(Kind.HANG)),
      Map.entry("tok_lost_response", of(Kind.LOST_RESPONSE)));

  static Outcome declined(String code) {
    return new Outcome(Kind.DECLINE, code);
  }

  static Outcome of(Kind kind) {
    return new Outcome(kind, null);
  }

  /** The ledger status of an outcome that records a charge, or null when nothing is recorded. */
  String ledgerStatus() {
    return switch (kind) {
      case APPROVE, LOST_RESPONSE -> SimulatorCharge.APPROVED;
      case DECLINE -> SimulatorCharge.DECLINED;
      case ACTION_REQUIRED -> SimulatorCharge.REQUIRES_ACTION;
      case PENDING -> SimulatorCharge.PENDING;
      case UNAVAILABLE, ERROR, RATE_LIMITED, HANG -> null;
    };
  }

  /** What a replay under the same key answers: the charge whose response was lost is answered at last. */
  Outcome asReplayed() {
    return kind == Kind.LOST_RESPONSE ? APPROVED : this;
  }
}
