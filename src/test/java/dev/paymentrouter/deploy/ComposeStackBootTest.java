package dev.paymentrouter.deploy;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paymentrouter.platform.HealthProbe;
import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.simulator.ProviderSimulator;
import dev.paymentrouter.simulator.ProviderSimulatorMain;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The router boots with exactly the environment docker-compose.yml gives it. Only the addresses of the other
 * containers are pointed at their stand-ins here: the embedded PostgreSQL (prepared the way the postgres service
 * prepares its database) and the test simulators.
 */
class ComposeStackBootTest {

  static final ComposeFile COMPOSE = ComposeFile.read();
  static RouterInstance router;
  /** The compose file's simulators, each started from its service's environment (on a free loopback port). */
  static final List<ProviderSimulator> SIMULATORS = new ArrayList<>();

  @BeforeAll
  static void startWithTheComposeEnvironment() {
    Map<String, String> postgres = COMPOSE.environment("postgres");
    Map<String, String> standIns = new LinkedHashMap<>();
    standIns.put("postgres:5432", RouterInstance.freshDatabase(postgres.get("POSTGRES_DB"),
        postgres.get("POSTGRES_USER"), postgres.get("POSTGRES_PASSWORD")));
    // The simulators start first and post their notifications to the router's service: they are told the port the
    // router will take.
    int routerPort = RouterInstance.freePort();
    // (rewriteAddresses fails on any other address, e.g. a port changed in compose but not here)
    Map<String, String> routerService = Map.of("router:8080", "127.0.0.1:" + routerPort);
    for (String simulator : DockerComposeTest.SIMULATORS) {
      Map<String, String> own = new LinkedHashMap<>();
      COMPOSE.environment(simulator).forEach((name, value) ->
          own.put(name, RouterInstance.rewriteAddresses(value, routerService)));
      String port = own.put("SIMULATOR_PORT", "0");
      own.put("SIMULATOR_HOST", "127.0.0.1");
      ProviderSimulator started = ProviderSimulator.start(ProviderSimulatorMain.fromEnvironment(own));
      SIMULATORS.add(started);
      standIns.put(simulator + ":" + port, URI.create(started.baseUrl()).getAuthority());
    }
    Map<String, String> environment = new LinkedHashMap<>();
    COMPOSE.environment("router").forEach((name, value) ->
        environment.put(name, RouterInstance.rewriteAddresses(value, standIns)));
    router = RouterInstance.start(environment, routerPort);
  }

  @AfterAll
  static void stop() {
    if (router != null) {
      router.close();
    }
    SIMULATORS.forEach(ProviderSimulator::close);
  }

  @Test
  void livenessAndReadinessAnswerUpOnTheManagementPortAsTheProbesExpect() {
    for (String probe : List.of("/actuator/health/liveness", "/actuator/health/readiness")) {
      HttpResponse<String> response = router.management(probe, null);
      assertThat(response.statusCode()).as(probe).isEqualTo(200);
      assertThat(IntentClient.read(response.body().getBytes()).path("status").asString()).as(probe)
          .isEqualTo("UP");
    }
  }

  @Test
  void theComposeHealthCheckPasses() {
    URI asked = URI.create(COMPOSE.healthCheckCommand("router").getLast());
    URI here = router.managementUri(asked.getPath());
    assertThat(HealthProbe.check(here, Duration.ofSeconds(5)).healthy()).isTrue();
  }

  @Test
  void theApiPortServesNoEndpoint() {
    assertThat(router.get("/actuator/health").statusCode()).isEqualTo(404);
    assertThat(router.get("/actuator/intents").statusCode()).isEqualTo(404);
  }

  @Test
  void theDemoOperatorsTokenOpensTheOperatorEndpointsAndNothingElseDoes() {
    assertThat(router.management("/actuator/intents", null).statusCode()).isEqualTo(401);
    assertThat(router.management("/actuator/intents", "op_notTheComposeDemoOperatorToken0").statusCode())
        .isEqualTo(401);
    assertThat(router.management("/actuator/intents", operatorToken()).statusCode()).isEqualTo(200);
  }

  @Test
  void seesEveryProviderOfTheEnvironment() {
    JsonNode health = IntentClient.read(router.management("/actuator/health", operatorToken()).body().getBytes());
    for (String provider : DockerComposeTest.SIMULATORS) {
      assertThat(health.at("/components/providers/components/" + provider + "/status").asString())
          .as(provider).isEqualTo("UP");
    }
    assertThat(health.at("/components/r2dbc/status").asString()).isEqualTo("UP");
  }

  @Test
  void theDemoKeyOfComposeCreatesAnIntentRoutedToAlphaFirst() {
    String key = COMPOSE.environment("router").get("PAYMENTROUTER_DEMOMERCHANT_APIKEY");
    HttpResponse<String> response = router.post("/v1/payment-intents", Map.of(
            "Authorization", "Bearer " + key,
            "Idempotency-Key", "compose-boot-" + System.nanoTime(),
            "Content-Type", "application/json"),
        IntentClient.body(1_299, "tok_visa"));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    JsonNode intent = IntentClient.read(response.body().getBytes());
    assertThat(intent.path("status").asString()).isEqualTo("succeeded");
    assertThat(intent.at("/attempts/0/provider").asString()).isEqualTo("alpha");
  }

  @Test
  void theStripeCompatibleApiTakesAPaymentWithTheDemoKeyAsCurlSendsIt() {
    String key = COMPOSE.environment("router").get("PAYMENTROUTER_DEMOMERCHANT_APIKEY");
    HttpResponse<String> response = router.postStripe("/v1/payment_intents", Map.of(
            "Authorization", "Basic " + Base64.getEncoder().encodeToString((key + ":").getBytes(UTF_8)),
            "Idempotency-Key", "compose-stripe-" + System.nanoTime(),
            "Content-Type", "application/x-www-form-urlencoded"),
        "amount=1299&currency=eur&payment_method=pm_card_visa&confirm=true");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode intent = IntentClient.read(response.body().getBytes());
    assertThat(intent.path("status").asString()).isEqualTo("succeeded");
    assertThat(intent.at("/metadata/router_provider").asString()).isEqualTo("alpha");
  }

  @Test
  void alphasStripeNotificationOfTheChargeReachesTheRouterAndPassesItsSignatureCheck() {
    String key = COMPOSE.environment("router").get("PAYMENTROUTER_DEMOMERCHANT_APIKEY");
    HttpResponse<String> response = router.post("/v1/payment-intents", Map.of(
            "Authorization", "Bearer " + key,
            "Idempotency-Key", "compose-notified-" + System.nanoTime(),
            "Content-Type", "application/json"),
        IntentClient.body(2_499, "tok_visa"));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    String id = IntentClient.read(response.body().getBytes()).path("id").asString();
    // Stored only once its Stripe-Signature verified with the router's webhook secret (else 401, nothing stored).
    String stored = "select count(*) from provider_notifications where provider = 'alpha' and intent_id = '"
        + id.replace("'", "''") + "'";
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(RouterInstance.count(COMPOSE.environment("postgres").get("POSTGRES_DB"), stored)).isPositive());
  }

  private static String operatorToken() {
    return COMPOSE.environment("router").get("PAYMENTROUTER_OPERATOR_TOKENS_DEMO");
  }

  @Test
  void aWrongKeyIsRefused() {
    HttpResponse<String> response = router.post("/v1/payment-intents", Map.of(
            "Authorization", "Bearer sk_notTheComposeDemoKey0000",
            "Idempotency-Key", "compose-boot-" + System.nanoTime(),
            "Content-Type", "application/json"),
        IntentClient.body(1_299, "tok_visa"));
    assertThat(response.statusCode()).isEqualTo(401);
  }
}
