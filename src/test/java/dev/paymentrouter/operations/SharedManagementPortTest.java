package dev.paymentrouter.operations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.merchant.domain.ApiKeys;
import dev.paymentrouter.merchant.domain.Merchant;
import dev.paymentrouter.merchant.runtime.MerchantStore;
import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import dev.paymentrouter.testsupport.TestEnvironment;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * An operator who puts the endpoints back on the API port (no {@code management.server.port} of their own): then
 * only the endpoints' paths are guarded, the same way, and the merchant API is unchanged. Not a
 * {@code RouterIntegrationTest}: that one gives the management server an address, which Spring Boot refuses when
 * there is no management server of its own.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "management.server.port=",
    "payment-router.operator.tokens.shared-port-operator=" + SharedManagementPortTest.TOKEN})
@AutoConfigureWebTestClient
class SharedManagementPortTest {

  /** The operator door's challenges, one header each. */
  static final String[] CHALLENGES = OperatorAuthentication.CHALLENGES.toArray(String[]::new);

  static final String TOKEN = "op_shared_port_token_0123456789";

  static {
    TestEnvironment.publish();
  }

  WebTestClient client;

  @LocalServerPort
  int port;

  @BeforeEach
  void client() {
    client = RouterIntegrationTest.http("http://127.0.0.1:" + port);
  }

  @Autowired
  MerchantStore merchants;

  @DynamicPropertySource
  static void isolatedDatabase(DynamicPropertyRegistry registry) {
    TestEnvironment.isolatedDatabase().forEach((key, value) -> registry.add(key, () -> value));
  }

  @Test
  void healthAnswersAnonymousProbesWithItsStatusOnly() {
    client.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk()
        .expectBody().jsonPath("$.status").isEqualTo("UP");
    client.get().uri("/actuator/health").exchange().expectStatus().isOk()
        .expectBody().jsonPath("$.status").isEqualTo("UP").jsonPath("$.components").doesNotExist();
  }

  @Test
  void operatorEndpointsNeedTheOperatorTokenThere() {
    client.get().uri("/actuator/intents").exchange()
        .expectStatus().isUnauthorized()
        .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, CHALLENGES)
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.code").isEqualTo("unauthorized");
    client.get().uri("/actuator/intents").header(HttpHeaders.AUTHORIZATION, "Bearer " + merchantKey()).exchange()
        .expectStatus().isUnauthorized();
    client.get().uri("/actuator/intents").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN).exchange()
        .expectStatus().isOk();
    client.get().uri("/actuator/health").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN).exchange()
        .expectStatus().isOk()
        .expectBody().jsonPath("$.components.providers.components.alpha.status").isEqualTo("UP");
  }

  @Test
  void theOperatorApiIsServedAndGuardedOnTheSharedPort() {
    client.get().uri("/operator/v1/merchants").exchange()
        .expectStatus().isUnauthorized()
        .expectBody().jsonPath("$.code").isEqualTo("unauthorized");
    client.get().uri("/operator/v1/merchants").header(HttpHeaders.AUTHORIZATION, "Bearer " + merchantKey())
        .exchange().expectStatus().isUnauthorized();
    client.post().uri("/operator/v1/merchants").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
        .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"name\": \"Shared port shop\"}").exchange()
        .expectStatus().isCreated()
        .expectBody().jsonPath("$.apiKey").isNotEmpty();
  }

  @Test
  void pathsSpelledOtherwiseButRoutedToAnEndpointAreGuardedAlike() {
    // Matrix variables and encoded characters do not change which handler answers, so they change nothing here.
    for (String path : List.of("/actuator;x=1/intents", "/actuator/intents;x=1", "/actuator/%69ntents",
        "/actuator/intents/")) {
      client.get().uri(URI.create("http://127.0.0.1:" + port + path)).exchange()
          .expectStatus().value(status -> assertThat(status).as(path).isIn(401, 404));
    }
  }

  @Test
  void theMerchantApiIsUntouchedByTheOperatorCheck() {
    new IntentClient(client, merchantKey()).created(IntentClient.body(1_000, "tok_visa"));
    client.get().uri("/v1/payment-intents/pi_01M8EA1VSR4Q5WA3CSZWDD073M")
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + merchantKey()).exchange()
        .expectStatus().isNotFound()
        .expectBody().jsonPath("$.code").isEqualTo("intent_not_found");
  }

  private String merchantKey() {
    String id = "m_shared_port_" + System.nanoTime();
    String key = ApiKeys.generate(new SplittableRandom());
    merchants.ensureMerchant(new Merchant(id, id))
        .then(merchants.addKey(id, ApiKeys.hash(key), ApiKeys.displayPrefix(key)))
        .block(Duration.ofSeconds(10));
    return key;
  }
}
