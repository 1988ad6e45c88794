package dev.paymentrouter.intent.domain;

import java.util.List;

/**
 * What routing offers the intent at one moment: providers in the order to try, and how many attempts an intent
 * may make in all. The intent itself skips providers it already tried.
 */
public record RouteOptions(List<String> candidates, int maxAttempts) {

  public RouteOptions {
    candidates = List.copyOf(candidates);
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1");
    }
  }
}
