package dev.paymentrouter.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.merchant.domain.ApiKeys;
import dev.paymentrouter.operations.OperatorProperties;
import dev.paymentrouter.platform.HealthProbe;
import dev.paymentrouter.provider.connector.SimulatorConnectorFactory;
import dev.paymentrouter.provider.connector.adyen.AdyenConnectorFactory;
import dev.paymentrouter.provider.connector.stripe.StripeConnectorFactory;
import dev.paymentrouter.provider.runtime.ProvidersProperties;
import dev.paymentrouter.simulator.ProviderSimulatorMain;
import dev.paymentrouter.simulator.SimulatorSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import tools.jackson.databind.json.JsonMapper;

/** docker-compose.yml is a working stack: every service there, healthy before it is used, wired consistently. */
class DockerComposeTest {

  static final List<String> SIMULATORS = List.of("alpha", "beta", "gamma");
  static final Pattern BASE_URL = Pattern.compile("PAYMENTROUTER_PROVIDERS_([A-Z0-9]+)_BASEURL");

  final ComposeFile compose = ComposeFile.read();
  final Map<String, String> router = compose.environment("router");

  @Test
  void hasTheDatabaseTheRouterAndThreeSimulatorsEachWithAHealthCheck() {
    assertThat(compose.services()).containsOnlyKeys("postgres", "router", "alpha", "beta", "gamma");
    for (String service : compose.services().keySet()) {
      assertThat(compose.healthCheckCommand(service)).as(service).isNotEmpty();
    }
    assertThat(compose.healthCheckCommand("postgres").getFirst()).isEqualTo("pg_isready");
  }

  @Test
  void keepsTheDatabaseOnANamedVolumeOfAPinnedMajorVersion() {
    Map<String, Object> postgres = compose.service("postgres");
    assertThat((String) postgres.get("image")).matches("postgres:\\d+(\\.\\d+)?(-[a-z0-9]+)?");
    String volume = String.valueOf(Yaml.list(postgres.get("volumes")).getFirst());
    assertThat(volume).endsWith(":/var/lib/postgresql/data");
    assertThat(Yaml.map(compose.root().get("volumes"))).containsKey(volume.substring(0, volume.indexOf(':')));
  }

  @Test
  void routerStartsOnlyOnceTheDatabaseAndEverySimulatorAreHealthy() {
    Map<String, Object> dependsOn = Yaml.map(compose.service("router").get("depends_on"));
    assertThat(dependsOn).containsOnlyKeys("postgres", "alpha", "beta", "gamma");
    dependsOn.forEach((service, condition) -> assertThat(Yaml.map(condition).get("condition"))
        .as(service).isEqualTo("service_healthy"));
  }

  @Test
  void everyVariableGivenToTheRouterIsOneTheApplicationReads() {
    PropertySource<?> environment = ApplicationSettings.environment(router);
    List<PropertySource<?>> all = new ArrayList<>();
    all.add(environment);
    all.addAll(ApplicationSettings.packagedDefaults());
    assertThat(ApplicationSettings.unreadKeys((EnumerablePropertySource<?>) environment, all)).isEmpty();
  }

  @Test
  void everyProviderPointsAtASimulatorServiceOnThePortItListensOn() {
    List<String> providers = new ArrayList<>();
    router.forEach((name, value) -> {
      Matcher provider = BASE_URL.matcher(name);
      if (!provider.matches()) {
        return;
      }
      URI url = URI.create(value);
      String service = url.getHost();
      providers.add(service);
      assertThat(service).as(name).isEqualTo(provider.group(1).toLowerCase());
      assertThat(compose.service(service).get("command")).as(service).isEqualTo(List.of("simulator"));
      // The simulator's own parser decides where it listens; it also rejects invalid settings.
      SimulatorSettings settings = ProviderSimulatorMain.fromEnvironment(compose.environment(service));
      assertThat(settings.host()).as(service).isEqualTo("0.0.0.0");
      assertThat(url.getPort()).as(name).isEqualTo(settings.port());
      assertThat(settings.name()).isEqualTo(service);
      assertThat(compose.publishedContainerPorts(service)).contains(settings.port());
    });
    assertThat(providers).containsExactlyInAnyOrderElementsOf(SIMULATORS);
    // Environment variables come without order: the routing order must be explicit.
    assertThat(router.get("PAYMENTROUTER_ROUTING_DEFAULT")).isEqualTo(String.join(",", SIMULATORS));
  }

  @Test
  void everyProviderPassesItsConnectorsChecksWithTheAddressesAsComposeWritesThem() {
    // The boot test rewrites the services' names to loopback; here they stay as the containers see them, so a
    // connector that refuses plain http to another host (Adyen's, unless told plain-http) is caught.
    ProvidersProperties providers = new Binder(ConfigurationPropertySources.from(routerSources()))
        .bindOrCreate("payment-router", ProvidersProperties.class);
    JsonMapper json = JsonMapper.builder().build();
    assertThat(providers.toSettings(false, List.of(new SimulatorConnectorFactory(json),
            new StripeConnectorFactory(json, Clock.systemUTC()), new AdyenConnectorFactory(json, Clock.systemUTC()))))
        .extracting(settings -> settings.name())
        .containsExactlyInAnyOrderElementsOf(SIMULATORS);
  }

  @Test
  void theStripeAndAdyenSimulatorsNotifyTheRouterSignedWithTheSecretItVerifiesTheirProviderWith() {
    ProvidersProperties providers = new Binder(ConfigurationPropertySources.from(routerSources()))
        .bindOrCreate("payment-router", ProvidersProperties.class);
    Map<String, String> notifying = new java.util.LinkedHashMap<>();
    for (String simulator : SIMULATORS) {
      SimulatorSettings settings = ProviderSimulatorMain.fromEnvironment(compose.environment(simulator));
      if (settings.notificationTarget() == null) {
        continue;
      }
      ProvidersProperties.Provider provider = providers.providers().get(simulator);
      String type = settings.dialect().wireName();
      notifying.put(simulator, type);
      // The router's service on the port it listens on inside the network, the receiver of this provider's type and
      // name: a notification posted anywhere else is a 404 (or nobody's), and its verdicts would be lost.
      assertThat(settings.notificationTarget()).as(simulator)
          .isEqualTo(URI.create("http://router:" + serverPort() + "/webhooks/" + type + "/" + simulator));
      assertThat(provider.type()).as(simulator).isEqualTo(type);
      // Both sides hold the same secret: the router verifies Stripe's signature with its webhook secrets and
      // Adyen's with its HMAC keys.
      List<String> verifying = "stripe".equals(type) ? provider.webhookSecrets() : provider.webhookHmacKeys();
      assertThat(verifying).as(simulator).containsExactly(settings.notificationSecret());
    }
    // (fromEnvironment refused an Adyen key that is not hex: the router, holding the same one, accepts it too)
    assertThat(notifying).containsExactly(Map.entry("alpha", "stripe"), Map.entry("beta", "adyen"));
  }

  @Test
  void theDatabaseUrlAndCredentialsAreThoseOfThePostgresService() {
    Map<String, String> postgres = compose.environment("postgres");
    URI url = URI.create(router.get("SPRING_R2DBC_URL").substring("r2dbc:".length()));
    assertThat(url.getScheme()).isEqualTo("postgresql");
    assertThat(url.getHost()).isEqualTo("postgres");
    assertThat(url.getPort()).isEqualTo(5432);
    assertThat(url.getPath()).isEqualTo("/" + postgres.get("POSTGRES_DB"));
    assertThat(router.get("SPRING_R2DBC_USERNAME")).isEqualTo(postgres.get("POSTGRES_USER"));
    assertThat(router.get("SPRING_R2DBC_PASSWORD")).isEqualTo(postgres.get("POSTGRES_PASSWORD"));
  }

  @Test
  void theDemoMerchantHasAFixedWellFormedKeyThatTheReadmeShows() throws IOException {
    assertThat(router.get("PAYMENTROUTER_DEMOMERCHANT_ENABLED")).isEqualTo("true");
    String key = router.get("PAYMENTROUTER_DEMOMERCHANT_APIKEY");
    assertThat(ApiKeys.isWellFormed(key)).isTrue();
    assertThat(Files.readString(Path.of("README.md"))).contains(key);
  }

  @Test
  void routerAndSimulatorsRunTheImageOfTheDockerfile() {
    for (String service : List.of("router", "alpha", "beta", "gamma")) {
      assertThat(compose.service(service).get("build")).as(service).isEqualTo(".");
      assertThat(compose.service(service).get("image")).as(service).isEqualTo("payment-router:local");
    }
    assertThat(compose.publishedContainerPorts("router")).containsExactly(serverPort(), managementPort(),
        stripeApiPort());
    assertThat(ApplicationSettings.resolve("payment-router.stripe-api.enabled", Boolean.class, routerSources(),
        false)).isTrue();
  }

  @Test
  void theRouterIsPublishedOnLoopbackOnlyForItsDemoCredentialsArePublic() {
    assertThat(compose.publishedPorts("router")).isNotEmpty().allSatisfy(port -> assertThat(port)
        .startsWith("127.0.0.1:"));
  }

  @Test
  void theDemoOperatorHasAFixedTokenThatTheApplicationAcceptsAndTheReadmeShows() throws IOException {
    Map<String, String> tokens = new java.util.LinkedHashMap<>();
    router.forEach((name, value) -> {
      if (name.startsWith("PAYMENTROUTER_OPERATOR_TOKENS_")) {
        tokens.put(name, value);
      }
    });
    assertThat(tokens).containsOnlyKeys("PAYMENTROUTER_OPERATOR_TOKENS_DEMO");
    OperatorProperties operators = new Binder(ConfigurationPropertySources.from(List.of(
        ApplicationSettings.environment(router)))).bindOrCreate("payment-router.operator", OperatorProperties.class);
    assertThat(operators.checkedOperators()).containsExactly("demo");
    assertThat(Files.readString(Path.of("README.md"))).contains(tokens.get("PAYMENTROUTER_OPERATOR_TOKENS_DEMO"));
  }

  @Test
  void healthChecksRunTheProbeFromTheImageAgainstWhatEachServiceServes() {
    String classes = Dockerfile.read().runtime().last("WORKDIR").arguments() + "/BOOT-INF/classes";
    // The router's readiness is on its management port, without a token.
    assertThat(probeUrl("router", classes))
        .isEqualTo(URI.create("http://127.0.0.1:" + managementPort() + "/actuator/health/readiness"));
    for (String simulator : SIMULATORS) {
      int port = ProviderSimulatorMain.fromEnvironment(compose.environment(simulator)).port();
      assertThat(probeUrl(simulator, classes)).isEqualTo(URI.create("http://127.0.0.1:" + port + "/_sim/stats"));
    }
  }

  @Test
  void routerGetsMoreTimeToStopThanItsGracefulShutdownTakes() {
    String grace = String.valueOf(compose.service("router").get("stop_grace_period"));
    java.time.Duration shutdown = ApplicationSettings.resolve("spring.lifecycle.timeout-per-shutdown-phase",
        java.time.Duration.class, ApplicationSettings.packagedDefaults(), java.time.Duration.ofSeconds(30));
    assertThat(grace).matches("\\d+s");
    assertThat(Long.parseLong(grace.replace("s", ""))).isGreaterThan(shutdown.toSeconds());
  }

  private int serverPort() {
    return ApplicationSettings.resolve("server.port", Integer.class, routerSources(), 8080);
  }

  private int stripeApiPort() {
    return ApplicationSettings.resolve("payment-router.stripe-api.port", Integer.class, routerSources(), 8082);
  }

  private int managementPort() {
    return ApplicationSettings.resolve("management.server.port", Integer.class, routerSources(), -1);
  }

  /** What the router starts with: compose's environment over its packaged defaults. */
  private List<PropertySource<?>> routerSources() {
    List<PropertySource<?>> all = new ArrayList<>();
    all.add(ApplicationSettings.environment(router));
    all.addAll(ApplicationSettings.packagedDefaults());
    return all;
  }

  /** The URL a service's health check asks, after checking it runs the JDK-only probe from the image's classes. */
  private URI probeUrl(String service, String classes) {
    List<String> command = compose.healthCheckCommand(service);
    assertThat(command.getFirst()).isEqualTo("java");
    assertThat(command).containsSubsequence("-cp", classes);
    assertThat(command).contains(HealthProbe.class.getName());
    return URI.create(command.getLast());
  }
}
