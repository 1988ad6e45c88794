package dev.paymentrouter.merchant.domain;

import dev.paymentrouter.routing.domain.RoutingPolicy;
import dev.paymentrouter.routing.domain.RoutingRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What an operator set for one merchant; everything is optional and absent means the router's general setting.
 *
 * @param inboundLimit      its request limit, or null
 * @param activeIntentShare its share of a node's active intents (above 0, at most 1) instead of
 *                          {@code payment-router.intents.merchant-share}, or null
 * @param allowedProviders  the only providers its intents may be sent to; empty: any
 * @param routingRules      rules tried before the global ones, for this merchant's intents only
 */
public record MerchantSettings(
    InboundLimit inboundLimit, Double activeIntentShare, List<String> allowedProviders,
    List<RoutingRule> routingRules) {

  /** A merchant nobody set anything for. */
  public static final MerchantSettings DEFAULTS = new MerchantSettings(null, null, List.of(), List.of());

  /** What the rules of a merchant are recorded as on its attempts: apart from any global rule of the same name. */
  public static final String RULE_PREFIX = "merchant:";

  public MerchantSettings {
    if (activeIntentShare != null && !(activeIntentShare > 0 && activeIntentShare <= 1)) {
      throw new IllegalArgumentException("activeIntentShare must be above 0 and at most 1");
    }
    allowedProviders = List.copyOf(allowedProviders);
    routingRules = List.copyOf(routingRules);
    for (RoutingRule rule : routingRules) {
      if (!rule.name().startsWith(RULE_PREFIX)) {
        throw new IllegalArgumentException("a merchant's rule is named " + RULE_PREFIX + "<name>");
      }
    }
  }

  /** Its inbound limit, if it has one. */
  public Optional<InboundLimit> inbound() {
    return Optional.ofNullable(inboundLimit);
  }

  /** Whether its intents may go to this provider. */
  public boolean allows(String provider) {
    return allowedProviders.isEmpty() || allowedProviders.contains(provider);
  }

  /** Active intents it may hold on a node of {@code maxActive}, where {@code general} applies to merchants at large. */
  public int maxActive(int maxActive, int general) {
    return activeIntentShare == null ? general : Math.max(1, (int) Math.ceil(maxActive * activeIntentShare));
  }

  /**
   * The policy for its intents: its own rules first, then the global ones, then the global default list. Throws
   * {@link IllegalArgumentException} when a name clashes with a global rule.
   */
  public RoutingPolicy routingPolicy(RoutingPolicy global) {
    if (routingRules.isEmpty()) {
      return global;
    }
    List<RoutingRule> rules = new ArrayList<>(routingRules);
    rules.addAll(global.rules());
    return new RoutingPolicy(rules, global.defaultProviders(), global.maxAttempts());
  }
}
