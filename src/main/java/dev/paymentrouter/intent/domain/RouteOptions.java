package dev.paymentrouter.intent.domain;

import java.util.List;

/**
 * What routing offers the intent at one moment: providers in the order to try, how many attempts an intent may
 * make in all, and the name of the rule that chose them (recorded on the attempt, so an operator can see why a
 * provider was chosen). The intent itself skips providers it already tried.
 */
public record RouteOptions(List<String> candidates, int maxAttempts, String rule) {

  /** The name recorded when no rule matched and the default list was used. */
  public static final String DEFAULT_RULE = "default";

  public RouteOptions {
    candidates = List.copyOf(candidates);
    rule = rule == null ? DEFAULT_RULE : rule;
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1");
    }
  }

  /** Options chosen by the default list. */
  public RouteOptions(List<String> candidates, int maxAttempts) {
    this(candidates, maxAttempts, DEFAULT_RULE);
  }
}
