package dev.paymentrouter.intent.domain;

import java.util.Locale;

/**
 * Where one provider attempt stands. {@code IN_FLIGHT} ends in any of the others; {@code UNKNOWN} (a charge may
 * exist) is resolved by reconciliation into {@code APPROVED}, {@code DECLINED} or {@code NOT_CHARGED}.
 */
public enum AttemptStatus {
  /** Sent, or about to be; no answer yet. */
  IN_FLIGHT,
  /** The provider charged. */
  APPROVED,
  /** The provider refused to charge. */
  DECLINED,
  /** The request never reached the provider. */
  NOT_SENT,
  /** It may have reached the provider; nobody knows whether it charged. */
  UNKNOWN,
  /** It was unknown, and the provider has since confirmed that no charge exists. */
  NOT_CHARGED,
  /**
   * The provider holds the payment until the customer acts: nothing is charged yet, but the payment exists there and
   * may still be completed, so no other provider is tried.
   */
  ACTION_REQUIRED;

  /** The name used on the wire and in the database. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@link #wireName()}. */
  public static AttemptStatus fromWireName(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
