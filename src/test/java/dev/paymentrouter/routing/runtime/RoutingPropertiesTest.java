package dev.paymentrouter.routing.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paymentrouter.intent.domain.RouteOptions;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.provider.runtime.ProviderDirectory;
import dev.paymentrouter.provider.runtime.ProviderScoreboard;
import dev.paymentrouter.routing.domain.CandidateOrder;
import dev.paymentrouter.routing.domain.HealthSnapshot;
import dev.paymentrouter.routing.domain.ProviderAvailability;
import dev.paymentrouter.routing.domain.RoutingPolicy;
import dev.paymentrouter.routing.domain.RoutingRequest;
import dev.paymentrouter.routing.domain.RoutingRule;
import dev.paymentrouter.routing.domain.RuleAction;
import dev.paymentrouter.routing.domain.RuleCondition;
import dev.paymentrouter.testsupport.TestProviders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.ClassPathResource;

class RoutingPropertiesTest {

  static final List<String> PROVIDERS = List.of("alpha", "beta", "gamma");
  static final HealthSnapshot ALL_AVAILABLE = new HealthSnapshot(Map.of(
      "alpha", ProviderAvailability.AVAILABLE, "beta", ProviderAvailability.AVAILABLE,
      "gamma", ProviderAvailability.AVAILABLE));

  @Test
  void theReadmeExampleBindsToThePolicyItDescribes() throws IOException {
    RoutingProperties properties = bindYaml("routing/example.yml");
    RoutingPolicy policy = properties.toPolicy(PROVIDERS);

    assertThat(policy.maxAttempts()).isEqualTo(3);
    assertThat(policy.defaultProviders()).containsExactly("alpha", "beta", "gamma");
    assertThat(properties.successRate()).isEqualTo(new RoutingProperties.SuccessRate(100, 20));
    assertThat(policy.rules()).containsExactly(
        new RoutingRule("big-eur-cards",
            List.of(new RuleCondition.CurrencyIn(Set.of("EUR")), RuleCondition.AmountBetween.atLeast(100_000),
                new RuleCondition.PaymentMethodTypeIn(Set.of("card")), new RuleCondition.CountryIn(Set.of("DE", "AT"))),
            new RuleAction.PriorityList(List.of("beta", "alpha")), List.of()),
        new RoutingRule("usd-split", List.of(new RuleCondition.CurrencyIn(Set.of("USD"))),
            new RuleAction.WeightedSplit(Map.of("alpha", 70, "gamma", 30)), List.of("beta")),
        new RoutingRule("vip",
            List.of(new RuleCondition.MerchantIn(Set.of("merchant_vip")),
                new RuleCondition.MetadataMatches(Map.of("tier", "gold"))),
            new RuleAction.SingleProvider("gamma"), List.of("alpha"), new CandidateOrder.BySuccessRate(0.05)));

    RouteOptions vip = policy.route(
        new RoutingRequest("pi_1", "merchant_vip", 500, "EUR", "card", null, Map.of("tier", "gold")), ALL_AVAILABLE);
    assertThat(vip.rule()).isEqualTo("vip");
  }

  @Test
  void theReadmeShowsTheExampleThatIsTestedHere() throws IOException {
    String example = new ClassPathResource("routing/example.yml").getContentAsString(StandardCharsets.UTF_8);
    String withoutHeader = example.substring(example.indexOf("payment-router:"));
    assertThat(Files.readString(Path.of("README.md"))).contains(withoutHeader);
  }

  @Test
  void appliesDefaultsWhenNothingIsConfigured() {
    RoutingProperties properties = bind(Map.of());
    assertThat(properties.maxAttempts()).isEqualTo(3);
    assertThat(properties.successRate()).isEqualTo(new RoutingProperties.SuccessRate(100, 20));
    RoutingPolicy policy = properties.toPolicy(List.of("gamma", "alpha"));
    assertThat(policy.rules()).isEmpty();
    // No default list: the providers in the order they are declared.
    assertThat(policy.defaultProviders()).containsExactly("gamma", "alpha");
  }

  @Test
  void stillAcceptsTheFormerKeyOrderForTheDefaultList() {
    RoutingPolicy policy = bind(Map.of("order", "beta,alpha")).toPolicy(PROVIDERS);
    assertThat(policy.defaultProviders()).containsExactly("beta", "alpha");
    // Both keys saying the same is no conflict.
    assertThat(bind(Map.of("order", "beta,alpha", "default", "beta,alpha")).toPolicy(PROVIDERS).defaultProviders())
        .containsExactly("beta", "alpha");
  }

  @Test
  void aRuleOrderedBySuccessRateExploresFivePercentUnlessToldOtherwise() {
    RoutingPolicy policy = bind(Map.of(
        "rules[0].name", "best", "rules[0].then.providers", "alpha,beta", "rules[0].order-by-success-rate", "true"))
        .toPolicy(PROVIDERS);
    assertThat(policy.rules().getFirst().order()).isEqualTo(new CandidateOrder.BySuccessRate(0.05));
  }

  @Test
  void bindsAnAmountRangeAndMetadataThatOnlyAsksForAKey() {
    RoutingPolicy policy = bind(Map.of(
        "rules[0].name", "mid", "rules[0].then.provider", "beta",
        "rules[0].when.min-amount", "1000", "rules[0].when.max-amount", "5000",
        "rules[0].when.metadata.channel", "*")).toPolicy(PROVIDERS);
    assertThat(policy.rules().getFirst().conditions()).containsExactly(
        new RuleCondition.AmountBetween(1000, 5000), new RuleCondition.MetadataMatches(Map.of("channel", "*")));
  }

  static Stream<Arguments> refusesAnInvalidConfigurationNamingTheMistake() {
    return Stream.of(
        invalid("unknown provider in the default list", Map.of("default", "alpha,omega"),
            "payment-router.routing.default names unknown provider 'omega'; "
                + "configured providers: [alpha, beta, gamma]"),
        invalid("unknown provider under the former key", Map.of("order", "omega"),
            "payment-router.routing.order names unknown provider 'omega'"),
        invalid("default and order disagree", Map.of("default", "alpha", "order", "beta"),
            "disagree; set only payment-router.routing.default"),
        invalid("unknown single provider", rule("then.provider", "omega"),
            "rules[0] (r).then.provider names unknown provider 'omega'"),
        invalid("unknown provider in a priority list", rule("then.providers", "alpha,omega"),
            "rules[0] (r).then.providers names unknown provider 'omega'"),
        invalid("unknown provider in a split", rule("then.split.omega", "10"),
            "rules[0] (r).then.split names unknown provider 'omega'"),
        invalid("unknown fallback", rule("then.provider", "alpha", "fallback", "omega"),
            "rules[0] (r).fallback names unknown provider 'omega'"),
        invalid("no action", rule("when.currencies", "EUR"),
            "rules[0] (r).then needs exactly one of provider, providers or split; found none"),
        invalid("two actions", rule("then.provider", "alpha", "then.split.beta", "1"),
            "rules[0] (r).then needs exactly one of provider, providers or split; found provider and split"),
        invalid("zero weight", rule("then.split.alpha", "70", "then.split.beta", "0"),
            "rules[0] (r).then.split.beta: weight must be > 0, was 0"),
        invalid("negative weight", rule("then.split.alpha", "-1"),
            "rules[0] (r).then.split.alpha: weight must be > 0, was -1"),
        invalid("min above max", rule("then.provider", "alpha", "when.min-amount", "500", "when.max-amount", "100"),
            "rules[0] (r).when.min-amount 500 is above max-amount 100"),
        invalid("exploration above one", rule("then.provider", "alpha", "order-by-success-rate", "true",
            "exploration", "1.5"), "rules[0] (r).exploration must be between 0 and 1, was 1.5"),
        invalid("negative exploration", rule("then.provider", "alpha", "order-by-success-rate", "true",
            "exploration", "-0.1"), "rules[0] (r).exploration must be between 0 and 1, was -0.1"),
        invalid("exploration without ordering", rule("then.provider", "alpha", "exploration", "0.1"),
            "rules[0] (r).exploration only applies with order-by-success-rate: true"),
        invalid("split ordered by success rate", rule("then.split.alpha", "1", "order-by-success-rate", "true"),
            "rules[0] (r): a split cannot be ordered by success rate"),
        invalid("currency of the wrong shape", rule("then.provider", "alpha", "when.currencies", "EURO"),
            "rules[0] (r).when.currencies: 'EURO' is not a 3-letter ISO-4217 code"),
        invalid("country of the wrong shape", rule("then.provider", "alpha", "when.countries", "DEU"),
            "rules[0] (r).when.countries: 'DEU' is not a 2-letter ISO 3166-1 code"),
        invalid("rule without a name", Map.of("rules[0].then.provider", "alpha"),
            "payment-router.routing.rules[0]: name is required"),
        invalid("rule named default", Map.of("rules[0].name", "default", "rules[0].then.provider", "alpha"),
            "rules[0] (default): the name 'default' is reserved for the default list"),
        invalid("two rules of one name", Map.of("rules[0].name", "r", "rules[0].then.provider", "alpha",
            "rules[1].name", "r", "rules[1].then.provider", "beta"), "rules[1] (r): another rule has the same name"),
        invalid("no attempt allowed", Map.of("max-attempts", "0"),
            "payment-router.routing.max-attempts must be >= 1, was 0"),
        invalid("empty success-rate window", Map.of("success-rate.window", "0"),
            "payment-router.routing.success-rate.window must be >= 1, was 0"),
        invalid("minimum beyond the window", Map.of("success-rate.window", "10", "success-rate.minimum-calls", "11"),
            "payment-router.routing.success-rate.minimum-calls must be between 1 and the window (10), was 11"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void refusesAnInvalidConfigurationNamingTheMistake(String mistake, Map<String, String> properties, String message) {
    assertThatThrownBy(() -> bind(properties).toPolicy(PROVIDERS))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("Invalid routing configuration:")
        .hasMessageContaining(message);
  }

  @Test
  void listsEveryMistakeAtOnce() {
    assertThatThrownBy(() -> bind(Map.of(
        "default", "omega",
        "rules[0].name", "a", "rules[0].then.split.alpha", "0",
        "rules[1].name", "b")).toPolicy(PROVIDERS))
        .hasMessageContaining("default names unknown provider 'omega'")
        .hasMessageContaining("rules[0] (a).then.split.alpha: weight must be > 0")
        .hasMessageContaining("rules[1] (b).then needs exactly one");
  }

  @Test
  void refusesAScoreboardThatCouldNeverReportARate() {
    assertThatThrownBy(() -> bind(Map.of("success-rate.minimum-calls", "200")).toScoreboard())
        .hasMessageContaining("payment-router.routing.success-rate.minimum-calls must be between 1 and the window");
  }

  @Test
  void theApplicationRefusesToStartWithAnInvalidRuleAndSaysWhy() {
    contextRunner()
        .withPropertyValues("payment-router.routing.rules[0].name=eu",
            "payment-router.routing.rules[0].then.provider=omega")
        .run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure()).rootCause()
              .hasMessageContaining(
                  "payment-router.routing.rules[0] (eu).then.provider names unknown provider 'omega'");
        });
  }

  @Test
  void theApplicationBuildsThePolicyAndTheScoreboardFromItsProperties() {
    contextRunner()
        .withPropertyValues("payment-router.routing.default=gamma,alpha",
            "payment-router.routing.success-rate.window=50", "payment-router.routing.success-rate.minimum-calls=2",
            "payment-router.routing.rules[0].name=gold", "payment-router.routing.rules[0].when.metadata.tier=gold",
            "payment-router.routing.rules[0].then.provider=beta")
        .run(context -> {
          assertThat(context).hasNotFailed();
          RoutingPolicy policy = context.getBean(RoutingPolicy.class);
          assertThat(policy.defaultProviders()).containsExactly("gamma", "alpha");
          assertThat(policy.rules()).extracting(RoutingRule::name).containsExactly("gold");
          ProviderScoreboard scoreboard = context.getBean(ProviderScoreboard.class);
          scoreboard.record("beta", new ProviderOutcome.Approved("ch_1"));
          assertThat(scoreboard.successRate("beta")).isEmpty();
          scoreboard.record("beta", new ProviderOutcome.Unknown("timeout"));
          assertThat(scoreboard.successRate("beta")).hasValue(0.5);
        });
  }

  private static ApplicationContextRunner contextRunner() {
    return new ApplicationContextRunner()
        .withUserConfiguration(RoutingConfiguration.class)
        .withBean(ProviderDirectory.class, () -> TestProviders.directory("alpha", "beta", "gamma"));
  }

  private static Arguments invalid(String mistake, Map<String, String> properties, String message) {
    return Arguments.of(mistake, properties, message);
  }

  /** Properties of one rule named {@code r}, from key-value pairs relative to the rule. */
  private static Map<String, String> rule(String... keysAndValues) {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("rules[0].name", "r");
    for (int i = 0; i < keysAndValues.length; i += 2) {
      properties.put("rules[0]." + keysAndValues[i], keysAndValues[i + 1]);
    }
    return properties;
  }

  private static RoutingProperties bind(Map<String, String> relative) {
    Map<String, String> properties = new LinkedHashMap<>();
    relative.forEach((key, value) -> properties.put(RoutingProperties.PREFIX + "." + key, value));
    return new Binder(new MapConfigurationPropertySource(properties))
        .bindOrCreate(RoutingProperties.PREFIX, RoutingProperties.class);
  }

  private static RoutingProperties bindYaml(String resource) throws IOException {
    return new Binder(ConfigurationPropertySources.from(
        new YamlPropertySourceLoader().load(resource, new ClassPathResource(resource))))
        .bindOrCreate(RoutingProperties.PREFIX, RoutingProperties.class);
  }
}
