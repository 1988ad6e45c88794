package dev.paymentrouter.routing.domain;

import static dev.paymentrouter.routing.domain.Intents.intent;
import static dev.paymentrouter.routing.domain.ProviderAvailability.AVAILABLE;
import static dev.paymentrouter.routing.domain.ProviderAvailability.PROBING;
import static dev.paymentrouter.routing.domain.ProviderAvailability.UNAVAILABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.paymentrouter.routing.domain.RuleAction.WeightedSplit;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WeightedSplitTest {

  static final int INTENTS = 10_000;
  /** Two percentage points: over 10,000 draws one standard deviation of a 70/30 share is about 0.46 points. */
  static final double TOLERANCE = 0.02;
  static final HealthSnapshot ALL_AVAILABLE = new HealthSnapshot(
      Map.of("alpha", AVAILABLE, "beta", AVAILABLE, "gamma", AVAILABLE));

  static Stream<Arguments> idShapes() {
    return Stream.of(
        Arguments.of("router-shaped ids", Intents.realisticIds(INTENTS)),
        Arguments.of("sequential ids", Intents.sequentialIds(INTENTS)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("idShapes")
  void sharesVolumeByWeightWithinTwoPoints(String shape, List<String> ids) {
    Map<String, Double> shares = firstChoiceShares(new WeightedSplit(Map.of("alpha", 70, "gamma", 30)), ids,
        ALL_AVAILABLE);
    assertThat(shares.get("alpha")).isCloseTo(0.70, within(TOLERANCE));
    assertThat(shares.get("gamma")).isCloseTo(0.30, within(TOLERANCE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("idShapes")
  void sharesAThreeWaySplitByWeight(String shape, List<String> ids) {
    Map<String, Double> shares = firstChoiceShares(
        new WeightedSplit(Map.of("alpha", 50, "beta", 30, "gamma", 20)), ids, ALL_AVAILABLE);
    assertThat(shares.get("alpha")).isCloseTo(0.50, within(TOLERANCE));
    assertThat(shares.get("beta")).isCloseTo(0.30, within(TOLERANCE));
    assertThat(shares.get("gamma")).isCloseTo(0.20, within(TOLERANCE));
  }

  @Test
  void theSameIntentAlwaysDrawsTheSameRoute() {
    WeightedSplit split = new WeightedSplit(Map.of("alpha", 70, "gamma", 30));
    for (String id : Intents.realisticIds(1_000)) {
      List<String> first = split.providers(id, ALL_AVAILABLE);
      // A new, equal split (as after a restart) gives the same answer: nothing depends on instance or JVM state.
      assertThat(new WeightedSplit(Map.of("gamma", 30, "alpha", 70)).providers(id, ALL_AVAILABLE)).isEqualTo(first);
      assertThat(split.providers(id, ALL_AVAILABLE)).isEqualTo(first);
    }
  }

  @Test
  void knownIntentsDrawTheProvidersTheyDrewWhenThisWasWritten() {
    // Pins the hash: changing it would route replays and failovers of existing intents differently.
    WeightedSplit split = new WeightedSplit(Map.of("alpha", 70, "gamma", 30));
    String draws = Intents.sequentialIds(20).stream()
        .map(id -> split.providers(id, ALL_AVAILABLE).getFirst().substring(0, 1))
        .collect(Collectors.joining());
    assertThat(draws).isEqualTo("gaaagaaaaaagaaagaaag");
  }

  @Test
  void putsTheOthersAfterTheDrawnOneByDescendingWeightThenByName() {
    WeightedSplit split = new WeightedSplit(Map.of("delta", 10, "gamma", 20, "beta", 20, "alpha", 50));
    assertThat(split.byWeight()).containsExactly("alpha", "beta", "gamma", "delta");
    for (String id : Intents.realisticIds(200)) {
      List<String> route = split.providers(id, ALL_AVAILABLE);
      List<String> rest = split.byWeight().stream().filter(p -> !p.equals(route.getFirst())).toList();
      assertThat(route.subList(1, route.size())).isEqualTo(rest);
    }
  }

  @Test
  void dividesAnUnavailableProvidersShareAmongTheOthersByWeight() {
    HealthSnapshot alphaDown = new HealthSnapshot(Map.of("alpha", UNAVAILABLE, "beta", AVAILABLE, "gamma", AVAILABLE));
    Map<String, Double> shares = firstChoiceShares(
        new WeightedSplit(Map.of("alpha", 50, "beta", 30, "gamma", 20)), Intents.realisticIds(INTENTS), alphaDown);
    assertThat(shares).doesNotContainKey("alpha");
    assertThat(shares.get("beta")).isCloseTo(0.60, within(TOLERANCE));
    assertThat(shares.get("gamma")).isCloseTo(0.40, within(TOLERANCE));
  }

  @Test
  void keepsDrawingAProbingProviderSoItCanRecover() {
    HealthSnapshot alphaProbing = new HealthSnapshot(Map.of("alpha", PROBING, "gamma", AVAILABLE));
    Map<String, Double> shares = firstChoiceShares(new WeightedSplit(Map.of("alpha", 70, "gamma", 30)),
        Intents.realisticIds(INTENTS), alphaProbing);
    assertThat(shares.get("alpha")).isCloseTo(0.70, within(TOLERANCE));
  }

  @Test
  void refusesWeightsThatAreNotPositive() {
    assertThatThrownBy(() -> new WeightedSplit(Map.of("alpha", 0))).hasMessageContaining("> 0");
    assertThatThrownBy(() -> new WeightedSplit(Map.of("alpha", -5, "beta", 10))).hasMessageContaining("> 0");
    assertThatThrownBy(() -> new WeightedSplit(Map.of())).hasMessageContaining("at least one");
  }

  static Map<String, Double> firstChoiceShares(WeightedSplit split, List<String> ids, HealthSnapshot health) {
    RoutingRule rule = new RoutingRule("split", List.of(), split, List.of());
    return ids.stream()
        .map(id -> rule.candidates(intent().id(id).request(), health).getFirst())
        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()))
        .entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, entry -> (double) entry.getValue() / ids.size()));
  }
}
