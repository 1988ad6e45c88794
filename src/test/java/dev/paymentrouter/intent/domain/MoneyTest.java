package dev.paymentrouter.intent.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MoneyTest {

  @Test
  void acceptsIsoCurrenciesInAnyCaseAndNormalizesThem() {
    assertThat(Money.isoCurrency("eur")).contains("EUR");
    assertThat(Money.isoCurrency("JPY")).contains("JPY");
  }

  @Test
  void refusesUnknownCurrencies() {
    assertThat(Money.isoCurrency("EURO")).isEmpty();
    assertThat(Money.isoCurrency("ABC")).isEmpty();
    assertThat(Money.isoCurrency(null)).isEmpty();
    assertThatThrownBy(() -> new Money(100, "XYZ")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesZeroAndNegativeAmounts() {
    assertThatThrownBy(() -> new Money(0, "EUR")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Money(-1, "EUR")).isInstanceOf(IllegalArgumentException.class);
  }
}
