package dev.paymentrouter.merchant.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paymentrouter.merchant.domain.InboundLimit;
import dev.paymentrouter.merchant.domain.MerchantLimits;
import dev.paymentrouter.intent.runtime.IntentRegistry;
import dev.paymentrouter.simulator.SimulatorBehaviour;
import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import dev.paymentrouter.testsupport.TestEnvironment;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Per-merchant settings set on the operator API are checked field by field and then hold: a merchant's intents go
 * only to its allowed providers (also when failing over), its own routing rules come before the global ones, its own
 * share of active intents is enforced while other merchants keep theirs, and its inbound limit is there for the
 * limiter to read.
 */
@TestPropertySource(properties = {
    "payment-router.intents.max-active=8",
    "payment-router.intents.merchant-share=0.5"
})
@DirtiesContext
class MerchantSettingsTest extends RouterIntegrationTest {

  static final String MERCHANTS = "/operator/v1/merchants";

  @Autowired
  MerchantLimits limits;

  @Autowired
  IntentRegistry registry;

  @AfterEach
  void providersBack() {
    TestEnvironment.resetSimulators();
  }

  @Test
  void settingsAreCheckedAndEveryWrongFieldIsNamed() {
    String id = create().get("id").stringValue();
    operator.put().uri(MERCHANTS + "/" + id + "/settings").contentType(MediaType.APPLICATION_JSON)
        .bodyValue("""
            {"allowedProviders": ["alpha", "nowhere"], "activeIntentShare": 2,
             "inboundLimit": {"requestsPerSecond": 0, "burst": 10},
             "routingRules": [{"name": "x", "then": {"provider": "elsewhere"}}], "colour": "red"}""")
        .exchange()
        .expectStatus().isEqualTo(422)
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.errors[?(@.field == 'allowedProviders[1]')].code").isEqualTo("unknown_provider")
        .jsonPath("$.errors[?(@.field == 'activeIntentShare')].code").isEqualTo("invalid_share")
        .jsonPath("$.errors[?(@.field == 'inboundLimit.requestsPerSecond')].code").isEqualTo("invalid_number")
        .jsonPath("$.errors[?(@.field == 'routingRules[0]')].code").isEqualTo("unknown_provider")
        .jsonPath("$.errors[?(@.field == 'colour')].code").isEqualTo("unknown_field");
    // Nothing of it was kept.
    operator.get().uri(MERCHANTS + "/" + id).exchange().expectStatus().isOk().expectBody()
        .jsonPath("$.settings.allowedProviders").doesNotExist();
    operator.put().uri(MERCHANTS + "/mer_nobody/settings").contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
        .exchange().expectStatus().isNotFound();
  }

  @Test
  void theInboundLimitIsStoredAndReadableByTheLimiter() {
    String id = create().get("id").stringValue();
    assertThat(limits.inboundLimit(id)).isEmpty();
    put(id, "{\"inboundLimit\": {\"requestsPerSecond\": 20, \"burst\": 40}}")
        .jsonPath("$.settings.inboundLimit.requestsPerSecond").isEqualTo(20);
    assertThat(limits.inboundLimit(id)).isEqualTo(Optional.of(new InboundLimit(20, 40)));
    put(id, "{}");
    assertThat(limits.inboundLimit(id)).isEmpty();
  }

  @Test
  void aMerchantsIntentsGoOnlyToItsAllowedProvidersAlsoWhenThoseFail() {
    JsonNode created = create();
    put(created.get("id").stringValue(), "{\"allowedProviders\": [\"beta\"]}");
    IntentClient restricted = new IntentClient(client, created.get("apiKey").stringValue());
    IntentClient other = new IntentClient(client, create().get("apiKey").stringValue());

    // alpha comes first in the default list, and takes the other merchant's payment.
    assertThat(restricted.created(IntentClient.body(1_100, "tok_visa")).get("attempts").get(0)
        .get("provider").stringValue()).isEqualTo("beta");
    assertThat(other.created(IntentClient.body(1_100, "tok_visa")).get("attempts").get(0)
        .get("provider").stringValue()).isEqualTo("alpha");

    // With beta unreachable, its payment does not fail over to alpha or gamma.
    TestEnvironment.simulator("beta").update(SimulatorBehaviour.reliable().withAvailable(false));
    String id = restricted.created(IntentClient.body(1_200, "tok_visa")).get("id").stringValue();
    await().atMost(Duration.ofSeconds(30)).until(() ->
        !restricted.get(id).get("status").stringValue().equals("processing"));
    JsonNode intent = restricted.get(id);
    assertThat(intent.get("status").stringValue()).isEqualTo("failed");
    assertThat(intent.get("attempts").valueStream().map(a -> a.get("provider").stringValue()))
        .containsOnly("beta");
  }

  @Test
  void aMerchantsOwnRulesComeBeforeTheGlobalOnes() {
    JsonNode created = create();
    put(created.get("id").stringValue(), """
        {"routingRules": [{"name": "large-to-gamma", "when": {"minAmount": 5000}, "then": {"provider": "gamma"}}]}""")
        .jsonPath("$.settings.routingRules[0].name").isEqualTo("large-to-gamma");
    IntentClient own = new IntentClient(client, created.get("apiKey").stringValue());
    IntentClient other = new IntentClient(client, create().get("apiKey").stringValue());

    JsonNode large = own.created(IntentClient.body(6_000, "tok_visa")).get("attempts").get(0);
    assertThat(large.get("provider").stringValue()).isEqualTo("gamma");
    assertThat(large.get("routing").get("rule").stringValue()).isEqualTo("merchant:large-to-gamma");
    assertThat(own.created(IntentClient.body(100, "tok_visa")).get("attempts").get(0).get("provider")
        .stringValue()).isEqualTo("alpha");
    // The rule is this merchant's only.
    assertThat(other.created(IntentClient.body(6_000, "tok_visa")).get("attempts").get(0).get("provider")
        .stringValue()).isEqualTo("alpha");
  }

  @Test
  void aMerchantAtItsOwnShareGets429WhileAnotherStillCreates() {
    TestEnvironment.simulator("alpha").update(SimulatorBehaviour.reliable().withLatencyMs(1_500));
    JsonNode created = create();
    // One of the node's eight slots, where merchants at large get four.
    put(created.get("id").stringValue(), "{\"activeIntentShare\": 0.125}");
    IntentClient small = new IntentClient(client, created.get("apiKey").stringValue());
    IntentClient other = new IntentClient(client, create().get("apiKey").stringValue());

    small.create(IntentClient.body(1_000, "tok_visa"), "small-1-" + System.nanoTime(), "wait=0")
        .expectStatus().isCreated();
    small.create(IntentClient.body(1_001, "tok_visa"), "small-2-" + System.nanoTime(), "wait=0")
        .expectStatus().isEqualTo(429)
        .expectBody().jsonPath("$.code").isEqualTo("too_many_active_intents");
    for (int i = 0; i < 3; i++) {
      other.create(IntentClient.body(2_000 + i, "tok_visa"), "other-" + i + "-" + System.nanoTime(), "wait=0")
          .expectStatus().isCreated();
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> registry.active() == 0);
  }

  private JsonNode create() {
    return IntentClient.read(operator.post().uri(MERCHANTS).contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"name\": \"Settings shop\"}").exchange()
        .expectStatus().isCreated()
        .expectBody().returnResult().getResponseBody());
  }

  private org.springframework.test.web.reactive.server.WebTestClient.BodyContentSpec put(String id, String body) {
    return operator.put().uri(MERCHANTS + "/" + id + "/settings").contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body).exchange().expectStatus().isOk().expectBody();
  }
}
