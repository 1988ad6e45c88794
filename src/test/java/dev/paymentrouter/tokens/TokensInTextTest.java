package dev.paymentrouter.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.intent.domain.Decision;
import dev.paymentrouter.intent.domain.IntentCommand;
import dev.paymentrouter.intent.domain.IntentState;
import dev.paymentrouter.intent.domain.IntentTransitions;
import dev.paymentrouter.intent.domain.Money;
import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.intent.domain.PaymentMethod;
import dev.paymentrouter.intent.domain.RouteOptions;
import dev.paymentrouter.provider.domain.ProviderRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Values that carry a token leave it out of their text, which is what logs and exception messages show. */
class TokensInTextTest {

  static final String TOKEN = "tok_never_in_text_7f3a";

  @Test
  void noValueThatCarriesTheTokenShowsItInToString() {
    Instant now = Instant.parse("2026-11-30T12:00:00Z");
    PaymentMethod method = new PaymentMethod("card", TOKEN, "DE");
    IntentCommand.Create create = new IntentCommand.Create("pi_T", "m", new Money(100, "EUR"), method, null,
        Map.of(), now.plusSeconds(900), new RouteOptions(List.of("alpha"), 3), now);
    Decision decision = IntentTransitions.decide(IntentState.NONE, create);
    PaymentIntent intent = IntentTransitions.evolveAll(IntentState.NONE, ((Decision.Accepted) decision).events());

    assertThat(List.of(method, create, decision, intent,
            new ProviderRequest("pi_T", 1, "alpha", "pi_T_1", 100, "EUR", TOKEN),
            new TokenCipher.Opened.Token(TOKEN)))
        .allSatisfy(value -> assertThat(value.toString()).doesNotContain(TOKEN));
  }
}
