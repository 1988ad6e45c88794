package dev.paymentrouter.intent.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What routing offers the intent at one moment: providers in the order to try, how many attempts an intent may
 * make in all, and the name of the rule that chose them (recorded on the attempt, so an operator can see why a
 * provider was chosen). The intent itself skips providers it already tried.
 *
 * <p>For waiting instead of failing when only the router itself stands in the way, it also says which of the rule's
 * providers the router holds back at this moment (its breaker open, its bucket empty, its pool full, its supervisor
 * restarting) with the earliest moment each can take a call, and how long an intent may wait for one in all. A
 * provider of the rule that is neither a candidate nor held back has no known moment: it is not waited for.
 *
 * @param candidates  providers that may be tried, best first (unavailable ones left out)
 * @param maxAttempts attempts that reach a provider an intent may make in all; the router's own refusals do not count
 * @param rule        the rule that chose them
 * @param heldBack    providers of the rule the router itself would refuse now, and when each can take a call
 * @param maxPark     how long an intent may wait for a held-back provider; zero: it never waits
 * @param skipped     providers of the rule left out because the intent's payment method cannot be charged there,
 *                    with why ({@code no_token}, {@code token_not_usable}); recorded on the attempt
 * @param noneUsable  whether that left out every provider of the rule: no wait and no retry can help, the payment
 *                    method itself must change
 */
public record RouteOptions(
    List<String> candidates,
    int maxAttempts,
    String rule,
    Map<String, Instant> heldBack,
    Duration maxPark,
    Map<String, String> skipped,
    boolean noneUsable) {

  /** The name recorded when no rule matched and the default list was used. */
  public static final String DEFAULT_RULE = "default";

  public RouteOptions {
    candidates = List.copyOf(candidates);
    rule = rule == null ? DEFAULT_RULE : rule;
    heldBack = heldBack == null ? Map.of() : Map.copyOf(heldBack);
    maxPark = maxPark == null ? Duration.ZERO : maxPark;
    // By provider name, so that answers and the trail show them in one order.
    skipped = skipped == null || skipped.isEmpty()
        ? Map.of()
        : Collections.unmodifiableSortedMap(new TreeMap<>(skipped));
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1");
    }
    if (maxPark.isNegative()) {
      throw new IllegalArgumentException("maxPark must not be negative");
    }
  }

  /** Options chosen by a rule, with nothing held back and no waiting. */
  public RouteOptions(List<String> candidates, int maxAttempts, String rule) {
    this(candidates, maxAttempts, rule, Map.of(), Duration.ZERO, Map.of(), false);
  }

  /** Options chosen by the default list. */
  public RouteOptions(List<String> candidates, int maxAttempts) {
    this(candidates, maxAttempts, DEFAULT_RULE);
  }

  /** The same options, with what the router holds back now and how long an intent may wait for it. */
  public RouteOptions withParking(Map<String, Instant> held, Duration maxWait) {
    return new RouteOptions(candidates, maxAttempts, rule, held, maxWait, skipped, noneUsable);
  }

  /**
   * The same options without the providers that cannot charge the intent's payment method ({@code unusable}: provider
   * to why), which are recorded as skipped; {@code ruleProviders} are all the rule's providers, available or not.
   */
  public RouteOptions withoutUnusable(Map<String, String> unusable, List<String> ruleProviders) {
    if (unusable.isEmpty()) {
      return this;
    }
    Map<String, String> skippedNow = new LinkedHashMap<>();
    for (String provider : ruleProviders) {
      String why = unusable.get(provider);
      if (why != null) {
        skippedNow.put(provider, why);
      }
    }
    Map<String, Instant> stillHeld = new HashMap<>(heldBack);
    stillHeld.keySet().removeAll(unusable.keySet());
    return new RouteOptions(candidates.stream().filter(provider -> !unusable.containsKey(provider)).toList(),
        maxAttempts, rule, stillHeld, maxPark, skippedNow,
        !ruleProviders.isEmpty() && skippedNow.size() == ruleProviders.size());
  }

  /** Whether the router would let a call go to this provider at {@code at}. */
  boolean readyAt(String provider, Instant at) {
    Instant ready = heldBack.get(Objects.requireNonNull(provider));
    return ready == null || !ready.isAfter(at);
  }
}
