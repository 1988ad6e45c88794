package dev.paymentrouter.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The Grafana dashboard and the Prometheus alerts of a rendering, and the queries they send to Prometheus. */
final class ChartMonitoring {

  static final String DASHBOARD_FILE = "payment-router.json";

  /** Grafana's {@code label_values(metric, label)}: a template variable's query, not PromQL. */
  private static final Pattern LABEL_VALUES = Pattern.compile(
      "label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*,\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*\\)");

  private ChartMonitoring() {}

  /** The dashboard JSON of the rendered ConfigMap, parsed; fails if the JSON is not valid. */
  static JsonNode dashboard(RenderedChart chart) {
    Map<String, Object> configMap = chart.dashboardConfigMap()
        .orElseThrow(() -> new AssertionError("no dashboard ConfigMap rendered"));
    return JsonMapper.builder().build().readTree(String.valueOf(Yaml.map(configMap.get("data")).get(DASHBOARD_FILE)));
  }

  /** Every panel query of the dashboard, by panel title (a title may carry several). */
  static Map<String, List<String>> panelQueries(JsonNode dashboard) {
    Map<String, List<String>> queries = new LinkedHashMap<>();
    for (JsonNode panel : dashboard.get("panels")) {
      List<String> expressions = new ArrayList<>();
      for (JsonNode target : panel.get("targets")) {
        expressions.add(target.get("expr").stringValue());
      }
      queries.put(panel.get("title").stringValue(), expressions);
    }
    return queries;
  }

  /** The (metric, label) pairs the dashboard's template variables ask {@code label_values} for. */
  static List<List<String>> variableLabels(JsonNode dashboard) {
    List<List<String>> pairs = new ArrayList<>();
    for (JsonNode variable : dashboard.get("templating").get("list")) {
      JsonNode definition = variable.get("definition");
      if (definition == null) {
        continue;
      }
      Matcher matcher = LABEL_VALUES.matcher(definition.stringValue());
      if (!matcher.matches()) {
        throw new AssertionError("variable " + variable.get("name") + ": not label_values(metric, label)");
      }
      pairs.add(List.of(matcher.group(1), matcher.group(2)));
    }
    return pairs;
  }

  /** The rules of the PrometheusRule, by alert name. */
  static Map<String, Map<String, Object>> alerts(RenderedChart chart) {
    Map<String, Map<String, Object>> alerts = new LinkedHashMap<>();
    for (Object group : Yaml.list(Yaml.at(chart.one("PrometheusRule"), "spec", "groups"))) {
      for (Object rule : Yaml.list(Yaml.map(group).get("rules"))) {
        Map<String, Object> map = Yaml.map(rule);
        alerts.put((String) map.get("alert"), map);
      }
    }
    return alerts;
  }

  /** Every PromQL expression of the rendering: the dashboard's panels and the alerts. */
  static List<String> expressions(RenderedChart chart) {
    List<String> expressions = new ArrayList<>();
    panelQueries(dashboard(chart)).values().forEach(expressions::addAll);
    alerts(chart).values().forEach(alert -> expressions.add(String.valueOf(alert.get("expr"))));
    return expressions;
  }
}
