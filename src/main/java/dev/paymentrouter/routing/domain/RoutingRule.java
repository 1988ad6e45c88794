package dev.paymentrouter.routing.domain;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.SequencedSet;

/**
 * One routing rule: when all of its conditions hold (a rule without conditions matches every intent), its action's
 * providers and then its fallbacks are the candidates, without unavailable providers, in the rule's order.
 *
 * @param name       recorded on the intent's attempts as the reason for the route; unique, never {@code default}
 * @param conditions all must hold
 * @param action     the rule's own providers
 * @param fallback   providers tried after the action's own
 * @param order      how the usable candidates are ordered
 */
public record RoutingRule(
    String name, List<RuleCondition> conditions, RuleAction action, List<String> fallback, CandidateOrder order) {

  public RoutingRule {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a rule needs a name");
    }
    conditions = List.copyOf(conditions);
    Objects.requireNonNull(action, "action");
    fallback = List.copyOf(fallback);
    Objects.requireNonNull(order, "order");
    if (action instanceof RuleAction.WeightedSplit && order instanceof CandidateOrder.BySuccessRate) {
      // Ordering by success rate would move the best provider first and so undo the split's volume shares.
      throw new IllegalArgumentException("rule '" + name + "': a split cannot also be ordered by success rate");
    }
  }

  /** A rule that keeps the order it is given. */
  public RoutingRule(String name, List<RuleCondition> conditions, RuleAction action, List<String> fallback) {
    this(name, conditions, action, fallback, new CandidateOrder.AsConfigured());
  }

  /** Whether every condition holds for this intent. */
  public boolean matches(RoutingRequest request) {
    return conditions.stream().allMatch(condition -> condition.matches(request));
  }

  /** The usable candidates for this intent, best first, each once. */
  public List<String> candidates(RoutingRequest request, HealthSnapshot health) {
    SequencedSet<String> all = new LinkedHashSet<>(action.providers(request.intentId(), health));
    all.addAll(fallback);
    return order.apply(RoutingPolicy.usable(all, health), request.intentId(), health);
  }
}
