package dev.paymentrouter.intent.domain;

/**
 * Where an intent stands: {@code pending -> processing -> succeeded | failed | requires_action | requires_capture},
 * and {@code requires_capture -> succeeded | canceled}, {@code pending | processing -> canceled}. {@code requires_action}
 * is final for the router: the provider holds the payment until the customer acts (3-D Secure, a redirect), which the
 * router does not drive; the merchant completes or cancels it with the provider, using the attempt's provider
 * reference. {@code requires_capture}: authorized and held until the merchant captures or cancels it.
 */
public enum IntentStatus {
  PENDING,
  PROCESSING,
  SUCCEEDED,
  FAILED,
  REQUIRES_ACTION,
  REQUIRES_CAPTURE,
  CANCELED;

  /**
   * Whether the charge is over: no attempt starts any more. A succeeded intent may still be refunded; every other
   * final one never changes again.
   */
  public boolean isFinal() {
    return this == SUCCEEDED || this == FAILED || this == REQUIRES_ACTION || this == CANCELED;
  }

  /** The name used on the wire and in the database. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Parses {@link #wireName()}. */
  public static IntentStatus fromWireName(String name) {
    return valueOf(name.toUpperCase(java.util.Locale.ROOT));
  }
}
