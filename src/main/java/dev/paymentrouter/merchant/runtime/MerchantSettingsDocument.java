package dev.paymentrouter.merchant.runtime;

import dev.paymentrouter.merchant.domain.InboundLimit;
import dev.paymentrouter.merchant.domain.MerchantSettings;
import dev.paymentrouter.routing.domain.RoutingPolicy;
import dev.paymentrouter.routing.domain.RoutingRule;
import dev.paymentrouter.routing.runtime.RoutingProperties;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A merchant's settings as operators write them and PostgreSQL stores them, a JSON object whose members are all
 * optional ({@code {}}: the router's general settings apply):
 * <pre>
 * {"inboundLimit": {"requestsPerSecond": 50, "burst": 100},
 *  "activeIntentShare": 0.2,
 *  "allowedProviders": ["alpha", "beta"],
 *  "routingRules": [{"name": "eur-to-beta", "when": {"currencies": ["EUR"]}, "then": {"provider": "beta"}}]}
 * </pre>
 * Routing rules have the format of {@code payment-router.routing.rules} (members in camelCase) and are checked the
 * same way, against the configured providers.
 */
public final class MerchantSettingsDocument {

  private static final Logger log = LoggerFactory.getLogger(MerchantSettingsDocument.class);

  /** One thing wrong with a document: where, a stable code, and a message for people. */
  public record Problem(String field, String code, String message) {}

  /** A document read: the settings and their normalized document, or everything wrong with it. */
  public sealed interface Parsed {

    /** Fine: the settings and the document to store. */
    record Valid(MerchantSettings settings, String document) implements Parsed {}

    /** Not fine, for each reason given. */
    record Invalid(List<Problem> problems) implements Parsed {}
  }

  static final int MAX_RULES = 50;
  private static final Set<String> FIELDS =
      Set.of("inboundLimit", "activeIntentShare", "allowedProviders", "routingRules");
  private static final Set<String> LIMIT_FIELDS = Set.of("requestsPerSecond", "burst");

  private final JsonMapper json = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      // A rule without orderBySuccessRate means false, as in the configuration.
      .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .build();
  private final List<String> providers;
  private final RoutingPolicy global;

  /**
   * @param providers the configured providers
   * @param global    the global routing policy, which a merchant's rules go in front of
   */
  public MerchantSettingsDocument(List<String> providers, RoutingPolicy global) {
    this.providers = List.copyOf(providers);
    this.global = global;
  }

  /** An operator's document, checked in full: every problem is reported, nothing is dropped. */
  public Parsed parse(JsonNode root) {
    List<Problem> problems = new ArrayList<>();
    MerchantSettings settings = read(root, problems, true);
    return problems.isEmpty() ? new Parsed.Valid(settings, normalized(root)) : new Parsed.Invalid(problems);
  }

  /**
   * A stored document, which may no longer fit the configuration (a provider removed since): what still fits is
   * kept, the rest is dropped and logged. Allowed providers are kept as stored, so that a merchant is never let
   * through to providers an operator did not allow.
   */
  public MerchantSettings load(String merchantId, String stored) {
    List<Problem> problems = new ArrayList<>();
    MerchantSettings settings;
    try {
      settings = read(json.readTree(stored), problems, false);
    } catch (JacksonException e) {
      log.error("Merchant {}: stored settings are not JSON; the general settings apply", merchantId);
      return MerchantSettings.DEFAULTS;
    }
    problems.forEach(problem -> log.error("Merchant {}: stored setting {} no longer fits the configuration and is "
        + "left out: {}", merchantId, problem.field(), problem.message()));
    return settings;
  }

  private MerchantSettings read(JsonNode root, List<Problem> problems, boolean strict) {
    if (root == null || !root.isObject()) {
      problems.add(new Problem("settings", "invalid_type", "must be a JSON object"));
      return MerchantSettings.DEFAULTS;
    }
    for (String name : root.propertyNames()) {
      if (!FIELDS.contains(name)) {
        problems.add(new Problem(name, "unknown_field", "is not a merchant setting; known: " + FIELDS));
      }
    }
    InboundLimit limit = inboundLimit(root.get("inboundLimit"), problems);
    Double share = share(root.get("activeIntentShare"), problems);
    List<String> allowed = allowedProviders(root.get("allowedProviders"), problems, strict);
    List<RoutingRule> rules = rules(root.get("routingRules"), allowed, problems);
    return new MerchantSettings(limit, share, allowed, rules);
  }

  private static InboundLimit inboundLimit(JsonNode node, List<Problem> problems) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      problems.add(new Problem("inboundLimit", "invalid_type",
          "must be an object: {\"requestsPerSecond\": n, \"burst\": n}"));
      return null;
    }
    int before = problems.size();
    for (String name : node.propertyNames()) {
      if (!LIMIT_FIELDS.contains(name)) {
        problems.add(new Problem("inboundLimit." + name, "unknown_field", "known: " + LIMIT_FIELDS));
      }
    }
    int rate = positive(node.get("requestsPerSecond"), "inboundLimit.requestsPerSecond", problems);
    int burst = positive(node.get("burst"), "inboundLimit.burst", problems);
    return problems.size() == before ? new InboundLimit(rate, burst) : null;
  }

  private static int positive(JsonNode node, String field, List<Problem> problems) {
    if (node == null || node.isNull()) {
      problems.add(new Problem(field, "required", "is required"));
      return 0;
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 1
        || node.intValue() > InboundLimit.MAX) {
      problems.add(new Problem(field, "invalid_number", "must be a whole number from 1 to " + InboundLimit.MAX));
      return 0;
    }
    return node.intValue();
  }

  private static Double share(JsonNode node, List<Problem> problems) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isNumber() || !(node.doubleValue() > 0 && node.doubleValue() <= 1)) {
      problems.add(new Problem("activeIntentShare", "invalid_share", "must be a number above 0 and at most 1"));
      return null;
    }
    return node.doubleValue();
  }

  private List<String> allowedProviders(JsonNode node, List<Problem> problems, boolean strict) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray() || node.isEmpty()) {
      // An empty list would read as "none", while absent means "any": only one way to say each.
      problems.add(new Problem("allowedProviders", "invalid_type",
          "must be a non-empty list of provider names; leave it out to allow every provider"));
      return List.of();
    }
    Set<String> allowed = new LinkedHashSet<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode entry = node.get(i);
      String name = entry.isString() ? entry.stringValue() : null;
      if (name == null || (strict && !providers.contains(name))) {
        problems.add(new Problem("allowedProviders[" + i + "]", "unknown_provider",
            "must be one of the configured providers " + providers));
        continue;
      }
      allowed.add(name);
    }
    return List.copyOf(allowed);
  }

  private List<RoutingRule> rules(JsonNode node, List<String> allowed, List<Problem> problems) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray() || node.size() > MAX_RULES) {
      problems.add(new Problem("routingRules", "invalid_type", "must be a list of at most " + MAX_RULES + " rules"));
      return List.of();
    }
    Set<String> names = new HashSet<>();
    List<RoutingRule> rules = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      String field = "routingRules[" + i + "]";
      RoutingProperties.Rule rule;
      try {
        rule = json.treeToValue(node.get(i), RoutingProperties.Rule.class);
      } catch (JacksonException e) {
        problems.add(new Problem(field, "invalid_rule", e.getOriginalMessage()));
        continue;
      }
      List<String> found = new ArrayList<>();
      RoutingRule built = RoutingProperties.merchantRule(field, MerchantSettings.RULE_PREFIX, rule, providers, names,
          found);
      found.forEach(message -> problems.add(new Problem(field,
          message.contains("unknown provider") ? "unknown_provider" : "invalid_rule", message)));
      if (built == null) {
        continue;
      }
      List<String> outside = ruleProviders(rule).stream()
          .filter(provider -> !allowed.isEmpty() && !allowed.contains(provider)).toList();
      if (!outside.isEmpty()) {
        problems.add(new Problem(field, "provider_not_allowed",
            "names " + outside + ", which allowedProviders leaves out"));
        continue;
      }
      rules.add(built);
    }
    try {
      new MerchantSettings(null, null, List.of(), rules).routingPolicy(global);
    } catch (IllegalArgumentException clash) {
      problems.add(new Problem("routingRules", "invalid_rule", clash.getMessage()));
      return List.of();
    }
    return List.copyOf(rules);
  }

  private static List<String> ruleProviders(RoutingProperties.Rule rule) {
    List<String> named = new ArrayList<>(rule.fallback());
    if (rule.then() != null) {
      if (rule.then().provider() != null) {
        named.add(rule.then().provider());
      }
      named.addAll(rule.then().providers());
      named.addAll(rule.then().split().keySet());
    }
    return named;
  }

  /** The members of the document in one order, absent ones left out. */
  private String normalized(JsonNode root) {
    ObjectNode document = json.createObjectNode();
    for (String name : List.of("inboundLimit", "activeIntentShare", "allowedProviders", "routingRules")) {
      JsonNode value = root.get(name);
      if (value != null && !value.isNull()) {
        document.set(name, value.deepCopy());
      }
    }
    return json.writeValueAsString(document);
  }
}
