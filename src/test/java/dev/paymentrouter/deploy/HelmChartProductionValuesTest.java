package dev.paymentrouter.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.operations.OperatorProperties;
import dev.paymentrouter.provider.runtime.ProvidersProperties;
import dev.paymentrouter.routing.domain.RoutingPolicy;
import dev.paymentrouter.routing.domain.RoutingRule;
import dev.paymentrouter.routing.runtime.RoutingProperties;
import dev.paymentrouter.stripeapi.StripeApiProperties;
import dev.paymentrouter.webhook.runtime.DeliveryProperties;
import dev.paymentrouter.webhook.runtime.WebhookProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import tools.jackson.databind.JsonNode;

/**
 * The chart with a production-like values file: existing Secrets, autoscaling, a ServiceMonitor, the Grafana
 * dashboard and the alerts, other sizes, a fourth provider and three operators.
 */
class HelmChartProductionValuesTest extends ChartContract {

  static final Path VALUES = Path.of("src", "test", "resources", "helm", "values-production.yaml");

  @Override
  RenderedChart chart() {
    return RenderedChart.with(VALUES);
  }

  @Override
  Path valuesFile() {
    return VALUES;
  }

  @Override
  Map<String, Map<String, String>> existingSecrets() {
    return Map.of(
        "payments-db-app", Map.of("user", "payment_router_prod", "password", "db-password-from-the-operator"),
        "psp-beta", Map.of("token", "sk_live_beta_from_existing_secret",
            "hmac-key", "44FC8F1E3F5B7A0C9D2E4B6A8C0E2F4A6B8D0F2A4C6E8A0B2D4F6A8C0E2B4D6F"),
        "psp-delta", Map.of("api-key", "sk_live_delta_from_existing_secret"),
        "payments-token-keys", Map.of("k2025", "bzFkLWtleS10aGF0LW9wZW4taW50ZW50cy1zdGlsbC0=",
            "k2026", "bmV3LWFjdGl2ZS1rZXktZm9yLW5ldy10b2tlbnMtMzI="),
        "payments-operators", Map.of("alice", "alice-operator-token-from-its-secret-01"));
  }

  @Test
  void routingRulesFromTheValuesReachTheApplicationIntact() {
    Binder binder = new Binder(ConfigurationPropertySources.from(sources()));
    ProvidersProperties providers = binder.bindOrCreate("payment-router", ProvidersProperties.class);
    RoutingPolicy policy = binder.bindOrCreate("payment-router.routing", RoutingProperties.class)
        .toPolicy(List.copyOf(providers.providers().keySet()));
    assertThat(policy.rules()).extracting(RoutingRule::name).containsExactly("usd-split", "gold");
    assertThat(policy.defaultProviders()).containsExactly("alpha", "delta", "beta", "gamma");
    assertThat(policy.maxAttempts()).isEqualTo(4);
  }

  @Test
  void theStripeCompatibleApiListensOnItsOwnPortWhichTheMerchantsServiceCarries() {
    Binder binder = new Binder(ConfigurationPropertySources.from(sources()));
    StripeApiProperties stripeApi = binder.bindOrCreate("payment-router.stripe-api", StripeApiProperties.class);
    assertThat(stripeApi.enabled()).isTrue();
    assertThat(stripeApi.confirmWait()).isEqualTo(Duration.ofSeconds(8));
    assertThat(chart().containerPort("stripe").get("containerPort")).isEqualTo(stripeApi.port());
    assertThat(Yaml.list(Yaml.at(chart().merchantService(), "spec", "ports"))).extracting(Yaml::map)
        .anySatisfy(port -> assertThat(port).containsEntry("name", "stripe").containsEntry("port", 8443)
            .containsEntry("targetPort", "stripe"));
  }

  @Test
  void scalesWithAHorizontalPodAutoscalerInsteadOfAFixedCount() {
    Map<String, Object> autoscaler = chart().one("HorizontalPodAutoscaler");
    assertThat(autoscaler.get("apiVersion")).isEqualTo("autoscaling/v2");
    assertThat(Yaml.map(Yaml.at(autoscaler, "spec", "scaleTargetRef")))
        .containsEntry("kind", "Deployment")
        .containsEntry("name", Yaml.at(chart().one("Deployment"), "metadata", "name"));
    assertThat(Yaml.at(autoscaler, "spec", "minReplicas")).isEqualTo(3);
    assertThat(Yaml.at(autoscaler, "spec", "maxReplicas")).isEqualTo(12);
    Map<String, Object> cpu = Yaml.map(Yaml.list(Yaml.at(autoscaler, "spec", "metrics")).getFirst());
    assertThat(Yaml.at(cpu, "resource", "name")).isEqualTo("cpu");
    assertThat(Yaml.at(cpu, "resource", "target", "averageUtilization")).isEqualTo(60);
    // The autoscaler owns the count: a replicas field would fight it on every upgrade.
    assertThat(Yaml.map(chart().one("Deployment").get("spec"))).doesNotContainKey("replicas");
  }

  @Test
  void aServiceMonitorScrapesThePrometheusEndpointThroughTheManagementServiceOnly() {
    Map<String, Object> monitor = chart().one("ServiceMonitor");
    assertThat(monitor.get("apiVersion")).isEqualTo("monitoring.coreos.com/v1");
    assertThat(Yaml.map(Yaml.at(monitor, "metadata", "labels"))).containsEntry("release", "prometheus");
    Map<String, Object> endpoint = Yaml.map(Yaml.list(Yaml.at(monitor, "spec", "endpoints")).getFirst());
    assertThat(endpoint).containsEntry("path", "/actuator/prometheus").containsEntry("interval", "15s")
        .containsEntry("port", "management").doesNotContainKey("bearerTokenSecret");
    Map<String, Object> selector = Yaml.map(Yaml.at(monitor, "spec", "selector", "matchLabels"));

    Map<String, Object> management = chart().managementService().orElseThrow();
    assertThat(Yaml.map(Yaml.at(management, "metadata", "labels"))).containsAllEntriesOf(selector);
    Map<String, Object> port = Yaml.map(Yaml.list(Yaml.at(management, "spec", "ports")).getFirst());
    assertThat(port).containsEntry("name", "management").containsEntry("targetPort", "management");
    assertThat(Yaml.at(management, "spec", "type")).isEqualTo("ClusterIP");
    assertThat(Yaml.map(Yaml.at(chart().one("Deployment"), "spec", "template", "metadata", "labels")))
        .containsAllEntriesOf(Yaml.map(Yaml.at(management, "spec", "selector")));
    // The merchants' Service is not scraped: the selector does not match it.
    assertThat(Yaml.map(Yaml.at(chart().merchantService(), "metadata", "labels")).entrySet()
        .containsAll(selector.entrySet())).isFalse();
    assertThat(ApplicationSettings.resolve("management.endpoints.web.exposure.include", String.class, sources(),
        "")).contains("prometheus");
  }

  @Test
  void eachOperatorGetsItsTokenFromItsExistingSecretTheValuesOrTheChart() {
    assertThat(secretRef("PAYMENTROUTER_OPERATOR_TOKENS_ALICE")).containsEntry("name", "payments-operators")
        .containsEntry("key", "alice");
    String own = (String) Yaml.at(chart().one("Secret"), "metadata", "name");
    assertThat(secretRef("PAYMENTROUTER_OPERATOR_TOKENS_BOB")).containsEntry("name", own)
        .containsEntry("key", "operator-bob-token");
    assertThat(secretRef("PAYMENTROUTER_OPERATOR_TOKENS_ONCALL")).containsEntry("name", own)
        .containsEntry("key", "operator-oncall-token");
    assertThat(chart().secretData(own)).containsEntry("operator-bob-token", "bob-operator-token-from-values-0002");
    assertThat(chart().secretData(own).get("operator-oncall-token")).matches("[A-Za-z0-9]{40}");
    OperatorProperties operators = new Binder(ConfigurationPropertySources.from(sources()))
        .bindOrCreate("payment-router.operator", OperatorProperties.class);
    assertThat(operators.checkedOperators()).containsExactly("alice", "bob", "oncall");
  }

  @Test
  void takesDatabaseCredentialsAndProviderKeysFromTheirExistingSecrets() {
    assertThat(secretRef("SPRING_R2DBC_USERNAME")).containsEntry("name", "payments-db-app")
        .containsEntry("key", "user");
    assertThat(secretRef("SPRING_R2DBC_PASSWORD")).containsEntry("name", "payments-db-app")
        .containsEntry("key", "password");
    assertThat(secretRef("PAYMENTROUTER_PROVIDERS_BETA_APIKEY")).containsEntry("name", "psp-beta")
        .containsEntry("key", "token");
    assertThat(secretRef("PAYMENTROUTER_PROVIDERS_DELTA_APIKEY")).containsEntry("name", "psp-delta")
        .containsEntry("key", "api-key");
    // Keys given as values land in the chart's own Secret, which no longer holds database credentials.
    String own = (String) Yaml.at(chart().one("Secret"), "metadata", "name");
    assertThat(secretRef("PAYMENTROUTER_PROVIDERS_ALPHA_APIKEY")).containsEntry("name", own);
    assertThat(chart().secretData(own)).containsOnlyKeys("provider-alpha-api-key", "provider-gamma-api-key",
        "provider-alpha-webhook-secret-0", "provider-alpha-webhook-secret-1", "operator-bob-token",
        "operator-oncall-token");
  }

  @Test
  void takesTheTokenKeysOldAndActiveFromTheirExistingSecretAndCreatesNoneOfItsOwn() {
    assertThat(secretRef("PAYMENTROUTER_TOKENENCRYPTION_KEYS_K2026")).containsEntry("name", "payments-token-keys")
        .containsEntry("key", "k2026");
    assertThat(secretRef("PAYMENTROUTER_TOKENENCRYPTION_KEYS_K2025")).containsEntry("name", "payments-token-keys")
        .containsEntry("key", "k2025");
    assertThat(chart().envEntries().get("PAYMENTROUTER_TOKENENCRYPTION_ACTIVEKEY")).containsEntry("value", "k2026");
    assertThat(chart().all("Secret")).hasSize(1);
  }

  @Test
  void eachProviderGetsItsKeyAndItsSettingsFromEnvironmentAndConfigMapTogether() {
    ProvidersProperties providers = new Binder(ConfigurationPropertySources.from(sources()))
        .bindOrCreate("payment-router", ProvidersProperties.class);
    assertThat(providers.providers()).containsOnlyKeys("alpha", "beta", "gamma", "delta");
    assertThat(providers.providers().get("alpha").apiKey()).isEqualTo("sk_live_alpha_from_values_0001");
    assertThat(providers.providers().get("beta").apiKey()).isEqualTo("sk_live_beta_from_existing_secret");
    assertThat(providers.providers().get("gamma").apiKey()).isEqualTo("sk_live_gamma_from_values_0003");
    assertThat(providers.providers().get("delta").apiKey()).isEqualTo("sk_live_delta_from_existing_secret");
    assertThat(providers.providers().get("alpha").rateLimit().permitsPerSecond()).isEqualTo(400);
    assertThat(providers.providers().get("beta").circuitBreaker().waitInOpenState())
        .isEqualTo(Duration.ofSeconds(20));
    assertThat(providers.providers().get("beta").merchantAccount()).isEqualTo("AcmeShopECOM");
    assertThat(providers.providers().get("delta").connectTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(providers.providers().get("delta").supervisor().downCooldown()).isEqualTo(Duration.ofMinutes(1));
    assertThat(providers.providers().get("delta").authorizationValidity()).isEqualTo(Duration.ofDays(4));
    assertThat(providers.providers().get("alpha").authorizationValidity()).isEqualTo(Duration.ofDays(7));
  }

  @Test
  void notificationSecretsComeFromTheChartsSecretOrTheProvidersExistingSecretInTheirOrder() {
    String own = (String) Yaml.at(chart().one("Secret"), "metadata", "name");
    assertThat(secretRef("PAYMENTROUTER_PROVIDERS_ALPHA_WEBHOOKSECRETS_0")).containsEntry("name", own)
        .containsEntry("key", "provider-alpha-webhook-secret-0");
    assertThat(secretRef("PAYMENTROUTER_PROVIDERS_ALPHA_WEBHOOKSECRETS_1")).containsEntry("name", own)
        .containsEntry("key", "provider-alpha-webhook-secret-1");
    assertThat(secretRef("PAYMENTROUTER_PROVIDERS_BETA_WEBHOOKHMACKEYS_0")).containsEntry("name", "psp-beta")
        .containsEntry("key", "hmac-key");
    assertThat(chart().secretData(own)).containsEntry("provider-alpha-webhook-secret-0",
        "whsec_alpha_new_from_values_0001");
    ProvidersProperties providers = new Binder(ConfigurationPropertySources.from(sources()))
        .bindOrCreate("payment-router", ProvidersProperties.class);
    assertThat(providers.providers().get("alpha").webhookSecrets())
        .containsExactly("whsec_alpha_new_from_values_0001", "whsec_alpha_old_from_values_0001");
    assertThat(providers.providers().get("beta").webhookHmacKeys())
        .containsExactly(existingSecrets().get("psp-beta").get("hmac-key"));
    assertThat(providers.providers().get("gamma").webhookSecrets()).isNull();
  }

  @Test
  void webhookDeliverySettingsFromTheValuesReachTheApplication() {
    Binder binder = new Binder(ConfigurationPropertySources.from(sources()));
    DeliveryProperties delivery = binder.bindOrCreate("payment-router.webhooks.delivery", DeliveryProperties.class);
    assertThat(delivery.concurrency()).isEqualTo(128);
    assertThat(delivery.perEndpoint()).isEqualTo(8);
    assertThat(delivery.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(delivery.retries()).containsExactly(Duration.ofSeconds(10), Duration.ofMinutes(10),
        Duration.ofHours(1), Duration.ofHours(6), Duration.ofHours(24), Duration.ofHours(24));
    assertThat(delivery.jitter()).isEqualTo(0.1);
    // What the values leave out keeps the chart's (and the application's) default.
    assertThat(delivery.enabled()).isTrue();
    assertThat(delivery.batch()).isEqualTo(100);
    assertThat(binder.bindOrCreate("payment-router.webhooks", WebhookProperties.class).rotationOverlap())
        .isEqualTo(Duration.ofHours(48));
  }

  @Test
  void sizesThePodsFromTheValues() {
    Map<String, Object> resources = Yaml.map(chart().container().get("resources"));
    assertThat(Yaml.at(resources, "limits", "memory")).isEqualTo("1536Mi");
    assertThat(chart().container().get("image")).isEqualTo("payments/payment-router:0.1.0");
    assertThat(chart().podSpec().get("terminationGracePeriodSeconds")).isEqualTo(60);
    assertThat(chart().podSpec()).containsKey("topologySpreadConstraints");
  }

  private Map<String, Object> secretRef(String variable) {
    return Yaml.map(Yaml.at(chart().envEntries().get(variable), "valueFrom", "secretKeyRef"));
  }

  @Test
  void aConfigMapCarriesTheGrafanaDashboardWithTheSidecarsLabel() throws Exception {
    Map<String, Object> configMap = chart().dashboardConfigMap().orElseThrow();
    assertThat(Yaml.map(Yaml.at(configMap, "metadata", "labels"))).containsEntry("grafana_dashboard", "1");
    assertThat(Yaml.map(Yaml.at(configMap, "metadata", "annotations"))).containsEntry("grafana_folder", "Payments");
    assertThat(Yaml.map(configMap.get("data"))).containsOnlyKeys(ChartMonitoring.DASHBOARD_FILE);
    JsonNode dashboard = ChartMonitoring.dashboard(chart());
    // Byte for byte the chart's file: Helm reads it with .Files.Get and templates nothing in it.
    assertThat(Yaml.map(configMap.get("data")).get(ChartMonitoring.DASHBOARD_FILE)).isEqualTo(
        Files.readString(RenderedChart.CHART.resolve("dashboards").resolve(ChartMonitoring.DASHBOARD_FILE)));
    assertThat(dashboard.get("schemaVersion").intValue()).isGreaterThanOrEqualTo(36);
    List<String> variables = new ArrayList<>();
    dashboard.get("templating").get("list").forEach(variable -> variables.add(variable.get("name").stringValue()));
    assertThat(variables).containsExactly("datasource", "provider");
    // Every panel and query reads the data source the viewer picked, never one fixed at export.
    for (JsonNode panel : dashboard.get("panels")) {
      assertThat(panel.get("datasource").get("uid").stringValue()).as(panel.get("title").stringValue())
          .isEqualTo("${datasource}");
      panel.get("targets").forEach(target -> assertThat(target.get("datasource").get("uid").stringValue())
          .isEqualTo("${datasource}"));
    }
    Map<String, List<String>> panels = ChartMonitoring.panelQueries(dashboard);
    assertThat(panels.keySet()).contains("Provider calls by outcome", "Provider call latency (p50, p99)",
        "Circuit state per provider", "Rate-limit tokens available", "Worker pool: in flight and queued",
        "Intents: active, parked, unresolved", "Failovers and reconciliations", "Webhook deliveries by outcome",
        "Event-loop lag", "Calls the router refused", "Supervisor restarts and down time",
        "Time to final status (p50, p99)", "Intent mailboxes and capacity", "Merchant requests and 429s",
        "Reconciliation backlog");
    assertThat(panels.values()).allSatisfy(queries -> assertThat(queries).isNotEmpty());
  }

  @Test
  void aPrometheusRuleAlertsWithTheThresholdsOfTheValues() {
    Map<String, Object> rule = chart().one("PrometheusRule");
    assertThat(rule.get("apiVersion")).isEqualTo("monitoring.coreos.com/v1");
    assertThat(Yaml.map(Yaml.at(rule, "metadata", "labels"))).containsEntry("release", "prometheus");
    Map<String, Map<String, Object>> alerts = ChartMonitoring.alerts(chart());
    assertThat(alerts).containsOnlyKeys("PaymentRouterProviderCircuitOpen", "PaymentRouterUnresolvedIntents",
        "PaymentRouterProviderFailing", "PaymentRouterProviderQueueSaturated",
        "PaymentRouterIntentCapacitySaturated", "PaymentRouterWebhookDeliveriesFailing");
    alerts.forEach((name, alert) -> {
      assertThat(Yaml.map(alert.get("labels"))).as(name).containsKey("severity");
      assertThat(Yaml.map(alert.get("annotations"))).as(name).containsKeys("summary", "description");
    });
    assertThat(alerts.get("PaymentRouterProviderCircuitOpen")).containsEntry("for", "2m");
    assertThat(Yaml.at(alerts.get("PaymentRouterProviderCircuitOpen"), "labels", "severity")).isEqualTo("critical");
    // Overridden in the values file: 15m instead of 10m, 0.1 instead of 0.2.
    assertThat(alerts.get("PaymentRouterUnresolvedIntents")).containsEntry("for", "15m");
    assertThat((String) alerts.get("PaymentRouterUnresolvedIntents").get("expr")).endsWith("> 0");
    assertThat((String) alerts.get("PaymentRouterProviderFailing").get("expr"))
        .contains("[5m]").containsPattern("> 0\\.1\\s*$");
    // Each provider against the queue capacity it exports, whatever the values say it is.
    assertThat((String) alerts.get("PaymentRouterProviderQueueSaturated").get("expr"))
        .contains("payment_router_provider_queue_depth / payment_router_provider_queue_capacity")
        .containsPattern("> 0\\.8\\s*$");
    assertThat((String) alerts.get("PaymentRouterIntentCapacitySaturated").get("expr"))
        .contains("payment_router_intents_active / payment_router_intents_capacity").containsPattern("> 0\\.9\\s*$");
    assertThat((String) alerts.get("PaymentRouterWebhookDeliveriesFailing").get("expr"))
        .contains("[10m]").containsPattern("> 0\\.5\\s*$");
  }
}
