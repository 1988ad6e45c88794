package dev.paymentrouter.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.TestEnvironment;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;

/**
 * The image without a Docker engine: the packaged jar is extracted with the Dockerfile's own command, the layers
 * are copied the way its runtime stage copies them, and the result is started with its ENTRYPOINT and ENV: once
 * as a simulator ({@code docker run IMAGE simulator}, compose's alpha) and once as the router with compose's
 * environment. Compose's health checks, run as in the image with only the application's classes on the class
 * path, decide when each is up. Only ports (the API's and the management server's), the loopback address and the
 * temporary directory are the harness's.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ImageLayoutIT {

  static final Path ROOT = Path.of("target", "image-it");
  static final Dockerfile DOCKERFILE = Dockerfile.read();
  static final ComposeFile COMPOSE = ComposeFile.read();
  static final String JAVA = ProcessHandle.current().info().command().orElseThrow();
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  static Path buildStage;
  static Path runtimeStage;
  static Process alpha;
  static Process router;
  static int alphaPort;
  static int routerPort;
  static int routerManagementPort;

  @BeforeAll
  static void assembleTheImageAndStartTheContainers() throws Exception {
    FileSystemUtils.deleteRecursively(ROOT);
    buildStage = ROOT.resolve("build-stage");
    runtimeStage = ROOT.resolve("runtime-stage");
    Files.createDirectories(ROOT.resolve("tmp"));

    // Build stage: the jar Maven packaged, extracted by the Dockerfile's RUN.
    Path work = inStage(buildStage, DOCKERFILE.stages().getFirst().last("WORKDIR").arguments());
    Files.createDirectories(work);
    Files.copy(packagedJar(), work.resolve("application.jar"));
    Dockerfile.Instruction extract = DOCKERFILE.stages().getFirst().all("RUN").stream()
        .filter(run -> run.arguments().contains("-Djarmode=tools")).findFirst().orElseThrow();
    List<String> command = new ArrayList<>(List.of(extract.arguments().split("\\s+")));
    command.set(0, JAVA);
    Process extraction = new ProcessBuilder(command).directory(work.toFile()).inheritIO().start();
    assertThat(extraction.waitFor(60, TimeUnit.SECONDS) && extraction.exitValue() == 0).as(command.toString())
        .isTrue();

    // Runtime stage: the layers, copied in the Dockerfile's order into its WORKDIR.
    Path app = inStage(runtimeStage, DOCKERFILE.runtime().last("WORKDIR").arguments());
    Files.createDirectories(app);
    for (Dockerfile.Instruction copy : DOCKERFILE.runtime().all("COPY")) {
      String[] parts = copy.arguments().split("\\s+");
      assertThat(parts[0]).isEqualTo("--from=" + DOCKERFILE.stages().getFirst().name());
      FileSystemUtils.copyRecursively(inStage(buildStage, parts[1]), app.resolve(parts[2]).normalize());
    }

    alphaPort = freePort();
    Map<String, String> alphaEnvironment = new LinkedHashMap<>(COMPOSE.environment("alpha"));
    alphaEnvironment.put("SIMULATOR_PORT", String.valueOf(alphaPort));
    alphaEnvironment.put("SIMULATOR_HOST", "127.0.0.1");
    alpha = container("alpha", Yaml.list(COMPOSE.service("alpha").get("command")).stream().map(String::valueOf)
        .toList(), alphaEnvironment);
    awaitHealthy("alpha", Map.of(COMPOSE.environment("alpha").get("SIMULATOR_PORT"), alphaPort),
        Duration.ofSeconds(60));

    TestEnvironment.resetSimulators();
    Map<String, String> postgres = COMPOSE.environment("postgres");
    Map<String, String> standIns = new LinkedHashMap<>();
    standIns.put("postgres:5432", RouterInstance.freshDatabase(postgres.get("POSTGRES_DB"),
        postgres.get("POSTGRES_USER"), postgres.get("POSTGRES_PASSWORD")));
    standIns.put("alpha:" + COMPOSE.environment("alpha").get("SIMULATOR_PORT"), "127.0.0.1:" + alphaPort);
    for (String simulator : List.of("beta", "gamma")) {
      standIns.put(simulator + ":" + COMPOSE.environment(simulator).get("SIMULATOR_PORT"),
          URI.create(TestEnvironment.simulator(simulator).baseUrl()).getAuthority());
    }
    Map<String, String> routerEnvironment = new LinkedHashMap<>();
    COMPOSE.environment("router").forEach((name, value) ->
        routerEnvironment.put(name, RouterInstance.rewriteAddresses(value, standIns)));
    routerPort = freePort();
    routerManagementPort = freePort();
    routerEnvironment.put("SERVER_PORT", String.valueOf(routerPort));
    routerEnvironment.put("SERVER_ADDRESS", "127.0.0.1");
    routerEnvironment.put("MANAGEMENT_SERVER_PORT", String.valueOf(routerManagementPort));
    routerEnvironment.put("MANAGEMENT_SERVER_ADDRESS", "127.0.0.1");
    router = container("router", List.of(), routerEnvironment);
    // Compose's check asks the management port; here that is the harness's free one.
    int checked = URI.create(COMPOSE.healthCheckCommand("router").getLast()).getPort();
    awaitHealthy("router", Map.of(String.valueOf(checked), routerManagementPort), Duration.ofSeconds(120));
  }

  @AfterAll
  static void stopWhatIsLeft() {
    for (Process process : new Process[] {router, alpha}) {
      if (process != null && process.isAlive()) {
        process.destroyForcibly();
      }
    }
  }

  @Test
  @Order(1)
  void theImageRunsTheRouterAndTheSimulatorWhoseHealthChecksPass() {
    assertThat(alpha.isAlive()).isTrue();
    assertThat(router.isAlive()).isTrue();
  }

  @Test
  @Order(2)
  void theDemoKeyChargesThroughTheSimulatorContainer() throws Exception {
    HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + routerPort
                + "/v1/payment-intents"))
            .header("Authorization", "Bearer " + COMPOSE.environment("router").get("PAYMENTROUTER_DEMOMERCHANT_APIKEY"))
            .header("Idempotency-Key", "image-it-1")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(IntentClient.body(1_299, "tok_visa")))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode intent = IntentClient.read(created.body().getBytes());
    assertThat(intent.at("/attempts/0/provider").asString()).isEqualTo("alpha");
    String ledger = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + alphaPort + "/_sim/ledger"))
        .build(), HttpResponse.BodyHandlers.ofString()).body();
    assertThat(ledger).contains(intent.at("/attempts/0/providerReference").asString());
  }

  @Test
  @Order(3)
  void theRouterShutsDownGracefullyWithinComposesStopGracePeriod() throws Exception {
    String grace = String.valueOf(COMPOSE.service("router").get("stop_grace_period"));
    router.destroy();
    assertThat(router.waitFor(Long.parseLong(grace.replace("s", "")), TimeUnit.SECONDS)).isTrue();
    assertThat(Files.readString(ROOT.resolve("router.log"))).contains("Graceful shutdown complete");
    alpha.destroy();
    assertThat(alpha.waitFor(10, TimeUnit.SECONDS)).isTrue();
  }

  /** A container: the image's ENTRYPOINT with these arguments, its ENV and the service's environment only. */
  static Process container(String name, List<String> arguments, Map<String, String> environment) throws IOException {
    List<String> command = new ArrayList<>(DOCKERFILE.runtime().last("ENTRYPOINT").execForm());
    assertThat(command.getFirst()).isEqualTo("java");
    command.set(0, JAVA);
    command.addAll(arguments);
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(inStage(runtimeStage, DOCKERFILE.runtime().last("WORKDIR").arguments()).toFile())
        .redirectErrorStream(true)
        .redirectOutput(ROOT.resolve(name + ".log").toFile());
    builder.environment().clear();
    builder.environment().putAll(imageEnvironment());
    builder.environment().putAll(environment);
    return builder.start();
  }

  /** Runs the service's compose health check until it passes; ports of the check are the harness's. */
  static void awaitHealthy(String service, Map<String, Integer> ports, Duration timeout) throws Exception {
    List<String> check = new ArrayList<>(COMPOSE.healthCheckCommand(service));
    check.set(0, JAVA);
    for (int i = 1; i < check.size(); i++) {
      if (check.get(i - 1).equals("-cp")) {
        check.set(i, inStage(runtimeStage, check.get(i)).toAbsolutePath().toString());
      }
    }
    String url = check.getLast();
    for (Map.Entry<String, Integer> port : ports.entrySet()) {
      url = url.replace(":" + port.getKey() + "/", ":" + port.getValue() + "/");
    }
    check.set(check.size() - 1, url);
    long deadline = System.nanoTime() + timeout.toNanos();
    Process container = service.equals("router") ? router : alpha;
    while (true) {
      ProcessBuilder builder = new ProcessBuilder(check).redirectErrorStream(true)
          .redirectOutput(ROOT.resolve(service + "-health.log").toFile());
      builder.environment().clear();
      builder.environment().putAll(imageEnvironment());
      Process probe = builder.start();
      if (probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0) {
        return;
      }
      assertThat(container.isAlive()).as(service + " exited; see " + ROOT.resolve(service + ".log")).isTrue();
      assertThat(System.nanoTime()).as(service + " not healthy in " + timeout).isLessThan(deadline);
      Thread.sleep(500);
    }
  }

  /** The Dockerfile's ENV of the runtime stage, and the harness's temporary directory. */
  static Map<String, String> imageEnvironment() {
    Map<String, String> environment = new LinkedHashMap<>();
    for (Dockerfile.Instruction env : DOCKERFILE.runtime().all("ENV")) {
      String[] pair = env.arguments().split("=", 2);
      environment.put(pair[0], pair[1].replaceAll("^\"|\"$", ""));
    }
    environment.put("JDK_JAVA_OPTIONS", "-Djava.io.tmpdir=" + ROOT.resolve("tmp").toAbsolutePath());
    return environment;
  }

  /** A path of a stage's filesystem, under that stage's directory here. */
  static Path inStage(Path stage, String path) {
    assertThat(path).startsWith("/");
    return stage.resolve(path.substring(1));
  }

  static Path packagedJar() throws IOException {
    try (DirectoryStream<Path> jars = Files.newDirectoryStream(Path.of("target"), "payment-router-*.jar")) {
      return jars.iterator().next();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
