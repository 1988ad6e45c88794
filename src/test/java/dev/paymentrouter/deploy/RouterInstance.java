package dev.paymentrouter.deploy;

import dev.paymentrouter.PaymentRouterApplication;
import dev.paymentrouter.testsupport.PrivateReactorResources;
import dev.paymentrouter.testsupport.TestEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.event.ApplicationStartingEvent;
import org.springframework.boot.context.event.SpringApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;

/**
 * The router started in this JVM with exactly a deployment's environment variables: no system properties, no
 * variables of the test JVM. Only the test harness adds settings of its own, kept apart from the deployment's:
 * free ports and the loopback address for the API and the management server ({@code server.port=0},
 * {@code server.address=127.0.0.1}, {@code management.server.port=0}, {@code management.server.address=127.0.0.1}).
 */
final class RouterInstance implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private static final Pattern AUTHORITY = Pattern.compile("(?<=//)([A-Za-z0-9.-]+):(\\d+)");

  private final ConfigurableApplicationContext context;
  private final int port;
  private final int managementPort;

  private RouterInstance(ConfigurableApplicationContext context) {
    this.context = context;
    this.port = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
    this.managementPort = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.management.port"));
  }

  /** Starts the router with these environment variables, as a container would get them. */
  static RouterInstance start(Map<String, String> environmentVariables) {
    return start(environmentVariables, 0);
  }

  /**
   * Starts the router with these environment variables, its API on this loopback port (0: a free one), for
   * stand-ins that must be told the router's address before it starts (simulators sending it notifications).
   */
  static RouterInstance start(Map<String, String> environmentVariables, int port) {
    StandardEnvironment environment = new StandardEnvironment();
    MutablePropertySources sources = environment.getPropertySources();
    sources.remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
    sources.remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
    sources.addLast(ApplicationSettings.environment(environmentVariables));
    sources.addFirst(new MapPropertySource("testHarness",
        Map.of("server.port", String.valueOf(port), "server.address", "127.0.0.1",
            "management.server.port", "0", "management.server.address", "127.0.0.1",
            // Where the environment opens the Stripe-compatible door: on a free port too.
            "payment-router.stripe-api.port", "0")));
    SpringApplication application = new SpringApplication(PaymentRouterApplication.class);
    application.setEnvironment(environment);
    application.setRegisterShutdownHook(false);
    application.addInitializers(new PrivateReactorResources());
    LoggingSetupTurn turn = new LoggingSetupTurn();
    application.addListeners(turn.take(), turn.giveBack());
    return new RouterInstance(application.run());
  }

  /**
   * Spring Boot sets logging up for the whole JVM while it prepares an application's environment; instances
   * started at once take turns there (and only there: their migrations and the rest of their start-up still run
   * together).
   */
  private static final class LoggingSetupTurn {

    private static final Semaphore TURN = new Semaphore(1);
    private final AtomicBoolean held = new AtomicBoolean();

    ApplicationListener<ApplicationStartingEvent> take() {
      record Take(LoggingSetupTurn turn) implements ApplicationListener<ApplicationStartingEvent>, Ordered {
        @Override
        public void onApplicationEvent(ApplicationStartingEvent event) {
          TURN.acquireUninterruptibly();
          turn.held.set(true);
        }

        @Override
        public int getOrder() {
          return Ordered.HIGHEST_PRECEDENCE;
        }
      }
      return new Take(this);
    }

    ApplicationListener<SpringApplicationEvent> giveBack() {
      record GiveBack(LoggingSetupTurn turn) implements ApplicationListener<SpringApplicationEvent>, Ordered {
        @Override
        public void onApplicationEvent(SpringApplicationEvent event) {
          boolean done = event instanceof ApplicationEnvironmentPreparedEvent || event instanceof ApplicationFailedEvent;
          if (done && turn.held.compareAndSet(true, false)) {
            TURN.release();
          }
        }

        @Override
        public int getOrder() {
          return Ordered.LOWEST_PRECEDENCE;
        }
      }
      return new GiveBack(this);
    }
  }

  /**
   * Points addresses of other containers ({@code host:port} after {@code //}) at what stands in for them here;
   * every address in {@code value} must have a stand-in.
   */
  static String rewriteAddresses(String value, Map<String, String> standIns) {
    Matcher matcher = AUTHORITY.matcher(value);
    StringBuilder rewritten = new StringBuilder();
    while (matcher.find()) {
      String standIn = standIns.get(matcher.group());
      if (standIn == null) {
        throw new AssertionError("no stand-in for " + matcher.group() + " in " + value);
      }
      matcher.appendReplacement(rewritten, Matcher.quoteReplacement(standIn));
    }
    matcher.appendTail(rewritten);
    return rewritten.toString();
  }

  /**
   * Does what the PostgreSQL container does with POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB, on the
   * embedded test server: an empty database owned by a login role. Returns the server's {@code host:port}.
   */
  static String freshDatabase(String database, String user, String password) {
    var server = TestEnvironment.database();
    try (Connection connection = DriverManager.getConnection(server.jdbcUrl(), "postgres", "");
        Statement sql = connection.createStatement()) {
      sql.execute("drop database if exists " + identifier(database) + " with (force)");
      String login = password == null || password.isEmpty() ? "login" : "login password '" + password.replace("'",
          "''") + "'";
      sql.execute("do $$ begin if not exists (select from pg_roles where rolname = '" + user + "') then "
          + "create role " + identifier(user) + " " + login + "; end if; end $$");
      sql.execute("alter role " + identifier(user) + " " + login);
      sql.execute("create database " + identifier(database) + " owner " + identifier(user));
    } catch (SQLException e) {
      throw new IllegalStateException("could not prepare database " + database, e);
    }
    return "127.0.0.1:" + server.port();
  }

  /** Rows of a query's single number, run on a database of the embedded server as its superuser. */
  static long count(String database, String query) {
    var server = TestEnvironment.database();
    String url = "jdbc:postgresql://127.0.0.1:" + server.port() + "/" + database;
    try (Connection connection = DriverManager.getConnection(url, "postgres", "");
        Statement sql = connection.createStatement();
        var rows = sql.executeQuery(query)) {
      rows.next();
      return rows.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String identifier(String name) {
    if (!name.matches("[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException("unexpected SQL identifier " + name);
    }
    return name;
  }

  /** A loopback port that was free a moment ago, for a router whose address others must know before it starts. */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where its API listens. */
  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /** Where its management server listens. */
  URI managementUri(String path) {
    return URI.create("http://127.0.0.1:" + managementPort + path);
  }

  /** The port its API listens on. */
  int port() {
    return port;
  }

  /** The port its management server listens on. */
  int managementPort() {
    return managementPort;
  }

  HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET().build());
  }

  /** A GET on the management port, with an operator's token unless it is null. */
  HttpResponse<String> management(String path, String operatorToken) {
    HttpRequest.Builder request = HttpRequest.newBuilder(managementUri(path)).timeout(Duration.ofSeconds(10)).GET();
    if (operatorToken != null) {
      request.header("Authorization", "Bearer " + operatorToken);
    }
    return send(request.build());
  }

  /**
   * The kubelet's way with an HTTP probe: a GET of {@code path} on the management port, each try given
   * {@code timeout}, tried up to {@code failureThreshold} times; the first answer of a try that did not time out, or
   * the last failure. Failed tries are reported on standard error, so that they stay visible in the test output.
   */
  HttpResponse<String> probe(String path, Duration timeout, int failureThreshold) {
    IllegalStateException last = null;
    for (int attempt = 1; attempt <= failureThreshold; attempt++) {
      try {
        return send(HttpRequest.newBuilder(managementUri(path)).timeout(timeout).GET().build());
      } catch (IllegalStateException e) {
        System.err.println("probe " + attempt + "/" + failureThreshold + " of " + path + " failed: " + e.getMessage());
        last = e;
      }
    }
    throw last;
  }

  HttpResponse<String> post(String path, Map<String, String> headers, String body) {
    return post(uri(path), headers, body);
  }

  /** A POST to its Stripe-compatible API, which must be open. */
  HttpResponse<String> postStripe(String path, Map<String, String> headers, String body) {
    String stripePort = context.getEnvironment().getRequiredProperty("local.stripe-api.port");
    return post(URI.create("http://127.0.0.1:" + stripePort + path), headers, body);
  }

  private static HttpResponse<String> post(URI uri, Map<String, String> headers, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    new LinkedHashMap<>(headers).forEach(request::header);
    return send(request.build());
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(request.uri() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    context.close();
  }
}
