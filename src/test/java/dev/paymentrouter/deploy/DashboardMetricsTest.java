package dev.paymentrouter.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.deploy.PromQl.LabelMatcher;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import dev.paymentrouter.testsupport.TightInboundLimits;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/**
 * The dashboard and the alerts ask Prometheus only for what the application exports: every metric name, label and
 * literal label value in their queries appears in a scrape of a running router's {@code /actuator/prometheus}. A
 * panel or an alert on a metric that does not exist stays empty or silent without anyone noticing.
 */
@Import(TightInboundLimits.class)
class DashboardMetricsTest extends RouterIntegrationTest {

  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)})? .*$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** Metric name to label name to the values seen. */
  private final Map<String, Map<String, Set<String>>> scraped = new LinkedHashMap<>();

  @BeforeEach
  void scrape() {
    // Per-merchant meters exist once a merchant has had traffic: one that gets answered and one throttled.
    String key = newMerchant(TightInboundLimits.PREFIX + System.nanoTime());
    for (int i = 0; i < 3; i++) {
      client.get().uri("/v1/payment-intents").header(HttpHeaders.AUTHORIZATION, "Bearer " + key).exchange();
    }
    String body = management.get().uri("/actuator/prometheus").accept(MediaType.TEXT_PLAIN).exchange()
        .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
    for (String line : body.split("\n")) {
      Matcher sample = SAMPLE.matcher(line);
      if (line.startsWith("#") || !sample.matches()) {
        continue;
      }
      Map<String, Set<String>> labels = scraped.computeIfAbsent(sample.group(1), name -> new LinkedHashMap<>());
      if (sample.group(3) != null) {
        Matcher label = LABEL.matcher(sample.group(3));
        while (label.find()) {
          labels.computeIfAbsent(label.group(1), name -> new LinkedHashSet<>()).add(label.group(2));
        }
      }
    }
  }

  @Test
  void everyMetricTheDashboardAndTheAlertsQueryIsOneTheApplicationExports() {
    RenderedChart chart = RenderedChart.with(HelmChartProductionValuesTest.VALUES);
    List<String> expressions = ChartMonitoring.expressions(chart);
    assertThat(expressions).hasSizeGreaterThan(10);
    List<String> missing = new ArrayList<>();
    for (String expression : expressions) {
      Set<String> names = PromQl.metricNames(expression);
      assertThat(names).as(expression).isNotEmpty();
      names.stream().filter(name -> !scraped.containsKey(name))
          .forEach(name -> missing.add(name + " in " + expression));
    }
    assertThat(missing).as("metrics not in the scrape").isEmpty();
  }

  @Test
  void everyLabelAndLiteralValueTheyMatchOnIsOneTheApplicationExports() {
    RenderedChart chart = RenderedChart.with(HelmChartProductionValuesTest.VALUES);
    List<String> missing = new ArrayList<>();
    for (String expression : ChartMonitoring.expressions(chart)) {
      for (LabelMatcher matcher : PromQl.matchers(expression)) {
        Map<String, Set<String>> labels = scraped.getOrDefault(matcher.metric(), Map.of());
        Set<String> values = labels.get(matcher.label());
        if (values == null) {
          missing.add(matcher.metric() + " has no label " + matcher.label());
          continue;
        }
        for (String value : literalValues(matcher)) {
          if (!values.contains(value)) {
            missing.add(matcher.metric() + "{" + matcher.label() + "} never is " + value + ": " + values);
          }
        }
      }
    }
    // The provider variable lists the providers from a metric every provider has.
    for (List<String> pair : ChartMonitoring.variableLabels(ChartMonitoring.dashboard(chart))) {
      assertThat(scraped.getOrDefault(pair.get(0), Map.of()).get(pair.get(1))).as(pair.toString())
          .containsExactlyInAnyOrder("alpha", "beta", "gamma");
    }
    assertThat(missing).isEmpty();
  }

  /**
   * The values a matcher names outright: {@code "a"} or {@code "a|b"}. A regex with anything else, or one holding
   * a Grafana variable, names none; the production values' providers are not the test's, so they are skipped too.
   */
  private static List<String> literalValues(LabelMatcher matcher) {
    if (matcher.value().contains("$") || matcher.label().equals("provider") && matcher.operator().equals("=")) {
      return List.of();
    }
    if (matcher.operator().equals("=")) {
      return List.of(matcher.value());
    }
    if (matcher.operator().equals("=~") && matcher.value().matches("[a-z_]+(\\|[a-z_]+)*")) {
      return List.of(matcher.value().split("\\|"));
    }
    return List.of();
  }
}
