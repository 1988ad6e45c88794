package dev.paymentrouter.intent.domain;

import java.util.Locale;

/** Whether an approved payment is captured at once or held until the merchant captures (or cancels) it. */
public enum CaptureMethod {
  /** The provider authorizes and captures in one step: approved means paid. */
  AUTOMATIC,
  /** The provider only authorizes: the funds are held, the intent {@code requires_capture}. */
  MANUAL;

  /** The name used on the wire and in the database. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
