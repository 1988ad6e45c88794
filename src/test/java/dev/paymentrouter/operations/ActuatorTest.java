package dev.paymentrouter.operations;

import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/** What operators and Kubernetes probes rely on. */
class ActuatorTest extends RouterIntegrationTest {

  @Test
  void livenessAndReadinessAnswerUpAsTheProbesExpect() {
    client.get().uri("/actuator/health/liveness").exchange()
        .expectStatus().isOk()
        .expectBody().jsonPath("$.status").isEqualTo("UP");
    client.get().uri("/actuator/health/readiness").exchange()
        .expectStatus().isOk()
        .expectBody()
        .jsonPath("$.status").isEqualTo("UP")
        .jsonPath("$.components.r2dbc.status").isEqualTo("UP")
        .jsonPath("$.components.readinessState.status").isEqualTo("UP");
  }

  @Test
  void healthListsEveryProviderWithItsSupervisorCircuitTokensAndQueue() {
    client.get().uri("/actuator/health").exchange()
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
  void metricsCountIntentsAndShowProviderState() {
    new IntentClient(client, newMerchant()).created(IntentClient.body(4_200, "tok_visa"));
    client.get().uri("/actuator/prometheus").accept(MediaType.TEXT_PLAIN).exchange()
        .expectStatus().isOk()
        .expectBody(String.class).value(body -> org.assertj.core.api.Assertions.assertThat(body)
            .containsPattern("(?m)^payment_router_intents_stored_total(\\{[^}]*})? [1-9]")
            .containsPattern("(?m)^payment_router_intents_final_total\\{[^}]*status=\"succeeded\"[^}]*} [1-9]")
            .containsPattern("(?m)^payment_router_provider_queue_depth\\{[^}]*provider=\"alpha\"[^}]*} 0")
            .containsPattern("(?m)^payment_router_provider_calls_seconds_count\\{[^}]*outcome=\"approved\""
                + "[^}]*provider=\"alpha\"[^}]*} [1-9]")
            .containsPattern("(?m)^resilience4j_circuitbreaker_state\\{[^}]*name=\"alpha\"[^}]*state=\"closed\"[^}]*} 1"));
  }
}
