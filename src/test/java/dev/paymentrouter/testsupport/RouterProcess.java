package dev.paymentrouter.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The router as a child JVM of the test, so that a test can kill it abruptly (SIGKILL: no shutdown hook, no
 * graceful drain, in-flight provider calls and unanswered requests simply vanish) and start it again on the same
 * database and port. It runs {@code dev.paymentrouter.PaymentRouterApplication} with this JVM's java and class
 * path, configured only by {@code -D} properties; its output goes to {@code <logDirectory>/router-<n>.log}.
 *
 * <p>Every method that waits ({@link #start}, {@link #kill}, {@link #stop}) blocks its caller: call it from the
 * test thread, never from an event loop. A JVM shutdown hook kills any child a test left running.
 */
public final class RouterProcess implements AutoCloseable {

  private static final String MAIN_CLASS = "dev.paymentrouter.PaymentRouterApplication";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(
        () -> LIVE.forEach(Process::destroyForcibly), "router-process-reaper"));
  }

  /**
   * How to run the router.
   *
   * @param port             HTTP port of the API (loopback), kept across restarts; the management port is picked
   *                         by the process, also kept
   * @param r2dbcUrl         the database; username {@code postgres}, empty password
   * @param providers        provider name to base URL, in routing order
   * @param apiKey           the demo merchant's fixed key ({@code sk_...})
   * @param merchantId       the demo merchant's id
   * @param extraProperties  any further Spring properties (timeouts, rate limits, recovery tuning, ...)
   * @param jvmOptions       options of the child JVM (heap, JIT)
   * @param logDirectory     where {@code router-<n>.log} files go
   */
  public record Settings(
      int port,
      String r2dbcUrl,
      Map<String, String> providers,
      String apiKey,
      String merchantId,
      Map<String, String> extraProperties,
      List<String> jvmOptions,
      Path logDirectory) {

    public Settings {
      Objects.requireNonNull(r2dbcUrl, "r2dbcUrl");
      Objects.requireNonNull(apiKey, "apiKey");
      Objects.requireNonNull(merchantId, "merchantId");
      Objects.requireNonNull(logDirectory, "logDirectory");
      // Copies that keep the order: the providers' order is the routing order.
      providers = Collections.unmodifiableMap(new LinkedHashMap<>(providers));
      extraProperties = Collections.unmodifiableMap(new LinkedHashMap<>(extraProperties));
      jvmOptions = List.copyOf(jvmOptions);
    }
  }

  private final Settings settings;
  /** The management server's port, picked once: kept across restarts like the API's. */
  private final int managementPort = freePort();
  private final HttpClient probe = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(1))
      .build();
  private Process process;
  private Path log;
  private int starts;

  public RouterProcess(Settings settings) {
    this.settings = settings;
  }

  /** A port that is free on loopback now. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code http://127.0.0.1:<port>}. */
  public URI baseUrl() {
    return URI.create("http://127.0.0.1:" + settings.port());
  }

  /** {@code http://127.0.0.1:<management port>}: health, metrics and the operator endpoints. */
  public URI managementUrl() {
    return URI.create("http://127.0.0.1:" + managementPort);
  }

  /** How many times a router JVM was started. */
  public synchronized int starts() {
    return starts;
  }

  /** The log of the current (or last) router JVM. */
  public synchronized Path log() {
    return log;
  }

  public synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** Starts a new router JVM and waits until its readiness probe answers UP; fails with the log's tail if not. */
  public synchronized void start() {
    if (isAlive()) {
      throw new IllegalStateException("the router is already running (pid " + process.pid() + ")");
    }
    starts++;
    try {
      Files.createDirectories(settings.logDirectory());
      log = settings.logDirectory().resolve("router-" + starts + ".log");
      List<String> command = command();
      Files.writeString(log, "# " + Instant.now() + " " + String.join(" ", redacted(command)) + "\n",
          StandardCharsets.UTF_8);
      process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .start();
      LIVE.add(process);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the router JVM", e);
    }
    awaitReady();
  }

  /** SIGKILL: the JVM dies at once, without shutdown hooks, graceful shutdown or a last word to anyone. */
  public synchronized void kill() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    awaitExit(KILL_TIMEOUT);
  }

  /** SIGTERM: the router shuts down gracefully; killed if it takes longer than 30 s. */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    if (!awaitExit(STOP_TIMEOUT)) {
      kill();
    }
  }

  /** The last {@code lines} lines of the current router's log. */
  public synchronized String logTail(int lines) {
    if (log == null || !Files.exists(log)) {
      return "(no log)";
    }
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  @Override
  public synchronized void close() {
    if (process != null && process.isAlive()) {
      kill();
    }
    probe.close();
  }

  private List<String> command() {
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(settings.jvmOptions());
    // The child's scratch space stays where the test JVM's is (under target/).
    command.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
    command.add("-Djava.net.preferIPv4Stack=true");
    // The routers of the chaos run track buffers as the test JVM does; a leak shows as "LEAK:" in their logs.
    command.add("-Dio.netty.leakDetection.level=" + System.getProperty("io.netty.leakDetection.level", "simple"));
    properties().forEach((key, value) -> command.add("-D" + key + "=" + value));
    command.add("-cp");
    command.add(classPath());
    command.add(MAIN_CLASS);
    return command;
  }

  /**
   * This JVM's class path without the test classes: the router needs none of them, and component scanning would
   * pick up the tests' {@code @TestConfiguration} classes, which only a test context filters out.
   */
  private static String classPath() {
    Path testClasses;
    try {
      testClasses = Path.of(RouterProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException | RuntimeException e) {
      return System.getProperty("java.class.path");
    }
    return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        .filter(entry -> !entry.isBlank() && !Path.of(entry).toAbsolutePath().equals(testClasses.toAbsolutePath()))
        .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
  }

  private Map<String, String> properties() {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("spring.r2dbc.url", settings.r2dbcUrl());
    properties.put("spring.r2dbc.username", "postgres");
    properties.put("spring.r2dbc.password", "");
    properties.put("server.address", "127.0.0.1");
    properties.put("server.port", Integer.toString(settings.port()));
    properties.put("management.server.address", "127.0.0.1");
    properties.put("management.server.port", Integer.toString(managementPort));
    settings.providers().forEach((name, url) -> {
      properties.put("payment-router.providers." + name + ".type", "simulator");
      properties.put("payment-router.providers." + name + ".base-url", url);
    });
    if (!settings.providers().isEmpty()) {
      properties.put("payment-router.routing.order", String.join(",", settings.providers().keySet()));
    }
    properties.put("payment-router.demo-merchant.enabled", "true");
    properties.put("payment-router.demo-merchant.id", settings.merchantId());
    properties.put("payment-router.demo-merchant.api-key", settings.apiKey());
    // Fixed, so that a restarted router reads the tokens its predecessor stored.
    properties.putAll(TestEnvironment.tokenEncryption());
    properties.putAll(settings.extraProperties());
    return properties;
  }

  private List<String> redacted(List<String> command) {
    return command.stream()
        .map(argument -> argument.startsWith("-Dpayment-router.demo-merchant.api-key=")
            ? "-Dpayment-router.demo-merchant.api-key=sk_***" : argument)
        .map(argument -> argument.startsWith("-Dpayment-router.token-encryption.keys.")
            || argument.startsWith("-Dpayment-router.providers.") && argument.contains(".api-key=")
            ? argument.substring(0, argument.indexOf('=') + 1) + "***" : argument)
        .map(argument -> argument.length() > 300 ? argument.substring(0, 60) + "...(" + argument.length()
            + " chars)" : argument)
        .toList();
  }

  private void awaitReady() {
    URI readiness = managementUrl().resolve("/actuator/health/readiness");
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the router JVM exited with " + process.exitValue()
            + " before it was ready; " + log + " ends with:\n" + logTail(60));
      }
      try {
        HttpResponse<String> response = probe.send(
            HttpRequest.newBuilder(readiness).timeout(Duration.ofSeconds(2)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200 && response.body().contains("\"UP\"")) {
          return;
        }
        last = response.statusCode() + " " + response.body();
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the router", e);
      }
      sleep(Duration.ofMillis(200));
    }
    String tail = logTail(60);
    kill();
    throw new IllegalStateException("the router was not ready within " + READY_TIMEOUT + " (last probe: " + last
        + "); " + log + " ends with:\n" + tail);
  }

  private boolean awaitExit(Duration timeout) {
    try {
      process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      LIVE.remove(process);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      return false;
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
