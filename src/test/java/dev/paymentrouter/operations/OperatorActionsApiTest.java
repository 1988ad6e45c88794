package dev.paymentrouter.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paymentrouter.merchant.domain.ApiKeys;
import dev.paymentrouter.merchant.domain.Merchant;
import dev.paymentrouter.provider.domain.RouterRefusal;
import dev.paymentrouter.provider.runtime.ProviderDirectory;
import dev.paymentrouter.provider.runtime.ProviderGatekeeper;
import dev.paymentrouter.routing.domain.ProviderAvailability;
import dev.paymentrouter.simulator.ProviderSimulator;
import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import dev.paymentrouter.testsupport.TestEnvironment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * The operator actions on the management port: a forced breaker refuses at once and {@code auto} gives it back, a
 * drained provider gets no new attempt while its unknown charge is still reconciled with it, every action is
 * recorded with the operator's name, and actions must be JSON from the management server's own origin.
 */
@TestPropertySource(properties = {
    // A lost response turns unknown after a second, not five: the reconciliation test waits for it.
    "payment-router.providers.alpha.pool.call-timeout=1s",
    "payment-router.operator.controls-poll=1s"
})
class OperatorActionsApiTest extends RouterIntegrationTest {

  static final String PROVIDERS = "/operator/v1/providers/";

  @Autowired
  ProviderDirectory providers;

  @AfterEach
  void giveEveryProviderBack() {
    for (String provider : providers.names()) {
      post(PROVIDERS + provider + "/breaker", "{\"state\":\"auto\"}").expectStatus().isOk();
      post(PROVIDERS + provider + "/drain", "{\"drained\":false}").expectStatus().isOk();
    }
  }

  @Test
  void aForcedOpenBreakerRefusesAtOnceAndAutoRestoresIt() {
    post(PROVIDERS + "alpha/breaker", "{\"state\":\"forced_open\"}").expectStatus().isOk().expectBody()
        .jsonPath("$.circuit").isEqualTo("FORCED_OPEN")
        .jsonPath("$.forcedOpen").isEqualTo(true)
        .jsonPath("$.operator").isEqualTo(OPERATOR);

    ProviderGatekeeper alpha = providers.find("alpha").orElseThrow().gatekeeper();
    assertThat(alpha.admit().block(Duration.ofSeconds(5)))
        .isEqualTo(new ProviderGatekeeper.Admission.Refused(RouterRefusal.CIRCUIT_OPEN));
    JsonNode intent = new IntentClient(client, newMerchant()).created(IntentClient.body(1_000, "tok_visa"));
    assertThat(intent.get("status").stringValue()).isEqualTo("succeeded");
    assertThat(intent.at("/attempts/0/provider").stringValue()).isEqualTo("beta");

    post(PROVIDERS + "alpha/breaker", "{\"state\":\"auto\"}").expectStatus().isOk().expectBody()
        .jsonPath("$.circuit").isEqualTo("CLOSED")
        .jsonPath("$.forcedOpen").isEqualTo(false);
    assertThat(alpha.availability()).isEqualTo(ProviderAvailability.AVAILABLE);
    JsonNode after = new IntentClient(client, newMerchant()).created(IntentClient.body(1_000, "tok_visa"));
    assertThat(after.at("/attempts/0/provider").stringValue()).isEqualTo("alpha");
  }

  @Test
  void everyActionIsRecordedWithTheTokensOperatorNewestFirst() {
    // Basic with any user name: the token says who acted.
    management.post().uri(PROVIDERS + "gamma/drain")
        .header(HttpHeaders.AUTHORIZATION, "Basic " + Base64.getEncoder()
            .encodeToString(("mallory:" + OPERATOR_TOKEN).getBytes(StandardCharsets.UTF_8)))
        .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"drained\":true}")
        .exchange().expectStatus().isOk();
    post(PROVIDERS + "gamma/breaker", "{\"state\":\"forced_open\"}").expectStatus().isOk();

    JsonNode actions = IntentClient.read(operator.get().uri("/operator/v1/actions?limit=2").exchange()
        .expectStatus().isOk().expectBody().returnResult().getResponseBody()).get("data");
    assertThat(actions).hasSize(2);
    assertThat(actions.get(0).get("action").stringValue()).isEqualTo("breaker");
    assertThat(actions.get(0).get("target").stringValue()).isEqualTo("gamma");
    assertThat(actions.get(0).get("operator").stringValue()).isEqualTo(OPERATOR);
    assertThat(actions.get(0).get("node").stringValue()).isNotBlank();
    assertThat(actions.get(1).get("action").stringValue()).isEqualTo("drain");
    assertThat(actions.get(1).get("operator").stringValue()).isEqualTo(OPERATOR);
    assertThat(actions.get(1).get("detail").stringValue()).contains("\"drained\": true");
    // And the controls every replica applies.
    assertThat(db.sql("select drained, breaker, updated_by from provider_controls where provider = 'gamma'")
        .map(row -> row.get("drained", Boolean.class) + " " + row.get("breaker", String.class) + " "
            + row.get("updated_by", String.class))
        .one().block(Duration.ofSeconds(5))).isEqualTo("true forced_open " + OPERATOR);

    operator.get().uri("/operator/v1/actions?limit=0").exchange().expectStatus().isBadRequest();
  }

  @Test
  void aDrainedProviderGetsNoNewAttemptButItsUnknownChargeIsStillReconciledWithIt() {
    ProviderSimulator alpha = TestEnvironment.simulator("alpha");
    IntentClient merchant = new IntentClient(client, newMerchant());
    // The simulator charges this token and never answers.
    String unknown = IntentClient.read(merchant.create(IntentClient.body(2_500, "tok_lost_response")).expectStatus()
        .is2xxSuccessful().expectBody().returnResult().getResponseBody()).get("id").stringValue();
    // The charge is at alpha, its answer lost: the intent waits for a status query to alpha.
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
        .until(() -> !alpha.ledger().byReference(unknown + "_1").isEmpty());
    long queriesBefore = alpha.stats().statusQueries();

    post(PROVIDERS + "alpha/drain", "{\"drained\":true}").expectStatus().isOk().expectBody()
        .jsonPath("$.drained").isEqualTo(true);

    JsonNode fresh = merchant.created(IntentClient.body(1_500, "tok_visa"));
    assertThat(fresh.get("status").stringValue()).isEqualTo("succeeded");
    assertThat(fresh.get("attempts").valueStream().map(a -> a.get("provider").stringValue()))
        .doesNotContain("alpha");

    // Money rule: the follow-up of a charge goes to the provider that holds it, drained or not.
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      JsonNode settled = merchant.get(unknown);
      assertThat(settled.get("status").stringValue()).isEqualTo("succeeded");
      assertThat(settled.at("/attempts/0/provider").stringValue()).isEqualTo("alpha");
      assertThat(settled.get("attempts")).hasSize(1);
    });
    assertThat(alpha.stats().statusQueries()).as("alpha saw %s", alpha.stats()).isGreaterThan(queriesBefore);
  }

  @Test
  void controlsAnotherReplicaStoredAreAppliedWithinAPollAndLiftedTheSameWay() {
    // Another replica's action: only the table changes here.
    db.sql("""
            insert into provider_controls (provider, drained, breaker, updated_by, updated_at)
            values ('gamma', true, 'forced_open', 'elsewhere', now())""")
        .then().block(Duration.ofSeconds(5));
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
      assertThat(providers.drained("gamma")).isTrue();
      assertThat(providers.find("gamma").orElseThrow().gatekeeper().forcedOpen()).isTrue();
    });
    assertThat(providers.snapshot().availability("gamma")).isEqualTo(ProviderAvailability.UNAVAILABLE);

    db.sql("delete from provider_controls where provider = 'gamma'").then().block(Duration.ofSeconds(5));
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
      assertThat(providers.drained("gamma")).isFalse();
      assertThat(providers.find("gamma").orElseThrow().gatekeeper().circuitState()).isEqualTo("CLOSED");
    });
  }

  @Test
  void unknownProvidersAndIntentsAre404AndBadBodies4xx() {
    post(PROVIDERS + "nobody/breaker", "{\"state\":\"forced_open\"}").expectStatus().isNotFound()
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.code").isEqualTo("provider_not_found");
    post(PROVIDERS + "nobody/drain", "{\"drained\":true}").expectStatus().isNotFound();
    post("/operator/v1/intents/pi_01ARZ3NDEKTSV4RRFFQ69G5FAV/redrive", "{}").expectStatus().isNotFound()
        .expectBody().jsonPath("$.code").isEqualTo("intent_not_found");
    post("/operator/v1/intents/not-an-id/redrive", "{}").expectStatus().isNotFound();
    post(PROVIDERS + "alpha/breaker", "{\"state\":\"closed-ish\"}").expectStatus().isEqualTo(422)
        .expectBody().jsonPath("$.code").isEqualTo("invalid_state");
    post(PROVIDERS + "alpha/drain", "{\"drained\":\"yes\"}").expectStatus().isEqualTo(422);
    post(PROVIDERS + "alpha/drain", "not json").expectStatus().isBadRequest()
        .expectBody().jsonPath("$.code").isEqualTo("invalid_json");
  }

  @Test
  void aFinalIntentIsNotRedrivenAndSaysSo() {
    String id = new IntentClient(client, newMerchant()).created(IntentClient.body(1_000, "tok_visa"))
        .get("id").stringValue();
    post("/operator/v1/intents/" + id + "/redrive", "{}").expectStatus().isEqualTo(409)
        .expectBody().jsonPath("$.code").isEqualTo("not_redrivable");
  }

  @Test
  void actionsRefuseBodiesThatAreNotJsonAndOtherOrigins() {
    // What a cross-site HTML form can send: no JSON content type.
    operator.post().uri(PROVIDERS + "alpha/breaker").exchange().expectStatus().isEqualTo(415)
        .expectBody().jsonPath("$.code").isEqualTo("json_required");
    operator.post().uri(PROVIDERS + "alpha/breaker").contentType(MediaType.APPLICATION_FORM_URLENCODED)
        .bodyValue("state=forced_open").exchange().expectStatus().isEqualTo(415);
    operator.post().uri(PROVIDERS + "alpha/breaker").contentType(MediaType.TEXT_PLAIN)
        .bodyValue("{\"state\":\"forced_open\"}").exchange().expectStatus().isEqualTo(415);
    operator.post().uri(PROVIDERS + "alpha/breaker").contentType(MediaType.APPLICATION_JSON)
        .header(HttpHeaders.ORIGIN, "https://evil.example").bodyValue("{\"state\":\"forced_open\"}")
        .exchange().expectStatus().isForbidden().expectBody().jsonPath("$.code").isEqualTo("cross_origin");
    operator.post().uri(PROVIDERS + "alpha/breaker").contentType(MediaType.APPLICATION_JSON)
        .header(HttpHeaders.ORIGIN, "null").bodyValue("{\"state\":\"forced_open\"}")
        .exchange().expectStatus().isForbidden();
    assertThat(providers.find("alpha").orElseThrow().gatekeeper().forcedOpen()).isFalse();
    // From the page itself: its own origin.
    operator.post().uri(PROVIDERS + "alpha/breaker").contentType(MediaType.APPLICATION_JSON)
        .header(HttpHeaders.ORIGIN, "http://127.0.0.1:" + managementPort).bodyValue("{\"state\":\"forced_open\"}")
        .exchange().expectStatus().isOk();
    // Without the credential nothing happens at all.
    management.post().uri(PROVIDERS + "beta/drain").contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"drained\":true}").exchange().expectStatus().isUnauthorized();
    assertThat(providers.drained("beta")).isFalse();
  }

  @Test
  void thePageEscapesMerchantDataAndListsProvidersAndIntents() {
    String merchantId = "m_escape_" + System.nanoTime();
    String key = ApiKeys.generate(new SplittableRandom());
    merchants.ensureMerchant(new Merchant(merchantId, "<script>alert('name')</script>"))
        .then(merchants.addKey(merchantId, ApiKeys.hash(key), ApiKeys.displayPrefix(key)))
        .block(Duration.ofSeconds(10));
    JsonNode intent = new IntentClient(client, key).created("""
        {"amount": 1234, "currency": "EUR", "paymentMethod": {"type": "card", "token": "tok_visa"},
         "reference": "<img src=x onerror=alert(1)>", "metadata": {"note": "<script>alert(\\"meta\\")</script>"}}""");

    String page = new String(operator.get().uri("/operator").exchange().expectStatus().isOk()
        .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
        .expectHeader().exists("Content-Security-Policy")
        .expectBody().returnResult().getResponseBody(), StandardCharsets.UTF_8);

    assertThat(page).contains(intent.get("id").stringValue())
        .contains("&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;")
        .contains("&lt;img src=x onerror=alert(1)&gt;")
        .contains("&lt;script&gt;alert(\\&quot;meta\\&quot;)&lt;/script&gt;")
        .doesNotContain("<script>alert").doesNotContain("<img src=x");
    for (String provider : providers.names()) {
      assertThat(page).contains("data-provider=\"" + provider + "\"");
    }
    WebTestClient.BodyContentSpec overview = operator.get().uri("/operator/v1/overview").exchange()
        .expectStatus().isOk().expectBody();
    overview.jsonPath("$.providers.length()").isEqualTo(providers.names().size())
        .jsonPath("$.recentIntents[0].id").isEqualTo(intent.get("id").stringValue());
  }

  private WebTestClient.ResponseSpec post(String path, String json) {
    return operator.post().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange();
  }
}
