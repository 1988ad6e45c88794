package dev.paymentrouter.operations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/**
 * What operators, Kubernetes probes and scrapers rely on, and what merchants must not reach: the endpoints live
 * on the management port only, where health and Prometheus answer anyone and everything else needs an operator.
 */
class ActuatorTest extends RouterIntegrationTest {

  /** The operator door's challenges, one header each. */
  static final String[] CHALLENGES = OperatorAuthentication.CHALLENGES.toArray(String[]::new);

  @Test
  void theApiPortAnswersNotFoundProblemsForEveryEndpoint() {
    for (String path : List.of("/actuator", "/actuator/health", "/actuator/health/readiness", "/actuator/intents",
        "/actuator/prometheus", "/actuator/metrics")) {
      client.get().uri(path).header(HttpHeaders.AUTHORIZATION, "Bearer " + OPERATOR_TOKEN).exchange()
          .expectStatus().isNotFound()
          .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
          .expectBody()
          .jsonPath("$.type").isEqualTo("urn:payment-router:problem:not_found")
          .jsonPath("$.code").isEqualTo("not_found")
          .jsonPath("$.status").isEqualTo(404)
          .jsonPath("$.instance").isEqualTo(path);
    }
    client.post().uri("/actuator/intents/pi_anything").exchange().expectStatus().isNotFound();
  }

  @Test
  void theManagementPortDoesNotServeTheMerchantApi() {
    management.get().uri("/v1/payment-intents/pi_anything").header(HttpHeaders.AUTHORIZATION,
            "Bearer " + newMerchant()).exchange()
        .expectStatus().isNotFound()
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
  }

  @Test
  void livenessAndReadinessAnswerUpToAnonymousProbes() {
    management.get().uri("/actuator/health/liveness").exchange()
        .expectStatus().isOk()
        .expectBody().jsonPath("$.status").isEqualTo("UP");
    management.get().uri("/actuator/health/readiness").exchange()
        .expectStatus().isOk()
        .expectBody().jsonPath("$.status").isEqualTo("UP");
    operator.get().uri("/actuator/health/readiness").exchange()
        .expectStatus().isOk()
        .expectBody()
        .jsonPath("$.components.r2dbc.status").isEqualTo("UP")
        .jsonPath("$.components.readinessState.status").isEqualTo("UP");
  }

  @Test
  void healthShowsAnonymousCallersItsStatusOnly() {
    management.get().uri("/actuator/health").exchange()
        .expectStatus().isOk()
        .expectBody()
        .jsonPath("$.status").isEqualTo("UP")
        .jsonPath("$.components").doesNotExist()
        .jsonPath("$.details").doesNotExist();
  }

  @Test
  void healthComponentsAreNotFoundAnonymouslyButShownToAnOperator() {
    management.get().uri("/actuator/health/providers").exchange().expectStatus().isNotFound();
    operator.get().uri("/actuator/health/providers").exchange()
        .expectStatus().isOk()
        .expectBody().jsonPath("$.components.alpha.details.circuit").isEqualTo("CLOSED");
  }

  @Test
  void healthListsEveryProviderWithItsSupervisorCircuitTokensAndQueueToAnOperator() {
    operator.get().uri("/actuator/health").exchange()
        .expectStatus().isOk()
        .expectBody()
        .jsonPath("$.status").isEqualTo("UP")
        .jsonPath("$.components.r2dbc.status").isEqualTo("UP")
        .jsonPath("$.components.providers.components.alpha.status").isEqualTo("UP")
        .jsonPath("$.components.providers.components.beta.status").isEqualTo("UP")
        .jsonPath("$.components.providers.components.gamma.status").isEqualTo("UP")
        .jsonPath("$.components.providers.components.alpha.details.supervisor").isEqualTo("RUNNING")
        .jsonPath("$.components.providers.components.alpha.details.circuit").isEqualTo("CLOSED")
        .jsonPath("$.components.providers.components.alpha.details.availableTokens").isNumber()
        .jsonPath("$.components.providers.components.alpha.details.queueDepth").isEqualTo(0);
  }

  @Test
  void operatorEndpointsRefuseCallersWithoutATokenWithAProblemAndBearerAndBasicChallenges() {
    for (String path : List.of("/actuator", "/actuator/intents", "/actuator/metrics", "/actuator/info")) {
      management.get().uri(path).exchange()
          .expectStatus().isUnauthorized()
          .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, CHALLENGES)
          .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
          .expectBody()
          .jsonPath("$.type").isEqualTo("urn:payment-router:problem:unauthorized")
          .jsonPath("$.code").isEqualTo("unauthorized")
          .jsonPath("$.status").isEqualTo(401)
          .jsonPath("$.instance").isEqualTo(path);
    }
    management.post().uri("/actuator/intents/pi_anything").exchange()
        .expectStatus().isUnauthorized()
        .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, CHALLENGES);
  }

  @Test
  void aWrongTokenIsRefusedEverywhereEvenOnHealth() {
    for (String token : List.of(OPERATOR_TOKEN + "x", OPERATOR_TOKEN.substring(1), newMerchant())) {
      for (String path : List.of("/actuator/intents", "/actuator/health")) {
        management.get().uri(path).header(HttpHeaders.AUTHORIZATION, "Bearer " + token).exchange()
            .expectStatus().isUnauthorized()
            .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, CHALLENGES)
            .expectBody().jsonPath("$.code").isEqualTo("unauthorized");
      }
    }
    management.get().uri("/actuator/intents").header(HttpHeaders.AUTHORIZATION, "Basic " + OPERATOR_TOKEN)
        .exchange().expectStatus().isUnauthorized();
  }

  @Test
  void basicWithTheTokenAsPasswordOpensTheDoorAndAWrongOneDoesNot() {
    management.get().uri("/actuator/intents").header(HttpHeaders.AUTHORIZATION, basic("anyone", OPERATOR_TOKEN))
        .exchange().expectStatus().isOk();
    management.get().uri("/actuator/intents").header(HttpHeaders.AUTHORIZATION, basic("anyone", OPERATOR_TOKEN + "x"))
        .exchange().expectStatus().isUnauthorized()
        .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, CHALLENGES);
    management.get().uri("/actuator/intents").header(HttpHeaders.AUTHORIZATION, "Basic %%%")
        .exchange().expectStatus().isUnauthorized();
  }

  private static String basic(String user, String password) {
    return "Basic " + java.util.Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void anOperatorSeesTheUnresolvedIntentsAndTheMetrics() {
    operator.get().uri("/actuator/intents").exchange()
        .expectStatus().isOk()
        .expectBody().jsonPath("$.unresolved").isNumber();
    operator.get().uri("/actuator/metrics/payment_router.intents.active").exchange()
        .expectStatus().isOk();
  }

  @Test
  void prometheusIsScrapedWithoutATokenAndCountsIntentsAndShowsProviderState() {
    new IntentClient(client, newMerchant()).created(IntentClient.body(4_200, "tok_visa"));
    management.get().uri("/actuator/prometheus").accept(MediaType.TEXT_PLAIN).exchange()
        .expectStatus().isOk()
        .expectBody(String.class).value(body -> assertThat(body)
            .containsPattern("(?m)^payment_router_intents_stored_total(\\{[^}]*})? [1-9]")
            .containsPattern("(?m)^payment_router_intents_final_total\\{[^}]*status=\"succeeded\"[^}]*} [1-9]")
            .containsPattern("(?m)^payment_router_provider_queue_depth\\{[^}]*provider=\"alpha\"[^}]*} 0")
            .containsPattern("(?m)^payment_router_provider_calls_seconds_count\\{[^}]*outcome=\"approved\""
                + "[^}]*provider=\"alpha\"[^}]*} [1-9]")
            .containsPattern("(?m)^resilience4j_circuitbreaker_state\\{[^}]*name=\"alpha\"[^}]*state=\"closed\"[^}]*} 1"));
  }
}
