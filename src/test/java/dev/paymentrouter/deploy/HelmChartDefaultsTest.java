package dev.paymentrouter.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import dev.paymentrouter.api.ApiProperties;
import dev.paymentrouter.intent.runtime.IntentProperties;
import dev.paymentrouter.intent.runtime.RecoveryProperties;
import dev.paymentrouter.limits.ClusterLimitsProperties;
import dev.paymentrouter.routing.runtime.RoutingProperties;
import dev.paymentrouter.stripeapi.StripeApiProperties;
import dev.paymentrouter.webhook.runtime.DeliveryProperties;
import dev.paymentrouter.webhook.runtime.WebhookProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;

/** The chart with its default values: lint-clean, the objects an installation needs, the application's defaults. */
class HelmChartDefaultsTest extends ChartContract {

  @Override
  RenderedChart chart() {
    return RenderedChart.defaults();
  }

  @Override
  Path valuesFile() {
    return null;
  }

  @Override
  Map<String, Map<String, String>> existingSecrets() {
    return Map.of();
  }

  @Test
  void lintsCleanInStrictMode() {
    LintResult lint = new Helm(RenderedChart.CHART).lint().strict().call();
    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
  }

  @Test
  void rendersTheRouterWithoutAutoscalerServiceMonitorDashboardOrAlerts() {
    // One ConfigMap, the application's: the dashboard's and the PrometheusRule need their switches.
    assertThat(chart().objects()).extracting(object -> object.get("kind")).containsExactlyInAnyOrder(
        "ConfigMap", "Deployment", "PodDisruptionBudget", "Secret", "Secret", "Service", "ServiceAccount");
    assertThat(chart().dashboardConfigMap()).isEmpty();
    assertThat(Yaml.at(chart().one("Deployment"), "spec", "replicas")).isEqualTo(2);
  }

  @Test
  void theStripeCompatibleApiIsOffWithNoPortOfItsOwn() {
    Binder binder = new Binder(ConfigurationPropertySources.from(sources()));
    assertThat(binder.bindOrCreate("payment-router.stripe-api", StripeApiProperties.class).enabled()).isFalse();
    assertThat(Yaml.list(chart().container().get("ports"))).extracting(port -> Yaml.map(port).get("name"))
        .containsExactlyInAnyOrder("http", "management");
  }

  @Test
  void createsTheDatabaseSecretFromValues() {
    String secret = RenderedChart.RELEASE + "-payment-router";
    Map<String, Object> password = Yaml.map(Yaml.at(chart().envEntries().get("SPRING_R2DBC_PASSWORD"),
        "valueFrom", "secretKeyRef"));
    assertThat(password).containsEntry("name", secret).containsEntry("key", "database-password");
    assertThat(chart().secretData(secret)).containsEntry("database-username", "payment_router");
    // Providers without an API key (the simulators) get no variable for one.
    assertThat(chart().envEntries().keySet()).noneMatch(name -> name.endsWith("_APIKEY"));
  }

  @Test
  void generatesTheTokenEncryptionKeyOnceInASecretOfItsOwnThatOutlivesTheRelease() {
    String name = RenderedChart.RELEASE + "-payment-router-token-encryption";
    Map<String, Object> secret = chart().all("Secret").stream()
        .filter(candidate -> name.equals(Yaml.at(candidate, "metadata", "name"))).findFirst().orElseThrow();
    assertThat(Yaml.map(Yaml.at(secret, "metadata", "annotations")))
        .containsEntry("helm.sh/resource-policy", "keep");
    assertThat(chart().secretData(name)).containsOnlyKeys("k1");
    assertThat(Base64.getDecoder().decode(chart().secretData(name).get("k1"))).hasSize(32);
    assertThat(Yaml.map(Yaml.at(chart().envEntries().get("PAYMENTROUTER_TOKENENCRYPTION_KEYS_K1"), "valueFrom",
        "secretKeyRef"))).containsEntry("name", name).containsEntry("key", "k1");
    assertThat(chart().envEntries().get("PAYMENTROUTER_TOKENENCRYPTION_ACTIVEKEY")).containsEntry("value", "k1");
    // An upgrade keeps the key it finds: the template looks the Secret up before it generates anything.
    assertThat(RenderedChart.CHART.resolve("templates").resolve("_helpers.tpl")).content()
        .contains("lookup \"v1\" \"Secret\" .Release.Namespace (include \"payment-router.tokenEncryptionSecret\" .)");
  }

  @Test
  void generatesTheAdminOperatorsTokenIntoItsSecretAndRendersNoManagementService() {
    // The chart's own Secret (the token-encryption key has one of its own).
    String secret = chart().all("Secret").stream().map(candidate -> (String) Yaml.at(candidate, "metadata", "name"))
        .filter(name -> !name.endsWith("-token-encryption")).findFirst().orElseThrow();
    Map<String, Object> token = Yaml.map(Yaml.at(chart().envEntries().get("PAYMENTROUTER_OPERATOR_TOKENS_ADMIN"),
        "valueFrom", "secretKeyRef"));
    assertThat(token).containsEntry("name", secret).containsEntry("key", "operator-admin-token");
    assertThat(chart().secretData(secret).get("operator-admin-token")).matches("[A-Za-z0-9]{40}");
    assertThat(chart().managementService()).isEmpty();
  }

  @Test
  void notesTellHowToReadTheGeneratedOperatorToken() {
    String notes = new Helm(RenderedChart.CHART).install().withName(RenderedChart.RELEASE)
        .withNamespace(RenderedChart.NAMESPACE).withKubeVersion(RenderedChart.KUBE_VERSION).clientOnly().dryRun()
        .call().getOutput();
    assertThat(notes).contains("jsonpath='{.data.operator-admin-token}'").contains("8081");
  }

  @Test
  void itsIntentRecoveryAndApiSettingsAreTheApplicationsDefaults() {
    Binder chart = new Binder(ConfigurationPropertySources.from(sources()));
    Binder application = new Binder(ConfigurationPropertySources.from(ApplicationSettings.packagedDefaults()));
    assertThat(chart.bindOrCreate("payment-router.intents", IntentProperties.class))
        .isEqualTo(application.bindOrCreate("payment-router.intents", IntentProperties.class));
    assertThat(chart.bindOrCreate("payment-router.api", ApiProperties.class))
        .isEqualTo(application.bindOrCreate("payment-router.api", ApiProperties.class));
    RecoveryProperties chartRecovery = chart.bindOrCreate("payment-router.recovery", RecoveryProperties.class);
    RecoveryProperties defaultRecovery = application.bindOrCreate("payment-router.recovery",
        RecoveryProperties.class);
    assertThat(chartRecovery).usingRecursiveComparison().ignoringFields("nodeId").isEqualTo(defaultRecovery);
    assertThat(chart.bindOrCreate("payment-router.routing", RoutingProperties.class).defaultProviders())
        .isEqualTo(List.of("alpha", "beta", "gamma"));
  }

  @Test
  void itsClusterLimitSettingsReachTheConfigMapAndAreTheApplicationsDefaults() {
    Binder chart = new Binder(ConfigurationPropertySources.from(sources()));
    Binder application = new Binder(ConfigurationPropertySources.from(ApplicationSettings.packagedDefaults()));
    assertThat(chart.bindOrCreate("payment-router.cluster-limits", ClusterLimitsProperties.class))
        .isEqualTo(application.bindOrCreate("payment-router.cluster-limits", ClusterLimitsProperties.class));
    Map<String, Object> limits = Yaml.map(Yaml.at(Yaml.map(Yaml.loadAll(chart().configMapFiles().get(CONFIG_FILE))
        .getFirst()), "payment-router", "clusterLimits"));
    assertThat(limits).containsKeys("enabled", "lock", "optimization", "maxUnsynchronized", "requestTimeout");
  }

  @Test
  void itsWebhookDeliverySettingsReachTheConfigMapAndAreTheApplicationsDefaults() {
    Binder chart = new Binder(ConfigurationPropertySources.from(sources()));
    Binder application = new Binder(ConfigurationPropertySources.from(ApplicationSettings.packagedDefaults()));
    assertThat(chart.bindOrCreate("payment-router.webhooks.delivery", DeliveryProperties.class))
        .isEqualTo(application.bindOrCreate("payment-router.webhooks.delivery", DeliveryProperties.class));
    assertThat(chart.bindOrCreate("payment-router.webhooks", WebhookProperties.class))
        .isEqualTo(application.bindOrCreate("payment-router.webhooks", WebhookProperties.class));
    // Given in the ConfigMap, not left to the application's defaults: an operator sees them there and changes them.
    Map<String, Object> webhooks = Yaml.map(Yaml.at(Yaml.map(Yaml.loadAll(chart().configMapFiles().get(CONFIG_FILE))
        .getFirst()), "payment-router", "webhooks"));
    assertThat(webhooks).containsKeys("rotationOverlap", "resolveTimeout", "delivery");
    assertThat(Yaml.map(webhooks.get("delivery"))).containsOnlyKeys("enabled", "interval", "batch", "concurrency",
        "perEndpoint", "timeout", "retries", "jitter");
    // The simulators of the defaults have no notification secrets: no variable, no entry in the chart's Secret.
    assertThat(chart().envEntries().keySet()).noneMatch(name -> name.contains("_WEBHOOK"));
  }

  @Test
  void logsJsonAndTracesWithoutExportingByDefault() {
    Map<String, String> environment = chart().resolvedEnvironment(Map.of());
    assertThat(environment).containsEntry("LOGGING_STRUCTURED_FORMAT_CONSOLE", "ecs")
        .containsEntry("MANAGEMENT_TRACING_SAMPLING_PROBABILITY", "0.1")
        // No collector named: nothing tries to send spans anywhere.
        .doesNotContainKey("MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_OTLP_ENDPOINT");
  }

  @Test
  void exportsTracesToTheCollectorItIsGiven(@TempDir Path directory) throws IOException {
    Path values = Files.writeString(directory.resolve("tracing.yaml"), """
        logs:
          format: ""
        tracing:
          otlpEndpoint: http://otel-collector.observability:4318/v1/traces
          samplingProbability: 1
        """);
    Map<String, String> environment = RenderedChart.with(values).resolvedEnvironment(Map.of());
    assertThat(environment).doesNotContainKey("LOGGING_STRUCTURED_FORMAT_CONSOLE")
        .containsEntry("MANAGEMENT_TRACING_SAMPLING_PROBABILITY", "1")
        .containsEntry("MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_OTLP_ENDPOINT",
            "http://otel-collector.observability:4318/v1/traces");
  }
}
