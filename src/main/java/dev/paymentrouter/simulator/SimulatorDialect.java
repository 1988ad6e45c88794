package dev.paymentrouter.simulator;

import java.util.Arrays;
import java.util.Locale;

/** The wire format a simulator speaks; the engine behind it is the same for all. */
public enum SimulatorDialect {
  /** The bundled simulator's own {@code /v1/charges} protocol. */
  NATIVE,
  /** Stripe's PaymentIntents API ({@code /v1/payment_intents}, form-encoded). */
  STRIPE,
  /** Adyen's Checkout API v71 ({@code /v71/payments}, JSON). */
  ADYEN;

  /** The lower-case name used in configuration and shown by {@code GET /_sim/config}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The dialect of a configured name, in any case. */
  public static SimulatorDialect fromWireName(String name) {
    return Arrays.stream(values())
        .filter(dialect -> dialect.wireName().equals(name.trim().toLowerCase(Locale.ROOT)))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("dialect must be one of native, stripe, adyen, was '"
            + name + "'"));
  }
}
