package dev.paymentrouter.intent.domain;

import java.util.Locale;

/** Where one provider attempt stands. Only {@code IN_FLIGHT} changes; the others are its possible ends. */
public enum AttemptStatus {
  IN_FLIGHT,
  APPROVED,
  DECLINED,
  NOT_SENT,
  UNKNOWN;

  /** The name used on the wire and in the database. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@link #wireName()}. */
  public static AttemptStatus fromWireName(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
