package dev.paymentrouter.deploy;

import com.marcnuri.helm.Helm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The chart rendered by Helm ({@code helm template}) for one values file, parsed. Rendered once per values file
 * and test JVM: Helm runs as a native library, and every test of that values file shares the result.
 */
final class RenderedChart {

  static final Path CHART = Path.of("helm", "payment-router");
  static final String RELEASE = "payments";
  static final String NAMESPACE = "payments";
  /** Helm's library defaults to an old Kubernetes version; render for a current one (Chart.yaml needs 1.25+). */
  static final String KUBE_VERSION = "v1.31.0";

  private static final Map<String, RenderedChart> CACHE = new ConcurrentHashMap<>();

  private final String manifest;
  private final List<Map<String, Object>> objects;

  private RenderedChart(String manifest) {
    this.manifest = manifest;
    List<Map<String, Object>> parsed = new ArrayList<>();
    for (Object document : Yaml.loadAll(manifest)) {
      if (document != null) {
        parsed.add(Yaml.map(document));
      }
    }
    this.objects = List.copyOf(parsed);
  }

  /** The chart with its default values. */
  static RenderedChart defaults() {
    return CACHE.computeIfAbsent("", key -> new RenderedChart(template(null)));
  }

  /** The chart with a values file over its defaults. */
  static RenderedChart with(Path valuesFile) {
    return CACHE.computeIfAbsent(valuesFile.toAbsolutePath().toString(),
        key -> new RenderedChart(template(valuesFile)));
  }

  /** Renders, failing with Helm's message (schema violations included). */
  static String template(Path valuesFile) {
    var command = new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE)
        .withKubeVersion(KUBE_VERSION);
    if (valuesFile != null) {
      command = command.withValuesFile(valuesFile);
    }
    return command.call();
  }

  /** Helm's text output. */
  String manifest() {
    return manifest;
  }

  /** Every rendered object. */
  List<Map<String, Object>> objects() {
    return objects;
  }

  /** The rendered objects of a kind. */
  List<Map<String, Object>> all(String kind) {
    return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
  }

  /** The one rendered object of a kind; fails if there is none or several. */
  Map<String, Object> one(String kind) {
    List<Map<String, Object>> found = all(kind);
    if (found.size() != 1) {
      throw new AssertionError("expected one " + kind + ", rendered " + found.size());
    }
    return found.getFirst();
  }

  /** The router's container in the Deployment. */
  Map<String, Object> container() {
    List<Object> containers = Yaml.list(Yaml.at(one("Deployment"), "spec", "template", "spec", "containers"));
    return Yaml.map(containers.getFirst());
  }

  /** The pod spec of the Deployment. */
  Map<String, Object> podSpec() {
    return Yaml.map(Yaml.at(one("Deployment"), "spec", "template", "spec"));
  }

  /** The merchants' Service: the one that is not the management Service. */
  Map<String, Object> merchantService() {
    List<Map<String, Object>> found = all("Service").stream().filter(service -> !isManagementService(service))
        .toList();
    if (found.size() != 1) {
      throw new AssertionError("expected one merchant Service, rendered " + found.size());
    }
    return found.getFirst();
  }

  /** The management Service, if rendered. */
  java.util.Optional<Map<String, Object>> managementService() {
    return all("Service").stream().filter(RenderedChart::isManagementService).findFirst();
  }

  private static boolean isManagementService(Map<String, Object> service) {
    return isComponent(service, "management");
  }

  private static boolean isComponent(Map<String, Object> object, String component) {
    Object labels = Yaml.at(object, "metadata", "labels");
    return labels != null && component.equals(Yaml.map(labels).get("app.kubernetes.io/component"));
  }

  /** The router container's port of this name. */
  Map<String, Object> containerPort(String name) {
    for (Object port : Yaml.list(container().get("ports"))) {
      if (name.equals(Yaml.map(port).get("name"))) {
        return Yaml.map(port);
      }
    }
    throw new AssertionError("the container has no port named " + name);
  }

  /** The container's environment entries by name. */
  Map<String, Map<String, Object>> envEntries() {
    Map<String, Map<String, Object>> entries = new LinkedHashMap<>();
    for (Object entry : Yaml.list(container().get("env"))) {
      Map<String, Object> map = Yaml.map(entry);
      entries.put((String) map.get("name"), map);
    }
    return entries;
  }

  /**
   * The environment the container gets, as the kubelet resolves it: literal values, and secret references
   * looked up in the Secrets rendered by the chart or, for Secrets that exist outside the chart, in
   * {@code existingSecrets} (name to key to value).
   */
  Map<String, String> resolvedEnvironment(Map<String, Map<String, String>> existingSecrets) {
    Map<String, String> environment = new LinkedHashMap<>();
    envEntries().forEach((name, entry) -> {
      if (entry.containsKey("value")) {
        environment.put(name, String.valueOf(entry.get("value")));
        return;
      }
      Map<String, Object> ref = Yaml.map(Yaml.at(entry, "valueFrom", "secretKeyRef"));
      String secret = (String) ref.get("name");
      String key = (String) ref.get("key");
      String value = secretData(secret).getOrDefault(key,
          existingSecrets.getOrDefault(secret, Map.of()).get(key));
      environment.put(name, Objects.requireNonNull(value, () -> name + ": no key " + key + " in secret " + secret));
    });
    return environment;
  }

  /** Decoded data of a Secret the chart renders; empty if it renders no Secret of that name. */
  Map<String, String> secretData(String name) {
    Map<String, String> data = new LinkedHashMap<>();
    for (Map<String, Object> secret : all("Secret")) {
      if (name.equals(Yaml.at(secret, "metadata", "name"))) {
        Yaml.map(secret.getOrDefault("data", Map.of())).forEach((key, value) -> data.put(key,
            new String(Base64.getDecoder().decode(String.valueOf(value)), StandardCharsets.UTF_8)));
        Yaml.map(secret.getOrDefault("stringData", Map.of())).forEach((key, value) ->
            data.put(key, String.valueOf(value)));
      }
    }
    return data;
  }

  /** The application's ConfigMap: the one that is not the Grafana dashboard's. */
  Map<String, Object> configMap() {
    List<Map<String, Object>> found = all("ConfigMap").stream().filter(map -> !isComponent(map, "dashboard"))
        .toList();
    if (found.size() != 1) {
      throw new AssertionError("expected one application ConfigMap, rendered " + found.size());
    }
    return found.getFirst();
  }

  /** The ConfigMap of the Grafana dashboard, if rendered. */
  java.util.Optional<Map<String, Object>> dashboardConfigMap() {
    return all("ConfigMap").stream().filter(map -> isComponent(map, "dashboard")).findFirst();
  }

  /** The files of the application's ConfigMap (name to content). */
  Map<String, String> configMapFiles() {
    Map<String, String> files = new LinkedHashMap<>();
    Yaml.map(configMap().get("data")).forEach((key, value) -> files.put(key, String.valueOf(value)));
    return files;
  }
}
