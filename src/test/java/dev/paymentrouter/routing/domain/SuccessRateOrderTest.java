package dev.paymentrouter.routing.domain;

import static dev.paymentrouter.routing.domain.ProviderAvailability.AVAILABLE;
import static dev.paymentrouter.routing.domain.ProviderAvailability.PROBING;
import static dev.paymentrouter.routing.domain.ProviderAvailability.UNAVAILABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.paymentrouter.routing.domain.CandidateOrder.BySuccessRate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SuccessRateOrderTest {

  static final List<String> CONFIGURED = List.of("alpha", "beta", "gamma", "delta");
  static final Map<String, ProviderAvailability> ALL_AVAILABLE = Map.of(
      "alpha", AVAILABLE, "beta", AVAILABLE, "gamma", AVAILABLE, "delta", AVAILABLE);
  static final BySuccessRate NEVER_EXPLORE = new BySuccessRate(0);

  @Test
  void putsHigherRatesFirst() {
    HealthSnapshot health = new HealthSnapshot(ALL_AVAILABLE,
        Map.of("alpha", 0.80, "beta", 0.95, "gamma", 0.50, "delta", 0.99));
    assertThat(NEVER_EXPLORE.apply(CONFIGURED, "pi_1", health)).containsExactly("delta", "beta", "alpha", "gamma");
  }

  @Test
  void putsProvidersWithoutARateAfterThoseWithOneInTheirConfiguredOrder() {
    // beta and delta have too few recent calls for a rate; even a poor known rate ranks before no evidence.
    HealthSnapshot health = new HealthSnapshot(ALL_AVAILABLE, Map.of("gamma", 0.60, "alpha", 0.30));
    assertThat(NEVER_EXPLORE.apply(CONFIGURED, "pi_1", health)).containsExactly("gamma", "alpha", "beta", "delta");
  }

  @Test
  void keepsTheConfiguredOrderBetweenEqualRatesAndWhenNoRateIsKnown() {
    HealthSnapshot equal = new HealthSnapshot(ALL_AVAILABLE,
        Map.of("alpha", 0.9, "beta", 0.9, "gamma", 0.9, "delta", 0.9));
    assertThat(NEVER_EXPLORE.apply(CONFIGURED, "pi_1", equal)).containsExactlyElementsOf(CONFIGURED);
    HealthSnapshot unknown = new HealthSnapshot(ALL_AVAILABLE);
    assertThat(NEVER_EXPLORE.apply(CONFIGURED, "pi_1", unknown)).containsExactlyElementsOf(CONFIGURED);
  }

  @Test
  void sendsTheExplorationShareOfIntentsToAnotherProviderFirst() {
    BySuccessRate order = new BySuccessRate(0.05);
    HealthSnapshot health = new HealthSnapshot(ALL_AVAILABLE,
        Map.of("alpha", 0.99, "beta", 0.90, "gamma", 0.20));
    List<String> ids = Intents.realisticIds(10_000);
    Map<String, Integer> firsts = new HashMap<>();
    for (String id : ids) {
      List<String> route = order.apply(CONFIGURED, id, health);
      firsts.merge(route.getFirst(), 1, Integer::sum);
      assertThat(route).containsExactlyInAnyOrderElementsOf(CONFIGURED);
      // Exploring moves one provider to the front and leaves the others in rate order.
      assertThat(route.subList(1, route.size()))
          .isEqualTo(List.of("alpha", "beta", "gamma", "delta").stream().filter(p -> !p.equals(route.getFirst()))
              .toList());
    }
    double explored = 1 - firsts.get("alpha") / (double) ids.size();
    assertThat(explored).isCloseTo(0.05, within(0.01));
    // The explored provider is drawn evenly among the others: the recovered gamma and the unrated delta get some.
    assertThat(firsts.get("beta") / (double) ids.size()).isCloseTo(0.05 / 3, within(0.006));
    assertThat(firsts.get("gamma") / (double) ids.size()).isCloseTo(0.05 / 3, within(0.006));
    assertThat(firsts.get("delta") / (double) ids.size()).isCloseTo(0.05 / 3, within(0.006));
  }

  @Test
  void anIntentExploresOrNotTheSameWayEveryTime() {
    BySuccessRate order = new BySuccessRate(0.05);
    HealthSnapshot health = new HealthSnapshot(ALL_AVAILABLE, Map.of("alpha", 0.99, "beta", 0.90));
    for (String id : Intents.realisticIds(2_000)) {
      List<String> first = order.apply(CONFIGURED, id, health);
      assertThat(new BySuccessRate(0.05).apply(CONFIGURED, id, health)).isEqualTo(first);
      assertThat(first.getFirst().equals("alpha")).isNotEqualTo(order.explores(id));
    }
  }

  @Test
  void exploresEveryIntentAtShareOneAndNoneAtZero() {
    HealthSnapshot health = new HealthSnapshot(ALL_AVAILABLE, Map.of("alpha", 0.99));
    for (String id : Intents.realisticIds(500)) {
      assertThat(new BySuccessRate(1).apply(CONFIGURED, id, health).getFirst()).isNotEqualTo("alpha");
      assertThat(NEVER_EXPLORE.apply(CONFIGURED, id, health).getFirst()).isEqualTo("alpha");
    }
  }

  @Test
  void aLoneCandidateIsNeverExploredAway() {
    HealthSnapshot health = new HealthSnapshot(ALL_AVAILABLE, Map.of("alpha", 0.5));
    assertThat(new BySuccessRate(1).apply(List.of("alpha"), "pi_1", health)).containsExactly("alpha");
  }

  @Test
  void ordersOnlyTheUsableCandidatesOfARule() {
    RoutingRule rule = new RoutingRule("vip", List.of(), new RuleAction.SingleProvider("gamma"),
        List.of("alpha", "beta", "delta"), new BySuccessRate(1));
    HealthSnapshot health = new HealthSnapshot(
        Map.of("alpha", UNAVAILABLE, "beta", PROBING, "gamma", AVAILABLE, "delta", UNAVAILABLE),
        Map.of("alpha", 1.0, "beta", 0.2, "gamma", 0.9));
    // Even an intent that explores never gets an unavailable provider, however good its last known rate.
    for (String id : Intents.realisticIds(200)) {
      assertThat(rule.candidates(Intents.intent().id(id).request(), health)).containsExactly("beta", "gamma");
    }
  }

  @Test
  void refusesAnExplorationShareOutsideZeroToOne() {
    assertThatThrownBy(() -> new BySuccessRate(1.5)).hasMessageContaining("between 0 and 1");
    assertThatThrownBy(() -> new BySuccessRate(-0.1)).hasMessageContaining("between 0 and 1");
    assertThatThrownBy(() -> new BySuccessRate(Double.NaN)).hasMessageContaining("between 0 and 1");
  }
}
