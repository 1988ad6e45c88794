package dev.paymentrouter.deploy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough of PromQL to find what a dashboard's or an alert's expression asks Prometheus for: the metric names
 * and, per metric, the label matchers. Not a parser: it strips what cannot be a metric (strings, ranges, grouping
 * clauses, function calls, keywords, numbers) and takes what is left.
 */
final class PromQl {

  /** A label matcher of one selector: {@code provider="alpha"} is (provider, =, alpha). */
  record LabelMatcher(String metric, String label, String operator, String value) {}

  private static final Pattern SELECTOR = Pattern.compile(
      "([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*\\{([^}]*)}");
  private static final Pattern LABEL_MATCHER = Pattern.compile(
      "([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"([^\"]*)\"");
  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
      "group_left", "group_right", "bool", "offset");

  private PromQl() {}

  /** The metric names an expression reads. */
  static Set<String> metricNames(String expression) {
    String stripped = expression
        .replaceAll("\\{[^}]*}", " ")
        .replaceAll("\\[[^]]*]", " ")
        .replaceAll("\"[^\"]*\"", " ")
        .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
        .replaceAll("[a-zA-Z_][a-zA-Z0-9_]*\\s*\\(", " (");
    Set<String> names = new LinkedHashSet<>();
    Matcher identifiers = IDENTIFIER.matcher(stripped);
    while (identifiers.find()) {
      String identifier = identifiers.group();
      if (!KEYWORDS.contains(identifier) && !identifier.matches("(?i)inf|nan")) {
        names.add(identifier);
      }
    }
    return names;
  }

  /** The label matchers of every selector with a metric name. */
  static List<LabelMatcher> matchers(String expression) {
    List<LabelMatcher> found = new ArrayList<>();
    Matcher selectors = SELECTOR.matcher(expression);
    while (selectors.find()) {
      Matcher labels = LABEL_MATCHER.matcher(selectors.group(2));
      while (labels.find()) {
        found.add(new LabelMatcher(selectors.group(1), labels.group(1), labels.group(2), labels.group(3)));
      }
    }
    return found;
  }
}
