package dev.paymentrouter.bench.jmh;

import dev.paymentrouter.intent.domain.RouteOptions;
import dev.paymentrouter.routing.domain.CandidateOrder;
import dev.paymentrouter.routing.domain.HealthSnapshot;
import dev.paymentrouter.routing.domain.ProviderAvailability;
import dev.paymentrouter.routing.domain.RoutingPolicy;
import dev.paymentrouter.routing.domain.RoutingRequest;
import dev.paymentrouter.routing.domain.RoutingRule;
import dev.paymentrouter.routing.domain.RuleAction;
import dev.paymentrouter.routing.domain.RuleCondition;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code RoutingPolicy.route} with the rule set of the README's Routing section plus the benchmark's own
 * {@code sick} lane rule, for intents that fall through every rule to the default list, that hit the weighted
 * split, and that hit the success-rate ordered rule with exploration. Routing runs at every create and after every
 * provider outcome, so it is on every intent's path twice.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RoutingPolicyBenchmark {

  /** Which rule the intent ends up with. */
  @Param({"default", "split", "successRate"})
  public String match;

  private RoutingPolicy policy;
  private HealthSnapshot health;
  private RoutingRequest request;

  @Setup
  public void setUp() {
    policy = new RoutingPolicy(List.of(
        new RoutingRule("sick", List.of(new RuleCondition.MetadataMatches(Map.of("lane", "sick"))),
            new RuleAction.SingleProvider("gamma"), List.of()),
        new RoutingRule("big-eur-cards", List.of(
            new RuleCondition.CurrencyIn(Set.of("EUR")),
            RuleCondition.AmountBetween.atLeast(100_000),
            new RuleCondition.PaymentMethodTypeIn(Set.of("card")),
            new RuleCondition.CountryIn(Set.of("DE", "AT"))),
            new RuleAction.PriorityList(List.of("beta", "alpha")), List.of()),
        new RoutingRule("usd-split", List.of(new RuleCondition.CurrencyIn(Set.of("USD"))),
            new RuleAction.WeightedSplit(Map.of("alpha", 70, "gamma", 30)), List.of("beta")),
        new RoutingRule("vip", List.of(
            new RuleCondition.MerchantIn(Set.of("merchant_vip")),
            new RuleCondition.MetadataMatches(Map.of("tier", "gold"))),
            new RuleAction.SingleProvider("gamma"), List.of("alpha"), new CandidateOrder.BySuccessRate(0.05))),
        List.of("alpha", "beta", "gamma"), 3);
    health = new HealthSnapshot(
        Map.of("alpha", ProviderAvailability.AVAILABLE, "beta", ProviderAvailability.AVAILABLE,
            "gamma", ProviderAvailability.PROBING),
        Map.of("alpha", 0.99, "beta", 0.97, "gamma", 0.80));
    String id = "pi_01M8EA1VSR4Q5WA3CSZWDD073M";
    request = switch (match) {
      case "default" -> new RoutingRequest(id, "merchant_demo", 1299, "EUR", "card", "DE", Map.of("lane", "main"));
      case "split" -> new RoutingRequest(id, "merchant_demo", 1299, "USD", "card", "US", Map.of("lane", "main"));
      case "successRate" -> new RoutingRequest(id, "merchant_vip", 1299, "GBP", "card", "GB",
          Map.of("lane", "main", "tier", "gold"));
      default -> throw new IllegalArgumentException(match);
    };
  }

  @Benchmark
  public RouteOptions route() {
    return policy.route(request, health);
  }
}
