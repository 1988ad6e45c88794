package dev.paymentrouter.intent.domain;

/** Where an intent stands: {@code pending -> processing -> succeeded | failed}. */
public enum IntentStatus {
  PENDING,
  PROCESSING,
  SUCCEEDED,
  FAILED;

  /** A final intent never changes again. */
  public boolean isFinal() {
    return this == SUCCEEDED || this == FAILED;
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
