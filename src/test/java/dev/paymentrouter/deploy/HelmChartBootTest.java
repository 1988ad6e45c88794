package dev.paymentrouter.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.TestEnvironment;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The router boots as the chart's pods would: the Deployment's environment (secrets resolved from the chart's
 * Secret) and its ConfigMap mounted as a file, as many replicas as the chart asks for, all started at once on an
 * empty database. Only the addresses of the database and the providers point at their stand-ins here, and the
 * mount lives under {@code target/}.
 */
class HelmChartBootTest {

  static final RenderedChart CHART = RenderedChart.defaults();
  static final Path MOUNTS = Path.of("target", "deploy-test", "helm-defaults");
  static final List<RouterInstance> REPLICAS = new ArrayList<>();
  static String database;

  @BeforeAll
  static void startEveryReplicaAtOnce() throws Exception {
    TestEnvironment.resetSimulators();
    Map<String, String> podEnvironment = CHART.resolvedEnvironment(Map.of());

    URI databaseUrl = URI.create(podEnvironment.get("SPRING_R2DBC_URL").substring("r2dbc:".length()));
    database = databaseUrl.getPath().substring(1);
    Map<String, String> standIns = new LinkedHashMap<>();
    standIns.put(databaseUrl.getAuthority(), RouterInstance.freshDatabase(database,
        podEnvironment.get("SPRING_R2DBC_USERNAME"), podEnvironment.get("SPRING_R2DBC_PASSWORD")));
    Map<String, Object> providers = Yaml.map(Yaml.at(Yaml.map(Yaml.loadAll(
        CHART.configMapFiles().get(ChartContract.CONFIG_FILE)).getFirst()), "payment-router", "providers"));
    providers.forEach((name, provider) -> standIns.put(
        URI.create(String.valueOf(Yaml.map(provider).get("baseUrl"))).getAuthority(),
        URI.create(TestEnvironment.simulator(name).baseUrl()).getAuthority()));

    Map<String, String> environment = new LinkedHashMap<>();
    Map<String, Path> mounts = mountConfigMaps(standIns);
    podEnvironment.forEach((name, value) -> {
      String local = RouterInstance.rewriteAddresses(value, standIns);
      for (Map.Entry<String, Path> mount : mounts.entrySet()) {
        local = local.replace("file:" + mount.getKey() + "/", "file:" + mount.getValue().toAbsolutePath() + "/");
      }
      environment.put(name, local);
    });

    int replicas = (Integer) Yaml.at(CHART.one("Deployment"), "spec", "replicas");
    try (ExecutorService starts = Executors.newFixedThreadPool(replicas)) {
      List<Future<RouterInstance>> started = new ArrayList<>();
      for (int i = 0; i < replicas; i++) {
        started.add(starts.submit(() -> RouterInstance.start(environment)));
      }
      for (Future<RouterInstance> replica : started) {
        REPLICAS.add(replica.get(2, TimeUnit.MINUTES));
      }
    }
  }

  /** Writes each ConfigMap volume's files, addresses pointed at stand-ins; mount path to local directory. */
  private static Map<String, Path> mountConfigMaps(Map<String, String> standIns) throws IOException {
    Map<String, Path> mounts = new LinkedHashMap<>();
    Map<String, Object> volumes = new LinkedHashMap<>();
    for (Object volume : Yaml.list(CHART.podSpec().get("volumes"))) {
      volumes.put((String) Yaml.map(volume).get("name"), volume);
    }
    for (Object mount : Yaml.list(CHART.container().get("volumeMounts"))) {
      Map<String, Object> volume = Yaml.map(volumes.get((String) Yaml.map(mount).get("name")));
      if (!volume.containsKey("configMap")) {
        continue;
      }
      assertThat(Yaml.at(volume, "configMap", "name")).isEqualTo(Yaml.at(CHART.configMap(), "metadata", "name"));
      String mountPath = (String) Yaml.map(mount).get("mountPath");
      Path directory = MOUNTS.resolve(mountPath.substring(1));
      Files.createDirectories(directory);
      for (Map.Entry<String, String> file : CHART.configMapFiles().entrySet()) {
        Files.writeString(directory.resolve(file.getKey()), RouterInstance.rewriteAddresses(file.getValue(), standIns));
      }
      mounts.put(mountPath, directory);
    }
    return mounts;
  }

  @AfterAll
  static void stop() {
    REPLICAS.forEach(RouterInstance::close);
  }

  @Test
  void everyReplicaAnswersEachProbeOfTheDeploymentWithUpOnItsPort() {
    assertThat(REPLICAS).hasSize(2);
    for (RouterInstance replica : REPLICAS) {
      for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
        String path = (String) Yaml.at(CHART.container(), probe, "httpGet", "path");
        // The probe names the container's port; here the management port is the harness's free one.
        assertThat(Yaml.at(CHART.container(), probe, "httpGet", "port")).isEqualTo("management");
        // As the kubelet probes: each try within the probe's timeout, failureThreshold tries before it counts.
        Duration timeout = Duration.ofSeconds(((Number) Yaml.at(CHART.container(), probe, "timeoutSeconds"))
            .longValue());
        int tries = ((Number) Yaml.at(CHART.container(), probe, "failureThreshold")).intValue();
        HttpResponse<String> response = replica.probe(path, timeout, Math.min(tries, 3));
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        assertThat(IntentClient.read(response.body().getBytes()).path("status").asString()).isEqualTo("UP");
      }
    }
  }

  @Test
  void theGeneratedOperatorTokenOpensTheOperatorEndpointsOfEveryReplica() {
    String token = CHART.resolvedEnvironment(Map.of()).get("PAYMENTROUTER_OPERATOR_TOKENS_ADMIN");
    for (RouterInstance replica : REPLICAS) {
      assertThat(replica.management("/actuator/intents", null).statusCode()).isEqualTo(401);
      assertThat(replica.management("/actuator/intents", token).statusCode()).isEqualTo(200);
      assertThat(replica.get("/actuator/intents").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void theMigrationsRanOnceThoughTheReplicasStartedTogether() throws IOException {
    long migrations;
    try (Stream<Path> files = Files.list(Path.of("db", "migration"))) {
      migrations = files.filter(file -> file.getFileName().toString().matches("V\\d+__.*\\.sql")).count();
    }
    assertThat(RouterInstance.count(database, "select count(*) from flyway_schema_history where success"))
        .isEqualTo(migrations);
    assertThat(RouterInstance.count(database, "select count(*) from flyway_schema_history where not success"))
        .isZero();
  }

  @Test
  void theProvidersComeFromTheMountedConfigMap() {
    for (RouterInstance replica : REPLICAS) {
      String token = CHART.resolvedEnvironment(Map.of()).get("PAYMENTROUTER_OPERATOR_TOKENS_ADMIN");
      JsonNode health = IntentClient.read(replica.management("/actuator/health", token).body().getBytes());
      assertThat(health.at("/components/providers/components").propertyNames())
          .containsExactlyInAnyOrder("alpha", "beta", "gamma");
    }
  }
}
