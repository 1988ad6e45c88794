package dev.paymentrouter.intent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.intent.domain.PaymentMethod;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class StoredTokensTest {

  final StoredTokens stored = new StoredTokens(JsonMapper.builder().build());
  final PaymentMethod bare = new PaymentMethod("card", null, "DE");

  @Test
  void aMethodWithOnlyTheSharedTokenIsStoredAsThatTokenSoOlderIntentsStayReadable() {
    PaymentMethod method = new PaymentMethod("card", "tok_visa", "DE");
    assertThat(stored.encode(method)).isEqualTo("tok_visa");
    assertThat(stored.decode(bare, "tok_visa")).isEqualTo(method);
  }

  @Test
  void perProviderTokensSurviveTheRoundTrip() {
    PaymentMethod method = new PaymentMethod("card", "tok_visa",
        Map.of("stripe", "pm_123", "adyen", "{\"type\":\"scheme\",\"encryptedCardNumber\":\"x:y\"}"), "DE");
    assertThat(stored.decode(bare, stored.encode(method))).isEqualTo(method);
  }

  @Test
  void perProviderTokensWithoutASharedOneSurviveTheRoundTrip() {
    PaymentMethod method = new PaymentMethod("card", null, Map.of("adyen", "shopper-1:8415718415172200"), null);
    assertThat(stored.decode(new PaymentMethod("card", null, null), stored.encode(method))).isEqualTo(method);
  }

  @Test
  void anUnreadableTokenLeavesTheMethodWithoutAny() {
    assertThat(stored.decode(bare, null).hasToken()).isFalse();
  }
}
