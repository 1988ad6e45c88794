package dev.paymentrouter.routing.domain;

import dev.paymentrouter.intent.domain.RouteOptions;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Orders the providers an intent may try. The first rule whose conditions all hold decides; when none does, the
 * default list does. Unavailable providers are left out everywhere, fallbacks included, so their traffic flows to
 * the next candidate; recovering ones stay in their place so that they are probed and can close again.
 *
 * @param rules            tried in order, first match wins
 * @param defaultProviders the candidates when no rule matches, in preference order
 * @param maxAttempts      attempts an intent may make in all
 */
public record RoutingPolicy(List<RoutingRule> rules, List<String> defaultProviders, int maxAttempts) {

  public RoutingPolicy {
    rules = List.copyOf(rules);
    defaultProviders = List.copyOf(defaultProviders);
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1");
    }
    Set<String> names = new HashSet<>();
    for (RoutingRule rule : rules) {
      if (RouteOptions.DEFAULT_RULE.equals(rule.name())) {
        throw new IllegalArgumentException("'" + RouteOptions.DEFAULT_RULE + "' names the default list, not a rule");
      }
      if (!names.add(rule.name())) {
        throw new IllegalArgumentException("two rules are named '" + rule.name() + "'");
      }
    }
  }

  /** The candidates for this intent now, best first, and the rule that chose them. */
  public RouteOptions route(RoutingRequest request, HealthSnapshot health) {
    for (RoutingRule rule : rules) {
      if (rule.matches(request)) {
        return new RouteOptions(rule.candidates(request, health), maxAttempts, rule.name());
      }
    }
    return new RouteOptions(usable(defaultProviders, health), maxAttempts, RouteOptions.DEFAULT_RULE);
  }

  /** These providers in order, each once, without the unavailable ones. */
  static List<String> usable(Iterable<String> providers, HealthSnapshot health) {
    Set<String> usable = new LinkedHashSet<>();
    for (String provider : providers) {
      if (health.availability(provider) != ProviderAvailability.UNAVAILABLE) {
        usable.add(provider);
      }
    }
    return List.copyOf(usable);
  }
}
