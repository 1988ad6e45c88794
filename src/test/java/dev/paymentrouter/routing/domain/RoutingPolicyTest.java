package dev.paymentrouter.routing.domain;

import static dev.paymentrouter.routing.domain.Intents.intent;
import static dev.paymentrouter.routing.domain.ProviderAvailability.AVAILABLE;
import static dev.paymentrouter.routing.domain.ProviderAvailability.PROBING;
import static dev.paymentrouter.routing.domain.ProviderAvailability.UNAVAILABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paymentrouter.intent.domain.RouteOptions;
import dev.paymentrouter.routing.domain.RuleAction.PriorityList;
import dev.paymentrouter.routing.domain.RuleAction.SingleProvider;
import dev.paymentrouter.routing.domain.RuleAction.WeightedSplit;
import dev.paymentrouter.routing.domain.RuleCondition.AmountBetween;
import dev.paymentrouter.routing.domain.RuleCondition.CountryIn;
import dev.paymentrouter.routing.domain.RuleCondition.CurrencyIn;
import dev.paymentrouter.routing.domain.RuleCondition.MerchantIn;
import dev.paymentrouter.routing.domain.RuleCondition.MetadataMatches;
import dev.paymentrouter.routing.domain.RuleCondition.PaymentMethodTypeIn;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class RoutingPolicyTest {

  static final RoutingRequest REQUEST = intent().request();
  static final List<String> ALL = List.of("alpha", "beta", "gamma");
  static final HealthSnapshot ALL_AVAILABLE = health(AVAILABLE, AVAILABLE, AVAILABLE);

  /** The policy of the README example. */
  static final RoutingPolicy EXAMPLE = new RoutingPolicy(List.of(
      new RoutingRule("big-eur-cards",
          List.of(new CurrencyIn(Set.of("EUR")), AmountBetween.atLeast(100_000),
              new PaymentMethodTypeIn(Set.of("card")), new CountryIn(Set.of("DE", "AT"))),
          new PriorityList(List.of("beta", "alpha")), List.of()),
      new RoutingRule("usd-split", List.of(new CurrencyIn(Set.of("USD"))),
          new WeightedSplit(Map.of("alpha", 70, "gamma", 30)), List.of("beta")),
      new RoutingRule("vip",
          List.of(new MerchantIn(Set.of("merchant_vip")), new MetadataMatches(Map.of("tier", "gold"))),
          new SingleProvider("gamma"), List.of("alpha"), new CandidateOrder.BySuccessRate(0.05))),
      ALL, 3);

  /** The routing of the old ordered list: still what the default list does. */
  @Nested
  class DefaultList {

    static final RoutingPolicy POLICY = new RoutingPolicy(List.of(), ALL, 3);

    @Test
    void ordersAvailableProvidersAsConfigured() {
      RouteOptions route = POLICY.route(REQUEST, ALL_AVAILABLE);
      assertThat(route.candidates()).containsExactly("alpha", "beta", "gamma");
      assertThat(route.maxAttempts()).isEqualTo(3);
      assertThat(route.rule()).isEqualTo(RouteOptions.DEFAULT_RULE);
    }

    @Test
    void skipsUnavailableProvidersSoTheirTrafficFlowsToTheNext() {
      assertThat(POLICY.route(REQUEST, health(UNAVAILABLE, AVAILABLE, AVAILABLE)).candidates())
          .containsExactly("beta", "gamma");
    }

    @Test
    void keepsProbingProvidersInPlaceSoTheyCanRecover() {
      assertThat(POLICY.route(REQUEST, health(PROBING, AVAILABLE, UNAVAILABLE)).candidates())
          .containsExactly("alpha", "beta");
    }

    @Test
    void treatsProvidersMissingFromTheSnapshotAsUnavailable() {
      HealthSnapshot health = new HealthSnapshot(Map.of("beta", AVAILABLE));
      assertThat(POLICY.route(REQUEST, health).candidates()).containsExactly("beta");
    }

    @Test
    void offersNoCandidateWhenEveryProviderIsUnavailable() {
      assertThat(POLICY.route(REQUEST, new HealthSnapshot(Map.of())).candidates()).isEmpty();
    }

    @Test
    void listsAProviderConfiguredTwiceOnlyOnce() {
      RoutingPolicy twice = new RoutingPolicy(List.of(), List.of("beta", "alpha", "beta"), 3);
      assertThat(twice.route(REQUEST, ALL_AVAILABLE).candidates()).containsExactly("beta", "alpha");
    }
  }

  @Test
  void usesTheDefaultListWhenNoRuleMatches() {
    RouteOptions route = EXAMPLE.route(intent().currency("GBP").request(), ALL_AVAILABLE);
    assertThat(route.rule()).isEqualTo(RouteOptions.DEFAULT_RULE);
    assertThat(route.candidates()).containsExactly("alpha", "beta", "gamma");
  }

  @Test
  void aPriorityListRuleOffersItsProvidersInItsOrderAndNamesItself() {
    RouteOptions route = EXAMPLE.route(intent().amount(250_000).country("AT").request(), ALL_AVAILABLE);
    assertThat(route.rule()).isEqualTo("big-eur-cards");
    assertThat(route.candidates()).containsExactly("beta", "alpha");
    assertThat(route.maxAttempts()).isEqualTo(3);
  }

  @Test
  void aSingleProviderRuleOffersItThenItsFallbacks() {
    RoutingPolicy policy = new RoutingPolicy(List.of(
        new RoutingRule("gold", List.of(new MetadataMatches(Map.of("tier", "gold"))), new SingleProvider("gamma"),
            List.of("alpha"))), ALL, 3);
    RouteOptions route = policy.route(intent().meta("tier", "gold").request(), ALL_AVAILABLE);
    assertThat(route.rule()).isEqualTo("gold");
    assertThat(route.candidates()).containsExactly("gamma", "alpha");
  }

  @Test
  void aSplitRuleOffersTheDrawnProviderThenTheOthersByWeightThenItsFallbacks() {
    for (String id : Intents.realisticIds(50)) {
      RouteOptions route = EXAMPLE.route(intent().currency("USD").id(id).request(), ALL_AVAILABLE);
      assertThat(route.rule()).isEqualTo("usd-split");
      assertThat(route.candidates()).isIn(List.of("alpha", "gamma", "beta"), List.of("gamma", "alpha", "beta"));
    }
  }

  @Test
  void theFirstMatchingRuleWinsOverLaterOnesThatAlsoMatch() {
    RoutingPolicy policy = new RoutingPolicy(List.of(
        new RoutingRule("eur", List.of(new CurrencyIn(Set.of("EUR"))), new SingleProvider("beta"), List.of()),
        new RoutingRule("german", List.of(new CountryIn(Set.of("DE"))), new SingleProvider("gamma"), List.of())),
        ALL, 3);

    assertThat(policy.route(REQUEST, ALL_AVAILABLE).rule()).isEqualTo("eur");
    assertThat(policy.route(REQUEST, ALL_AVAILABLE).candidates()).containsExactly("beta");
    // A later rule still decides what the earlier one does not match.
    RouteOptions usd = policy.route(intent().currency("USD").request(), ALL_AVAILABLE);
    assertThat(usd.rule()).isEqualTo("german");
    assertThat(usd.candidates()).containsExactly("gamma");
  }

  @Test
  void skipsUnavailableProvidersInARulesOwnListAndInItsFallbacks() {
    RoutingPolicy policy = new RoutingPolicy(List.of(
        new RoutingRule("eur", List.of(new CurrencyIn(Set.of("EUR"))), new PriorityList(List.of("alpha", "beta")),
            List.of("gamma"))), ALL, 3);

    assertThat(policy.route(REQUEST, health(UNAVAILABLE, AVAILABLE, AVAILABLE)).candidates())
        .containsExactly("beta", "gamma");
    assertThat(policy.route(REQUEST, health(AVAILABLE, AVAILABLE, UNAVAILABLE)).candidates())
        .containsExactly("alpha", "beta");
    // A matching rule whose providers are all unavailable offers nothing rather than falling to the default list.
    RouteOptions none = policy.route(REQUEST, health(UNAVAILABLE, UNAVAILABLE, UNAVAILABLE));
    assertThat(none.candidates()).isEmpty();
    assertThat(none.rule()).isEqualTo("eur");
  }

  @Test
  void keepsProbingProvidersInPlaceInRulesAndFallbacks() {
    RoutingPolicy policy = new RoutingPolicy(List.of(
        new RoutingRule("eur", List.of(), new SingleProvider("gamma"), List.of("alpha", "beta"))), ALL, 3);
    assertThat(policy.route(REQUEST, health(PROBING, UNAVAILABLE, PROBING)).candidates())
        .containsExactly("gamma", "alpha");
  }

  @Test
  void neverOffersAProviderTwiceWhenAFallbackRepeatsTheRulesOwn() {
    RoutingPolicy policy = new RoutingPolicy(List.of(
        new RoutingRule("eur", List.of(), new PriorityList(List.of("beta", "alpha", "beta")),
            List.of("alpha", "gamma", "beta"))), ALL, 3);
    assertThat(policy.route(REQUEST, ALL_AVAILABLE).candidates()).containsExactly("beta", "alpha", "gamma");
  }

  @Test
  void aSplitWithAFallbackNeverRepeatsAProvider() {
    RoutingPolicy policy = new RoutingPolicy(List.of(
        new RoutingRule("split", List.of(), new WeightedSplit(Map.of("alpha", 1, "beta", 1)), List.of("beta"))),
        ALL, 3);
    for (String id : Intents.realisticIds(50)) {
      assertThat(policy.route(intent().id(id).request(), ALL_AVAILABLE).candidates())
          .doesNotHaveDuplicates()
          .hasSize(2);
    }
  }

  @Test
  void aRuleOrderedBySuccessRatePutsTheBestFirstExceptForTheExploringShare() {
    HealthSnapshot gammaFailing = new HealthSnapshot(
        Map.of("alpha", AVAILABLE, "beta", AVAILABLE, "gamma", AVAILABLE), Map.of("alpha", 0.99, "gamma", 0.40));
    CandidateOrder.BySuccessRate vipOrder = new CandidateOrder.BySuccessRate(0.05);
    for (String id : Intents.realisticIds(200)) {
      RouteOptions route = EXAMPLE.route(intent().id(id).merchant("merchant_vip").meta("tier", "gold").request(),
          gammaFailing);
      assertThat(route.rule()).isEqualTo("vip");
      // The rule offers gamma, then alpha; alpha's better rate puts it first unless this intent explores.
      assertThat(route.candidates())
          .isEqualTo(vipOrder.explores(id) ? List.of("gamma", "alpha") : List.of("alpha", "gamma"));
    }
  }

  @Test
  void refusesRulesThatCannotBeToldApart() {
    RoutingRule rule = new RoutingRule("same", List.of(), new SingleProvider("alpha"), List.of());
    assertThatThrownBy(() -> new RoutingPolicy(List.of(rule, rule), ALL, 3)).hasMessageContaining("same");
    RoutingRule named = new RoutingRule("default", List.of(), new SingleProvider("alpha"), List.of());
    assertThatThrownBy(() -> new RoutingPolicy(List.of(named), ALL, 3)).hasMessageContaining("default");
    assertThatThrownBy(() -> new RoutingPolicy(List.of(), ALL, 0)).hasMessageContaining("maxAttempts");
  }

  @Test
  void refusesASplitOrderedBySuccessRate() {
    assertThatThrownBy(() -> new RoutingRule("split", List.of(), new WeightedSplit(Map.of("alpha", 1)), List.of(),
        new CandidateOrder.BySuccessRate(0.05))).hasMessageContaining("split");
  }

  static HealthSnapshot health(ProviderAvailability alpha, ProviderAvailability beta, ProviderAvailability gamma) {
    return new HealthSnapshot(Map.of("alpha", alpha, "beta", beta, "gamma", gamma));
  }
}
