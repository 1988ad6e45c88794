package dev.paymentrouter.routing.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** What a matching rule does: the providers it offers, in the order to try them. */
public sealed interface RuleAction {

  /** This rule's own providers for this intent, best first; health only steers a split's draw. */
  default List<String> providers(String intentId, HealthSnapshot health) {
    return switch (this) {
      case SingleProvider single -> List.of(single.provider());
      case PriorityList list -> list.providers();
      case WeightedSplit split -> split.draw(intentId, health);
    };
  }

  /** Always this one provider. */
  record SingleProvider(String provider) implements RuleAction {
    public SingleProvider {
      Objects.requireNonNull(provider, "provider");
    }
  }

  /** These providers in this order. */
  record PriorityList(List<String> providers) implements RuleAction {
    public PriorityList {
      providers = List.copyOf(providers);
      if (providers.isEmpty()) {
        throw new IllegalArgumentException("a priority list needs at least one provider");
      }
    }
  }

  /**
   * Volume shared by weight, e.g. {@code alpha: 70, gamma: 30}. Each intent draws its provider from a stable hash of
   * its id, so the same intent always draws the same provider; the others follow by descending weight, ties by name.
   */
  record WeightedSplit(Map<String, Integer> weights) implements RuleAction {
    public WeightedSplit {
      weights = Map.copyOf(weights);
      if (weights.isEmpty()) {
        throw new IllegalArgumentException("a split needs at least one provider");
      }
      weights.forEach((provider, weight) -> {
        if (weight == null || weight <= 0) {
          throw new IllegalArgumentException("split weight of '" + provider + "' must be > 0, was " + weight);
        }
      });
    }

    /** The providers by descending weight, ties by name. */
    public List<String> byWeight() {
      return weights.entrySet().stream()
          .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
          .map(Map.Entry::getKey)
          .toList();
    }

    /**
     * The drawn provider first, then the others by weight. The draw is among the providers that are not
     * unavailable, so an unavailable provider's share is divided among the others in proportion to their weights
     * instead of all landing on the next one.
     */
    List<String> draw(String intentId, HealthSnapshot health) {
      List<String> ordered = byWeight();
      List<String> eligible = ordered.stream()
          .filter(provider -> health.availability(provider) != ProviderAvailability.UNAVAILABLE)
          .toList();
      if (eligible.isEmpty()) {
        return ordered;
      }
      long total = eligible.stream().mapToLong(weights::get).sum();
      String drawn = drawAmong(eligible, IntentHash.bucket(intentId, total));
      List<String> result = new ArrayList<>(ordered.size());
      result.add(drawn);
      ordered.stream().filter(provider -> !provider.equals(drawn)).forEach(result::add);
      return result;
    }

    /** The provider whose cumulative weight range, in the given order, holds {@code point}. */
    private String drawAmong(List<String> providers, long point) {
      long upTo = 0;
      for (String provider : providers) {
        upTo += weights.get(provider);
        if (point < upTo) {
          return provider;
        }
      }
      throw new IllegalStateException("point " + point + " beyond the total weight " + upTo);
    }
  }
}
