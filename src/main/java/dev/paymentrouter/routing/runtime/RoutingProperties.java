package dev.paymentrouter.routing.runtime;

import dev.paymentrouter.intent.domain.RouteOptions;
import dev.paymentrouter.provider.runtime.ProviderScoreboard;
import dev.paymentrouter.routing.domain.CandidateOrder;
import dev.paymentrouter.routing.domain.RoutingPolicy;
import dev.paymentrouter.routing.domain.RoutingRule;
import dev.paymentrouter.routing.domain.RuleAction;
import dev.paymentrouter.routing.domain.RuleCondition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.bind.Name;

/**
 * Routing configuration under {@code payment-router.routing}, turned into the pure {@link RoutingPolicy} only after
 * every problem in it has been found, so that an operator sees all mistakes in one failed start.
 *
 * @param maxAttempts      attempts an intent may make across providers
 * @param defaultProviders {@code default}: the candidates when no rule matches; empty means declaration order
 * @param order            the former name of {@code default}, still accepted
 * @param successRate      how recent success rates are measured
 * @param rules            tried in order, first match wins
 */
@ConfigurationProperties(RoutingProperties.PREFIX)
public record RoutingProperties(
    @DefaultValue("3") int maxAttempts,
    @Name("default") List<String> defaultProviders,
    List<String> order,
    @DefaultValue SuccessRate successRate,
    List<Rule> rules) {

  static final String PREFIX = "payment-router.routing";

  /** The exploration share of a rule ordered by success rate that does not give its own. */
  static final double DEFAULT_EXPLORATION = 0.05;

  private static final Pattern CURRENCY = Pattern.compile("[A-Za-z]{3}");
  private static final Pattern COUNTRY = Pattern.compile("[A-Za-z]{2}");
  private static final Pattern ANY_TEXT = Pattern.compile(".*\\S.*");

  public RoutingProperties {
    defaultProviders = defaultProviders == null ? List.of() : List.copyOf(defaultProviders);
    order = order == null ? List.of() : List.copyOf(order);
    successRate = successRate == null ? new SuccessRate(100, 20) : successRate;
    rules = rules == null ? List.of() : List.copyOf(rules);
  }

  /**
   * How success rates are measured.
   *
   * @param window       the last calls per provider the rate is computed over
   * @param minimumCalls calls needed in the window before a rate is reported
   */
  public record SuccessRate(@DefaultValue("100") int window, @DefaultValue("20") int minimumCalls) {}

  /**
   * One rule.
   *
   * @param name                recorded on the attempts it routes
   * @param when                its conditions; none means every intent matches
   * @param then                exactly one action
   * @param fallback            providers tried after the action's own
   * @param orderBySuccessRate  order the candidates by recent success rate
   * @param exploration         share of intents that try another provider first, with {@code orderBySuccessRate}
   */
  public record Rule(
      String name,
      When when,
      Then then,
      List<String> fallback,
      @DefaultValue("false") boolean orderBySuccessRate,
      Double exploration) {

    public Rule {
      fallback = fallback == null ? List.of() : List.copyOf(fallback);
    }
  }

  /**
   * Conditions of a rule, all optional; an empty list counts as absent.
   *
   * @param currencies         ISO-4217 codes
   * @param minAmount          lowest amount in minor units, inclusive
   * @param maxAmount          highest amount in minor units, inclusive
   * @param paymentMethodTypes e.g. {@code card}
   * @param countries          card countries, ISO 3166-1 alpha-2
   * @param merchants          merchant ids
   * @param metadata           key to expected value; {@code *} only asks for the key
   */
  public record When(
      List<String> currencies,
      Long minAmount,
      Long maxAmount,
      List<String> paymentMethodTypes,
      List<String> countries,
      List<String> merchants,
      Map<String, String> metadata) {

    public When {
      currencies = currencies == null ? List.of() : List.copyOf(currencies);
      paymentMethodTypes = paymentMethodTypes == null ? List.of() : List.copyOf(paymentMethodTypes);
      countries = countries == null ? List.of() : List.copyOf(countries);
      merchants = merchants == null ? List.of() : List.copyOf(merchants);
      metadata = metadata == null ? Map.of() : new LinkedHashMap<>(metadata);
    }
  }

  /**
   * The action of a rule: exactly one of the three.
   *
   * @param provider  one provider
   * @param providers a priority list
   * @param split     provider to weight (a positive integer)
   */
  public record Then(String provider, List<String> providers, Map<String, Integer> split) {

    public Then {
      providers = providers == null ? List.of() : List.copyOf(providers);
      split = split == null ? Map.of() : new LinkedHashMap<>(split);
    }
  }

  /** The scoreboard these settings describe; fails with a clear message on impossible settings. */
  public ProviderScoreboard toScoreboard() {
    List<String> problems = new ArrayList<>();
    checkSuccessRate(problems);
    failOn(problems);
    return new ProviderScoreboard(successRate.window(), successRate.minimumCalls());
  }

  /**
   * The policy for these providers (in declaration order); fails listing every problem: unknown providers, rules
   * without a name or with other than one action, weights not above zero, min amount above max, exploration outside
   * 0..1, and the like.
   */
  public RoutingPolicy toPolicy(List<String> providers) {
    List<String> problems = new ArrayList<>();
    if (maxAttempts < 1) {
      problems.add(PREFIX + ".max-attempts must be >= 1, was " + maxAttempts);
    }
    checkSuccessRate(problems);
    List<String> defaults = defaultList(providers, problems);
    List<RoutingRule> built = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < rules.size(); i++) {
      RoutingRule rule = toRule(PREFIX + ".rules[" + i + "]", null, rules.get(i), providers, names, problems);
      if (rule != null) {
        built.add(rule);
      }
    }
    failOn(problems);
    return new RoutingPolicy(built, defaults, maxAttempts);
  }

  private void checkSuccessRate(List<String> problems) {
    if (successRate.window() < 1) {
      problems.add(PREFIX + ".success-rate.window must be >= 1, was " + successRate.window());
    } else if (successRate.minimumCalls() < 1 || successRate.minimumCalls() > successRate.window()) {
      problems.add(PREFIX + ".success-rate.minimum-calls must be between 1 and the window (" + successRate.window()
          + "), was " + successRate.minimumCalls());
    }
  }

  private List<String> defaultList(List<String> providers, List<String> problems) {
    if (!defaultProviders.isEmpty() && !order.isEmpty() && !defaultProviders.equals(order)) {
      problems.add(PREFIX + ".default " + defaultProviders + " and its former name " + PREFIX + ".order " + order
          + " disagree; set only " + PREFIX + ".default");
    }
    List<String> configured = defaultProviders.isEmpty() ? order : defaultProviders;
    String key = defaultProviders.isEmpty() && !order.isEmpty() ? PREFIX + ".order" : PREFIX + ".default";
    checkKnown(key, configured, providers, problems);
    return configured.isEmpty() ? providers : configured;
  }

  /**
   * One rule of a merchant's own (the same format as {@code rules}), named {@code namePrefix + name} so that it is
   * told apart from the global rules on the attempts it routes; {@code names} are the names taken so far, without
   * the prefix. Null when it has a problem; each is added to {@code problems}, starting with {@code path}.
   */
  public static RoutingRule merchantRule(String path, String namePrefix, Rule rule, List<String> providers,
      Set<String> names, List<String> problems) {
    return toRule(path, namePrefix, rule, providers, names, problems);
  }

  private static RoutingRule toRule(String at, String namePrefix, Rule rule, List<String> providers,
      Set<String> names, List<String> problems) {
    String name = rule.name() == null || rule.name().isBlank() ? null : rule.name().strip();
    String path = at + (name == null ? "" : " (" + name + ")");
    int before = problems.size();
    if (name == null) {
      problems.add(path + ": name is required (it is recorded on the attempts the rule routes)");
    } else if (name.equals(RouteOptions.DEFAULT_RULE)) {
      problems.add(path + ": the name '" + RouteOptions.DEFAULT_RULE + "' is reserved for the default list");
    } else if (!names.add(name)) {
      problems.add(path + ": another rule has the same name");
    }
    List<RuleCondition> conditions = conditions(path, rule.when(), problems);
    RuleAction action = action(path, rule.then(), providers, problems);
    checkKnown(path + ".fallback", rule.fallback(), providers, problems);
    CandidateOrder order = order(path, rule, action, problems);
    return problems.size() == before
        ? new RoutingRule(namePrefix == null ? name : namePrefix + name, conditions, action, rule.fallback(), order)
        : null;
  }

  private static List<RuleCondition> conditions(String path, When when, List<String> problems) {
    List<RuleCondition> conditions = new ArrayList<>();
    if (when == null) {
      return conditions;
    }
    String at = path + ".when.";
    if (!when.currencies().isEmpty() && wellFormed(at + "currencies", when.currencies(), CURRENCY,
        "a 3-letter ISO-4217 code", problems)) {
      conditions.add(new RuleCondition.CurrencyIn(new LinkedHashSet<>(when.currencies())));
    }
    Long min = when.minAmount();
    Long max = when.maxAmount();
    if (min != null && max != null && min > max) {
      problems.add(at + "min-amount " + min + " is above max-amount " + max);
    } else if (min != null || max != null) {
      conditions.add(new RuleCondition.AmountBetween(
          min == null ? Long.MIN_VALUE : min, max == null ? Long.MAX_VALUE : max));
    }
    if (!when.paymentMethodTypes().isEmpty() && wellFormed(at + "payment-method-types", when.paymentMethodTypes(),
        ANY_TEXT, "a payment method type", problems)) {
      conditions.add(new RuleCondition.PaymentMethodTypeIn(new LinkedHashSet<>(when.paymentMethodTypes())));
    }
    if (!when.countries().isEmpty() && wellFormed(at + "countries", when.countries(), COUNTRY,
        "a 2-letter ISO 3166-1 code", problems)) {
      conditions.add(new RuleCondition.CountryIn(new LinkedHashSet<>(when.countries())));
    }
    if (!when.merchants().isEmpty() && wellFormed(at + "merchants", when.merchants(), ANY_TEXT, "a merchant id",
        problems)) {
      conditions.add(new RuleCondition.MerchantIn(new LinkedHashSet<>(when.merchants())));
    }
    if (!when.metadata().isEmpty() && wellFormed(at + "metadata", List.copyOf(when.metadata().keySet()), ANY_TEXT,
        "a metadata key", problems)) {
      conditions.add(new RuleCondition.MetadataMatches(when.metadata()));
    }
    return conditions;
  }

  private static RuleAction action(String path, Then then, List<String> providers, List<String> problems) {
    boolean single = then != null && then.provider() != null && !then.provider().isBlank();
    boolean list = then != null && !then.providers().isEmpty();
    boolean split = then != null && !then.split().isEmpty();
    List<String> given = new ArrayList<>();
    if (single) {
      given.add("provider");
    }
    if (list) {
      given.add("providers");
    }
    if (split) {
      given.add("split");
    }
    if (given.size() != 1) {
      problems.add(path + ".then needs exactly one of provider, providers or split; "
          + (given.isEmpty() ? "found none" : "found " + String.join(" and ", given)));
      return null;
    }
    int before = problems.size();
    if (single) {
      checkKnown(path + ".then.provider", List.of(then.provider()), providers, problems);
      return problems.size() == before ? new RuleAction.SingleProvider(then.provider()) : null;
    }
    if (list) {
      checkKnown(path + ".then.providers", then.providers(), providers, problems);
      return problems.size() == before ? new RuleAction.PriorityList(then.providers()) : null;
    }
    checkKnown(path + ".then.split", then.split().keySet(), providers, problems);
    then.split().forEach((provider, weight) -> {
      if (weight == null || weight <= 0) {
        problems.add(path + ".then.split." + provider + ": weight must be > 0, was " + weight);
      }
    });
    return problems.size() == before ? new RuleAction.WeightedSplit(then.split()) : null;
  }

  private static CandidateOrder order(String path, Rule rule, RuleAction action, List<String> problems) {
    Double exploration = rule.exploration();
    if (!rule.orderBySuccessRate()) {
      if (exploration != null) {
        problems.add(path + ".exploration only applies with order-by-success-rate: true");
      }
      return new CandidateOrder.AsConfigured();
    }
    if (action instanceof RuleAction.WeightedSplit) {
      problems.add(path + ": a split cannot be ordered by success rate (the best provider would always come first "
          + "and undo the split); use providers with order-by-success-rate instead");
    }
    double share = exploration == null ? DEFAULT_EXPLORATION : exploration;
    if (!(share >= 0 && share <= 1)) {
      problems.add(path + ".exploration must be between 0 and 1, was " + exploration);
      return null;
    }
    return new CandidateOrder.BySuccessRate(share);
  }

  private static void checkKnown(
      String key, Collection<String> named, List<String> providers, List<String> problems) {
    for (String provider : named) {
      if (!providers.contains(provider)) {
        problems.add(key + " names unknown provider '" + provider + "'; configured providers: " + providers);
      }
    }
  }

  private static boolean wellFormed(
      String key, List<String> values, Pattern shape, String expected, List<String> problems) {
    boolean wellFormed = true;
    for (String value : values) {
      if (value == null || !shape.matcher(value).matches()) {
        problems.add(key + ": '" + value + "' is not " + expected);
        wellFormed = false;
      }
    }
    return wellFormed;
  }

  private static void failOn(List<String> problems) {
    if (!problems.isEmpty()) {
      throw new IllegalStateException("Invalid routing configuration:\n  - " + String.join("\n  - ", problems));
    }
  }
}
