package dev.paymentrouter.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.operations.OperatorProperties;
import dev.paymentrouter.provider.connector.SimulatorConnectorFactory;
import dev.paymentrouter.provider.connector.adyen.AdyenConnectorFactory;
import dev.paymentrouter.provider.connector.stripe.StripeConnectorFactory;
import dev.paymentrouter.provider.runtime.ProvidersProperties;
import dev.paymentrouter.routing.runtime.RoutingProperties;
import dev.paymentrouter.tokens.TokenCipher;
import dev.paymentrouter.tokens.TokenEncryptionProperties;
import java.time.Duration;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every rendering of the chart must hold, whatever the values: the pod asks the application what it
 * serves, probes it on the management port, which the merchants' Service never carries, gives it only settings it
 * reads, keeps secrets out of ConfigMaps, and runs locked down. Each subclass
 * renders the chart once with one values file.
 */
abstract class ChartContract {

  static final String CONFIG_FILE = "application.yaml";

  /** The rendering under test. */
  abstract RenderedChart chart();

  /** The values file rendered, or null for the chart's defaults. */
  abstract java.nio.file.Path valuesFile();

  /** Secrets the values name as existing ones, with test contents (name to key to value). */
  abstract Map<String, Map<String, String>> existingSecrets();

  /** The container's environment, secrets resolved. */
  Map<String, String> environment() {
    return chart().resolvedEnvironment(existingSecrets());
  }

  /** Everything the application is started with: environment, the ConfigMap's file, its packaged defaults. */
  List<PropertySource<?>> sources() {
    List<PropertySource<?>> sources = new ArrayList<>();
    sources.add(ApplicationSettings.environment(environment()));
    sources.addAll(ApplicationSettings.yaml("configmap", chart().configMapFiles().get(CONFIG_FILE)));
    sources.addAll(ApplicationSettings.packagedDefaults());
    return sources;
  }

  @Test
  void probesAskThePathsTheApplicationServesOnItsManagementPort() {
    Map<String, Object> container = chart().container();
    assertThat(Yaml.at(container, "startupProbe", "httpGet", "path")).isEqualTo("/actuator/health/liveness");
    assertThat(Yaml.at(container, "livenessProbe", "httpGet", "path")).isEqualTo("/actuator/health/liveness");
    assertThat(Yaml.at(container, "readinessProbe", "httpGet", "path")).isEqualTo("/actuator/health/readiness");
    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
      assertThat(Yaml.at(container, probe, "httpGet", "port")).as(probe).isEqualTo("management");
      assertThat(Yaml.at(container, probe, "httpGet")).as(probe + " sends no credentials")
          .satisfies(get -> assertThat(Yaml.map(get)).doesNotContainKey("httpHeaders"));
    }
    // The probes' groups are switched on in the application's configuration (the boot test calls them).
    assertThat(ApplicationSettings.resolve("management.endpoint.health.probes.enabled", Boolean.class, sources(),
        false)).isTrue();
  }

  @Test
  void theHttpPortIsTheApplicationsServerPort() {
    assertThat(chart().containerPort("http").get("containerPort"))
        .isEqualTo(ApplicationSettings.resolve("server.port", Integer.class, sources(), 8080));
  }

  @Test
  void theManagementPortIsTheApplicationsManagementPortAndNotTheServerPort() {
    Object management = chart().containerPort("management").get("containerPort");
    assertThat(management)
        .isEqualTo(ApplicationSettings.resolve("management.server.port", Integer.class, sources(), -1))
        .isNotEqualTo(chart().containerPort("http").get("containerPort"));
    // In a pod the management server listens on the pod's address, where the kubelet probes it.
    assertThat(ApplicationSettings.resolve("management.server.address", String.class, sources(), null)).isNull();
  }

  @Test
  void theMerchantsServiceExposesTheApiOnly() {
    List<Object> ports = Yaml.list(Yaml.at(chart().merchantService(), "spec", "ports"));
    // The merchant API, and its Stripe-compatible door where that is on: never the management port.
    assertThat(ports).extracting(port -> Yaml.map(port).get("targetPort")).contains("http")
        .isSubsetOf("http", "stripe");
    assertThat(ports).extracting(port -> Yaml.map(port).get("port"))
        .doesNotContain(chart().containerPort("management").get("containerPort"));
  }

  @Test
  void everyOperatorTokenPassesTheApplicationsStartUpCheck() {
    Binder binder = new Binder(ConfigurationPropertySources.from(sources()));
    OperatorProperties operators = binder.bindOrCreate("payment-router.operator", OperatorProperties.class);
    assertThat(operators.checkedOperators()).isNotEmpty();
  }

  @Test
  void everyEnvironmentVariableIsOneTheApplicationReads() {
    assertThat(ApplicationSettings.unreadKeys((EnumerablePropertySource<?>) sources().getFirst(), sources()))
        .isEmpty();
  }

  @Test
  void everyKeyOfTheConfigMapIsOneTheApplicationReads() {
    assertThat(chart().configMapFiles()).containsOnlyKeys(CONFIG_FILE);
    List<String> unread = new ArrayList<>();
    for (PropertySource<?> file : ApplicationSettings.yaml("configmap", chart().configMapFiles().get(CONFIG_FILE))) {
      unread.addAll(ApplicationSettings.unreadKeys((EnumerablePropertySource<?>) file, sources()));
    }
    assertThat(unread).isEmpty();
  }

  @Test
  void theConfigurationBindsIntoWorkingProviderSettings() {
    Binder binder = new Binder(ConfigurationPropertySources.from(sources()));
    ProvidersProperties providers = binder.bindOrCreate("payment-router", ProvidersProperties.class);
    // Fails on a provider without a base URL (e.g. one whose API key variable did not meet its ConfigMap entry) or
    // without a connector type, as the application does outside local mode.
    JsonMapper json = JsonMapper.builder().build();
    assertThat(providers.toSettings(false, List.of(new SimulatorConnectorFactory(json),
        new StripeConnectorFactory(json, Clock.systemUTC()), new AdyenConnectorFactory(json, Clock.systemUTC()))))
        .hasSize(providers.providers().size());
    RoutingProperties routing = binder.bindOrCreate("payment-router.routing", RoutingProperties.class);
    // The application's own start-up check of routing against the providers: unknown providers, bad rules.
    assertThat(routing.toPolicy(List.copyOf(providers.providers().keySet())).defaultProviders())
        .isNotEmpty()
        .isSubsetOf(providers.providers().keySet());
  }

  @Test
  void credentialsArePassedOnlyThroughSecretKeyRefs() {
    chart().envEntries().forEach((name, entry) -> {
      if (name.endsWith("_PASSWORD") || name.endsWith("_USERNAME") || name.endsWith("_APIKEY")
          || name.startsWith("PAYMENTROUTER_TOKENENCRYPTION_KEYS_")
          || name.startsWith("PAYMENTROUTER_OPERATOR_TOKENS_")
          || name.matches("PAYMENTROUTER_PROVIDERS_[A-Z0-9]+_WEBHOOK(SECRETS|HMACKEYS)_\\d+")) {
        assertThat(Yaml.at(entry, "valueFrom", "secretKeyRef")).as(name).isNotNull();
        assertThat(entry).as(name).doesNotContainKey("value");
      }
    });
    assertThat(chart().envEntries()).containsKeys("SPRING_R2DBC_USERNAME", "SPRING_R2DBC_PASSWORD");
  }

  @Test
  void providersNotificationSecretsReachTheApplicationOnlyFromSecrets() {
    // Every notification secret the application binds came through a secretKeyRef (checked above), none through
    // the ConfigMap, whose provider entries carry no webhook secret keys at all.
    ProvidersProperties providers = new Binder(ConfigurationPropertySources.from(sources()))
        .bindOrCreate("payment-router", ProvidersProperties.class);
    long variables = chart().envEntries().keySet().stream()
        .filter(name -> name.matches("PAYMENTROUTER_PROVIDERS_[A-Z0-9]+_WEBHOOK(SECRETS|HMACKEYS)_\\d+")).count();
    long bound = providers.providers().values().stream().mapToLong(provider ->
        (provider.webhookSecrets() == null ? 0 : provider.webhookSecrets().size())
            + (provider.webhookHmacKeys() == null ? 0 : provider.webhookHmacKeys().size())).sum();
    assertThat(bound).isEqualTo(variables);
    assertThat(chart().configMapFiles().get(CONFIG_FILE)).doesNotContainIgnoringCase("webhookSecret")
        .doesNotContainIgnoringCase("webhook-secret").doesNotContainIgnoringCase("hmac");
  }

  @Test
  void theTokenEncryptionKeysComeFromASecretAndMakeAKeyRingTheApplicationAccepts() {
    assertThat(chart().envEntries().keySet()).anyMatch(name -> name.startsWith("PAYMENTROUTER_TOKENENCRYPTION_KEYS_"));
    TokenEncryptionProperties properties = new Binder(ConfigurationPropertySources.from(sources()))
        .bindOrCreate("payment-router.token-encryption", TokenEncryptionProperties.class);
    // The application's own start-up check: base64 of 32 bytes each, the active key among them.
    TokenCipher cipher = properties.toCipher();
    assertThat(cipher.keyIds()).contains(cipher.activeKeyId());
    assertThat(chart().configMapFiles().get(CONFIG_FILE)).doesNotContain("token-encryption")
        .doesNotContain("tokenEncryption");
  }

  @Test
  void noSecretValueAppearsInAnyConfigMap() {
    Set<String> secrets = new LinkedHashSet<>();
    for (Map<String, Object> secret : chart().all("Secret")) {
      secrets.addAll(chart().secretData((String) Yaml.at(secret, "metadata", "name")).values());
    }
    existingSecrets().values().forEach(data -> secrets.addAll(data.values()));
    if (valuesFile() != null) {
      collectSecretValues(Yaml.load(valuesFile()), secrets);
    }
    secrets.removeIf(value -> value.length() < 8);
    String configMaps = chart().all("ConfigMap").toString();
    for (String secret : secrets) {
      assertThat(configMaps).doesNotContain(secret);
    }
  }

  @Test
  void runsAsTheImagesNonRootUserWithAReadOnlyRootAndNoPrivileges() {
    Map<String, Object> pod = Yaml.map(chart().podSpec().get("securityContext"));
    String imageUser = Dockerfile.read().runtime().last("USER").arguments().split(":")[0];
    assertThat(pod.get("runAsNonRoot")).isEqualTo(true);
    assertThat(pod.get("runAsUser")).isEqualTo(Integer.parseInt(imageUser));
    assertThat(pod.get("fsGroup")).isNotNull();
    assertThat(Yaml.at(pod, "seccompProfile", "type")).isEqualTo("RuntimeDefault");
    Map<String, Object> container = Yaml.map(chart().container().get("securityContext"));
    assertThat(container.get("readOnlyRootFilesystem")).isEqualTo(true);
    assertThat(container.get("allowPrivilegeEscalation")).isEqualTo(false);
    assertThat(Yaml.at(container, "capabilities", "drop")).isEqualTo(List.of("ALL"));
    assertThat(mountedVolume("/tmp")).containsKey("emptyDir");
  }

  @Test
  void requestsAndLimitsResources() {
    Map<String, Object> resources = Yaml.map(chart().container().get("resources"));
    assertThat(Yaml.map(resources.get("requests"))).containsKeys("cpu", "memory");
    assertThat(Yaml.map(resources.get("limits"))).containsKey("memory");
  }

  @Test
  void theConfigMapIsMountedWhereSpringConfigAdditionalLocationPointsAndRollsThePods() {
    Map<String, Object> configMap = chart().configMap();
    String location = environment().get("SPRING_CONFIG_ADDITIONALLOCATION");
    assertThat(location).startsWith("file:").endsWith("/" + CONFIG_FILE);
    String directory = location.substring("file:".length(), location.length() - CONFIG_FILE.length() - 1);
    assertThat(Yaml.at(mountedVolume(directory), "configMap", "name")).isEqualTo(Yaml.at(configMap, "metadata",
        "name"));
    Map<String, Object> annotations = Yaml.map(Yaml.at(chart().one("Deployment"), "spec", "template", "metadata",
        "annotations"));
    assertThat(String.valueOf(annotations.get("checksum/config"))).matches("[0-9a-f]{64}");
  }

  @Test
  void terminationGraceCoversThePreStopPauseAndTheGracefulShutdown() {
    List<Object> preStop = Yaml.list(Yaml.at(chart().container(), "lifecycle", "preStop", "exec", "command"));
    assertThat(preStop.getFirst()).isEqualTo("sleep");
    long pause = Long.parseLong(String.valueOf(preStop.get(1)));
    assertThat(pause).isPositive();
    Duration shutdown = ApplicationSettings.resolve("spring.lifecycle.timeout-per-shutdown-phase", Duration.class,
        sources(), Duration.ofSeconds(30));
    assertThat(ApplicationSettings.resolve("server.shutdown", String.class, sources(), "immediate"))
        .isEqualTo("graceful");
    long grace = ((Number) chart().podSpec().get("terminationGracePeriodSeconds")).longValue();
    assertThat(grace).isGreaterThanOrEqualTo(pause + shutdown.toSeconds());
  }

  @Test
  void rollsOutWithoutEverDroppingBelowTheWantedCount() {
    Map<String, Object> strategy = Yaml.map(Yaml.at(chart().one("Deployment"), "spec", "strategy"));
    assertThat(strategy.get("type")).isEqualTo("RollingUpdate");
    assertThat(Yaml.at(strategy, "rollingUpdate", "maxUnavailable")).isEqualTo(0);
    assertThat(Yaml.at(strategy, "rollingUpdate", "maxSurge")).isEqualTo(1);
  }

  @Test
  void theServiceAndTheDisruptionBudgetSelectTheRoutersPods() {
    Map<String, Object> podLabels = Yaml.map(Yaml.at(chart().one("Deployment"), "spec", "template", "metadata",
        "labels"));
    Map<String, Object> service = chart().merchantService();
    assertThat(Yaml.at(service, "spec", "type")).isEqualTo("ClusterIP");
    assertThat(podLabels).containsAllEntriesOf(Yaml.map(Yaml.at(service, "spec", "selector")));
    Map<String, Object> port = Yaml.map(Yaml.list(Yaml.at(service, "spec", "ports")).getFirst());
    assertThat(port).containsEntry("port", 80).containsEntry("targetPort", "http").containsEntry("name", "http");
    Map<String, Object> budget = chart().one("PodDisruptionBudget");
    assertThat(podLabels).containsAllEntriesOf(Yaml.map(Yaml.at(budget, "spec", "selector", "matchLabels")));
    Set<String> limits = new LinkedHashSet<>(Yaml.map(budget.get("spec")).keySet());
    limits.retainAll(Set.of("minAvailable", "maxUnavailable"));
    assertThat(limits).hasSize(1);
  }

  /** The volume mounted at a path of the router's container. */
  Map<String, Object> mountedVolume(String mountPath) {
    String volume = null;
    for (Object mount : Yaml.list(chart().container().get("volumeMounts"))) {
      if (mountPath.equals(Yaml.map(mount).get("mountPath"))) {
        volume = (String) Yaml.map(mount).get("name");
      }
    }
    assertThat(volume).as("a volume mounted at " + mountPath).isNotNull();
    for (Object candidate : Yaml.list(chart().podSpec().get("volumes"))) {
      if (volume.equals(Yaml.map(candidate).get("name"))) {
        return Yaml.map(candidate);
      }
    }
    throw new AssertionError("no volume " + volume);
  }

  /** Values of keys that hold secrets in a values file. */
  private static void collectSecretValues(Object node, Set<String> into) {
    if (node instanceof Map<?, ?> map) {
      map.forEach((key, value) -> {
        if (value instanceof String text && List.of("apiKey", "password", "token").contains(String.valueOf(key))) {
          into.add(text);
        } else if (value instanceof List<?> items
            && List.of("webhookSecrets", "webhookHmacKeys").contains(String.valueOf(key))) {
          items.forEach(item -> into.add(String.valueOf(item)));
        } else {
          collectSecretValues(value, into);
        }
      });
    } else if (node instanceof List<?> list) {
      list.forEach(item -> collectSecretValues(item, into));
    }
  }
}
