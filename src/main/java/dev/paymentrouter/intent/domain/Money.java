package dev.paymentrouter.intent.domain;

import java.util.Currency;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/** An amount in minor units of an ISO-4217 currency. No floating point, ever. */
public record Money(long amountMinor, String currency) {

  public Money {
    Objects.requireNonNull(currency, "currency");
    if (amountMinor <= 0) {
      throw new IllegalArgumentException("amount must be positive");
    }
    if (isoCurrency(currency).isEmpty()) {
      throw new IllegalArgumentException("unknown currency " + currency);
    }
  }

  /** The ISO-4217 currency with this code (case-insensitive), if there is one. */
  public static Optional<String> isoCurrency(String code) {
    if (code == null || code.length() != 3) {
      return Optional.empty();
    }
    String upper = code.toUpperCase(Locale.ROOT);
    try {
      return Optional.of(Currency.getInstance(upper).getCurrencyCode());
    } catch (IllegalArgumentException notIso) {
      return Optional.empty();
    }
  }
}
