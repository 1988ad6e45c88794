package dev.paymentrouter.operations;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;

/**
 * Operator credentials under {@code payment-router.operator}: one bearer token per operator,
 * {@code tokens.<name>=<token>}, so that every operator action is recorded with the name of who acted.
 *
 * @param tokens       operator name to token; names are 1-64 lower-case letters, digits, {@code .}, {@code _} or
 *                     {@code -} (they go into logs and the intents' trail), tokens at least 24 characters
 * @param controlsPoll how often every replica reads the provider controls operators set (drain, forced breaker);
 *                     the replica that took an action applies it at once, the others within this interval
 */
@ConfigurationProperties(OperatorProperties.PREFIX)
public record OperatorProperties(Map<String, String> tokens, Duration controlsPoll) {

  static final String PREFIX = "payment-router.operator";
  /** Shorter tokens are refused at start-up: a guessable operator credential is worse than none. */
  static final int MIN_TOKEN_LENGTH = 24;
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  static final Duration DEFAULT_CONTROLS_POLL = Duration.ofSeconds(2);

  @ConstructorBinding
  public OperatorProperties {
    tokens = tokens == null ? Map.of() : new TreeMap<>(tokens);
    if (controlsPoll == null) {
      controlsPoll = DEFAULT_CONTROLS_POLL;
    }
    if (controlsPoll.isNegative() || controlsPoll.isZero()) {
      throw new IllegalStateException(PREFIX + ".controls-poll: must be positive, is " + controlsPoll);
    }
  }

  /** Tokens, and the default poll interval. */
  public OperatorProperties(Map<String, String> tokens) {
    this(tokens, null);
  }

  /** The tokens to check requests against; fails listing every bad name and every token that is too short. */
  OperatorTokens toTokens() {
    List<String> problems = new ArrayList<>();
    tokens.forEach((name, token) -> {
      String path = PREFIX + ".tokens." + name;
      if (!NAME.matcher(name).matches()) {
        problems.add(path + ": the operator name must be 1-64 lower-case letters, digits, '.', '_' or '-'");
      }
      if (token == null || token.strip().length() < MIN_TOKEN_LENGTH) {
        problems.add(path + ": the token must have at least " + MIN_TOKEN_LENGTH + " characters, has "
            + (token == null ? 0 : token.strip().length()));
      }
    });
    if (!problems.isEmpty()) {
      throw new IllegalStateException("Invalid operator configuration:\n  - " + String.join("\n  - ", problems));
    }
    Map<String, String> stripped = new TreeMap<>();
    tokens.forEach((name, token) -> stripped.put(name, token.strip()));
    return new OperatorTokens(stripped);
  }

  /** The operators' names, after the same check as at start-up (which fails listing every problem). */
  public List<String> checkedOperators() {
    return toTokens().operators();
  }

  /** Names only: tokens never reach a log. */
  @Override
  public String toString() {
    return "OperatorProperties[operators=" + tokens.keySet() + "]";
  }
}
