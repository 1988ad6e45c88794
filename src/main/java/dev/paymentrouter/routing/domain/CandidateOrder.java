package dev.paymentrouter.routing.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** How a rule orders its usable candidates once health has removed the unavailable ones. */
public sealed interface CandidateOrder {

  /** These candidates (all usable, no duplicates) in this order. */
  default List<String> apply(List<String> candidates, String intentId, HealthSnapshot health) {
    return switch (this) {
      case AsConfigured configured -> candidates;
      case BySuccessRate bySuccessRate -> bySuccessRate.order(candidates, intentId, health);
    };
  }

  /** The order the rule gives: its action's providers, then its fallbacks. */
  record AsConfigured() implements CandidateOrder {}

  /**
   * Best recent success rate first. Providers with a known rate come first, by descending rate (ties keep their
   * configured order); providers without one (too few recent calls) follow in their configured order, because
   * evidence of working beats no evidence. For a deterministic share {@code exploration} of intents (from a stable
   * hash of the intent id) one of the other candidates, also drawn from that hash, is moved in front of the best, so
   * that a provider that was bad, or has no rate yet, keeps getting the traffic that can show it works again.
   *
   * @param exploration share of intents, 0 to 1, that try a provider other than the best first
   */
  record BySuccessRate(double exploration) implements CandidateOrder {

    public BySuccessRate {
      if (!(exploration >= 0 && exploration <= 1)) {
        throw new IllegalArgumentException("exploration must be between 0 and 1, was " + exploration);
      }
    }

    /** Whether this intent is one of the exploring share. */
    public boolean explores(String intentId) {
      // Salted, so that which intents explore is independent of which provider a split would draw for them.
      return IntentHash.unit("explore:" + intentId) < exploration;
    }

    List<String> order(List<String> candidates, String intentId, HealthSnapshot health) {
      List<String> rated = new ArrayList<>(candidates.size());
      List<String> unrated = new ArrayList<>();
      for (String provider : candidates) {
        (health.successRate(provider).isPresent() ? rated : unrated).add(provider);
      }
      // List.sort is stable: equal rates keep their configured order.
      rated.sort(Comparator.comparingDouble((String provider) -> health.successRate(provider).orElseThrow())
          .reversed());
      List<String> ordered = new ArrayList<>(rated);
      ordered.addAll(unrated);
      if (ordered.size() > 1 && explores(intentId)) {
        int pick = 1 + (int) IntentHash.bucket("explore-pick:" + intentId, ordered.size() - 1);
        ordered.addFirst(ordered.remove(pick));
      }
      return List.copyOf(ordered);
    }
  }
}
