package dev.paymentrouter.routing.domain;

import static dev.paymentrouter.routing.domain.Intents.intent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paymentrouter.routing.domain.RuleCondition.AmountBetween;
import dev.paymentrouter.routing.domain.RuleCondition.CountryIn;
import dev.paymentrouter.routing.domain.RuleCondition.CurrencyIn;
import dev.paymentrouter.routing.domain.RuleCondition.MerchantIn;
import dev.paymentrouter.routing.domain.RuleCondition.MetadataMatches;
import dev.paymentrouter.routing.domain.RuleCondition.PaymentMethodTypeIn;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RuleConditionTest {

  static Stream<Arguments> everyConditionMatchesAndFailsToMatch() {
    return Stream.of(
        row(new CurrencyIn(Set.of("EUR", "USD")), intent().currency("EUR"), true),
        row(new CurrencyIn(Set.of("eur")), intent().currency("EUR"), true),
        row(new CurrencyIn(Set.of("USD")), intent().currency("EUR"), false),

        row(new AmountBetween(1000, 2000), intent().amount(1000), true),
        row(new AmountBetween(1000, 2000), intent().amount(2000), true),
        row(new AmountBetween(1000, 2000), intent().amount(999), false),
        row(new AmountBetween(1000, 2000), intent().amount(2001), false),
        row(AmountBetween.atLeast(100_000), intent().amount(100_000), true),
        row(AmountBetween.atLeast(100_000), intent().amount(99_999), false),
        row(AmountBetween.atMost(500), intent().amount(500), true),
        row(AmountBetween.atMost(500), intent().amount(501), false),

        row(new PaymentMethodTypeIn(Set.of("card")), intent().method("card"), true),
        row(new PaymentMethodTypeIn(Set.of("CARD")), intent().method("card"), true),
        row(new PaymentMethodTypeIn(Set.of("sepa_debit")), intent().method("card"), false),

        row(new CountryIn(Set.of("DE", "AT")), intent().country("AT"), true),
        row(new CountryIn(Set.of("de")), intent().country("DE"), true),
        row(new CountryIn(Set.of("DE", "AT")), intent().country("FR"), false),
        row(new CountryIn(Set.of("DE")), intent().country(null), false),

        row(new MerchantIn(Set.of("merchant_vip", "m1")), intent().merchant("m1"), true),
        row(new MerchantIn(Set.of("merchant_vip")), intent().merchant("m1"), false),
        row(new MerchantIn(Set.of("M1")), intent().merchant("m1"), false),

        row(new MetadataMatches(Map.of("tier", "gold")), intent().meta("tier", "gold"), true),
        row(new MetadataMatches(Map.of("tier", "gold")), intent().meta("tier", "silver"), false),
        row(new MetadataMatches(Map.of("tier", "gold")), intent().meta("Tier", "gold"), false),
        row(new MetadataMatches(Map.of("tier", "gold")), intent(), false),
        row(new MetadataMatches(Map.of("tier", "gold", "channel", "*")),
            intent().meta("tier", "gold").meta("channel", "web"), true),
        row(new MetadataMatches(Map.of("tier", "gold", "channel", "*")), intent().meta("tier", "gold"), false),
        row(new MetadataMatches(Map.of("channel", "*")), intent().meta("channel", ""), true));
  }

  @ParameterizedTest(name = "{0} on {1} -> {2}")
  @MethodSource
  void everyConditionMatchesAndFailsToMatch(RuleCondition condition, Intents intent, boolean matches) {
    assertThat(condition.matches(intent.request())).isEqualTo(matches);
  }

  @Test
  void aRuleMatchesOnlyWhenAllItsConditionsHold() {
    RoutingRule rule = new RoutingRule("big-eur-cards",
        List.of(new CurrencyIn(Set.of("EUR")), AmountBetween.atLeast(100_000),
            new PaymentMethodTypeIn(Set.of("card")), new CountryIn(Set.of("DE", "AT"))),
        new RuleAction.SingleProvider("beta"), List.of());

    assertThat(rule.matches(intent().amount(100_000).country("AT").request())).isTrue();
    assertThat(rule.matches(intent().amount(100_000).country("FR").request())).isFalse();
    assertThat(rule.matches(intent().amount(99_999).country("AT").request())).isFalse();
    assertThat(rule.matches(intent().amount(100_000).country("AT").currency("USD").request())).isFalse();
  }

  @Test
  void aRuleWithoutConditionsMatchesEveryIntent() {
    RoutingRule catchAll = new RoutingRule("all", List.of(), new RuleAction.SingleProvider("beta"),
        List.of());
    assertThat(catchAll.matches(intent().request())).isTrue();
  }

  @Test
  void refusesImpossibleConditions() {
    assertThatThrownBy(() -> new AmountBetween(2000, 1000)).hasMessageContaining("above");
    assertThatThrownBy(() -> new CurrencyIn(Set.of())).hasMessageContaining("must not be empty");
    assertThatThrownBy(() -> new MetadataMatches(Map.of())).hasMessageContaining("must not be empty");
  }

  private static Arguments row(RuleCondition condition, Intents intent, boolean matches) {
    return Arguments.of(condition, intent, matches);
  }
}
