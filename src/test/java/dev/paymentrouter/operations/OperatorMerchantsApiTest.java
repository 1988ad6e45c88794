package dev.paymentrouter.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Merchant administration on the operator API: a merchant created there can pay at once, its keys are shown once
 * and then only by prefix, disabling it and revoking a key end its access, a rotation keeps the old key for its
 * grace period only, and every change names the operator who made it.
 */
class OperatorMerchantsApiTest extends RouterIntegrationTest {

  /** The operator door's challenges, one header each. */
  static final String[] CHALLENGES = OperatorAuthentication.CHALLENGES.toArray(String[]::new);

  static final String MERCHANTS = "/operator/v1/merchants";

  @Test
  void aCreatedMerchantsKeyWorksOnTheMerchantApiAtOnce() {
    JsonNode created = create("Shop one");
    assertThat(created.get("id").stringValue()).startsWith("mer_");
    String key = created.get("apiKey").stringValue();
    assertThat(key).startsWith("sk_");

    JsonNode intent = new IntentClient(client, key).created(IntentClient.body(1_234, "tok_visa"));
    assertThat(intent.get("status").stringValue()).isIn("processing", "succeeded");
    merchantApi(key).expectStatus().isOk();
  }

  @Test
  void listAndGetShowKeysByIdAndPrefixOnly() {
    JsonNode created = create("Shop two");
    String id = created.get("id").stringValue();
    String key = created.get("apiKey").stringValue();

    byte[] one = operator.get().uri(MERCHANTS + "/" + id).exchange().expectStatus().isOk()
        .expectBody().returnResult().getResponseBody();
    JsonNode merchant = IntentClient.read(one);
    assertThat(merchant.get("name").stringValue()).isEqualTo("Shop two");
    assertThat(merchant.get("status").stringValue()).isEqualTo("active");
    assertThat(merchant.get("createdBy").stringValue()).isEqualTo(OPERATOR);
    assertThat(merchant.get("keys")).hasSize(1);
    JsonNode listedKey = merchant.get("keys").get(0);
    assertThat(listedKey.get("id").stringValue()).isEqualTo(created.get("keyId").stringValue());
    assertThat(listedKey.get("prefix").stringValue()).isEqualTo(key.substring(0, 9));
    assertThat(listedKey.get("status").stringValue()).isEqualTo("active");

    // The merchants of every test share the database: page until this one shows (each page must keep secrets).
    byte[] page = null;
    boolean listed = false;
    String after = null;
    for (int pages = 0; pages < 50 && !listed; pages++) {
      page = operator.get().uri(MERCHANTS + "?limit=100" + (after == null ? "" : "&startingAfter=" + after))
          .exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody();
      JsonNode read = IntentClient.read(page);
      listed = read.get("data").valueStream().anyMatch(m -> m.get("id").stringValue().equals(id));
      if (!read.get("hasMore").booleanValue()) {
        break;
      }
      after = read.get("data").get(read.get("data").size() - 1).get("id").stringValue();
    }
    assertThat(listed).as("the new merchant is listed").isTrue();
    // The key (and its hash) appear nowhere but in the create's answer.
    for (byte[] body : List.of(one, page)) {
      String text = new String(body, StandardCharsets.UTF_8);
      assertThat(text).doesNotContain(key).doesNotContain(dev.paymentrouter.merchant.domain.ApiKeys.hash(key))
          .doesNotContain("apiKey");
    }
  }

  @Test
  void listsPageByIdWithStartingAfter() {
    create("Page a");
    create("Page b");
    JsonNode first = IntentClient.read(operator.get().uri(MERCHANTS + "?limit=1").exchange()
        .expectStatus().isOk().expectBody().returnResult().getResponseBody());
    assertThat(first.get("data")).hasSize(1);
    assertThat(first.get("hasMore").booleanValue()).isTrue();
    String after = first.get("data").get(0).get("id").stringValue();
    JsonNode second = IntentClient.read(operator.get().uri(MERCHANTS + "?limit=1&startingAfter=" + after)
        .exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody());
    assertThat(second.get("data").get(0).get("id").stringValue()).isGreaterThan(after);
  }

  @Test
  void aDisabledMerchantsKeysGet401AndItIsShownDisabled() {
    JsonNode created = create("Shop three");
    String id = created.get("id").stringValue();
    String key = created.get("apiKey").stringValue();
    merchantApi(key).expectStatus().isOk();

    operator.post().uri(MERCHANTS + "/" + id + "/disable").exchange().expectStatus().isOk()
        .expectBody()
        .jsonPath("$.status").isEqualTo("disabled")
        .jsonPath("$.disabledBy").isEqualTo(OPERATOR);

    // On the node that disabled it, at once, although the key was cached a moment ago.
    merchantApi(key).expectStatus().isUnauthorized();
    operator.post().uri(MERCHANTS + "/" + id + "/keys").exchange().expectStatus().isEqualTo(409)
        .expectBody().jsonPath("$.code").isEqualTo("merchant_disabled");
  }

  @Test
  void aRotationKeepsTheOldKeyValidForTheGracePeriodOnly() {
    JsonNode created = create("Shop four");
    String id = created.get("id").stringValue();
    String oldKey = created.get("apiKey").stringValue();
    merchantApi(oldKey).expectStatus().isOk();

    JsonNode issued = IntentClient.read(operator.post().uri(MERCHANTS + "/" + id + "/keys")
        .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"expireOthersAfter\": \"PT3S\"}")
        .exchange().expectStatus().isCreated().expectBody().returnResult().getResponseBody());
    String newKey = issued.get("apiKey").stringValue();
    assertThat(issued.get("otherKeysExpireAt")).isNotNull();

    // During the grace period both work; the old one is listed as expiring.
    merchantApi(oldKey).expectStatus().isOk();
    merchantApi(newKey).expectStatus().isOk();
    operator.get().uri(MERCHANTS + "/" + id).exchange().expectStatus().isOk().expectBody()
        .jsonPath("$.keys[0].status").isEqualTo("expiring")
        .jsonPath("$.keys[1].status").isEqualTo("active");

    // Then the old one stops, the new one goes on.
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
        merchantApi(oldKey).expectStatus().isUnauthorized());
    merchantApi(newKey).expectStatus().isOk();
  }

  @Test
  void anotherKeyWithoutAGracePeriodLeavesTheOldOneValid() {
    JsonNode created = create("Shop five");
    String id = created.get("id").stringValue();
    String oldKey = created.get("apiKey").stringValue();
    String newKey = IntentClient.read(operator.post().uri(MERCHANTS + "/" + id + "/keys").exchange()
        .expectStatus().isCreated().expectBody().returnResult().getResponseBody()).get("apiKey").stringValue();
    merchantApi(oldKey).expectStatus().isOk();
    merchantApi(newKey).expectStatus().isOk();
  }

  @Test
  void aRevokedKeyGets401AtOnceOnThisNodeAndOtherKeysGoOn() {
    JsonNode created = create("Shop six");
    String id = created.get("id").stringValue();
    String key = created.get("apiKey").stringValue();
    String other = IntentClient.read(operator.post().uri(MERCHANTS + "/" + id + "/keys").exchange()
        .expectStatus().isCreated().expectBody().returnResult().getResponseBody()).get("apiKey").stringValue();
    merchantApi(key).expectStatus().isOk();

    operator.delete().uri(MERCHANTS + "/" + id + "/keys/" + created.get("keyId").stringValue()).exchange()
        .expectStatus().isNoContent();

    merchantApi(key).expectStatus().isUnauthorized();
    merchantApi(other).expectStatus().isOk();
    operator.get().uri(MERCHANTS + "/" + id).exchange().expectStatus().isOk().expectBody()
        .jsonPath("$.keys[0].status").isEqualTo("revoked")
        .jsonPath("$.keys[0].revokedBy").isEqualTo(OPERATOR);
    assertThat(actions(id)).containsExactly(
        "created by " + OPERATOR, "key_issued by " + OPERATOR, "key_revoked by " + OPERATOR);
  }

  @Test
  void badInputIsRefusedNamingTheFields() {
    operator.post().uri(MERCHANTS).contentType(MediaType.APPLICATION_JSON).bodyValue("{\"nom\": \"x\"}")
        .exchange().expectStatus().isEqualTo(422)
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.errors[?(@.field == 'name')].code").isEqualTo("required")
        .jsonPath("$.errors[?(@.field == 'nom')].code").isEqualTo("unknown_field");
    String id = create("Shop seven").get("id").stringValue();
    operator.post().uri(MERCHANTS + "/" + id + "/keys").contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"expireOthersAfter\": \"tomorrow\"}").exchange().expectStatus().isEqualTo(422)
        .expectBody().jsonPath("$.errors[0].field").isEqualTo("expireOthersAfter");
    operator.get().uri(MERCHANTS + "?limit=0").exchange().expectStatus().isBadRequest();
  }

  @Test
  void unknownMerchantsAndKeysAre404() {
    operator.get().uri(MERCHANTS + "/mer_nobody").exchange().expectStatus().isNotFound()
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.code").isEqualTo("merchant_not_found");
    operator.post().uri(MERCHANTS + "/mer_nobody/disable").exchange().expectStatus().isNotFound();
    operator.post().uri(MERCHANTS + "/mer_nobody/keys").exchange().expectStatus().isNotFound();
    String id = create("Shop eight").get("id").stringValue();
    operator.delete().uri(MERCHANTS + "/" + id + "/keys/key_nothing").exchange().expectStatus().isNotFound()
        .expectBody().jsonPath("$.code").isEqualTo("key_not_found");
  }

  @Test
  void theOperatorApiNeedsTheOperatorTokenAndIsNotOnTheApiPort() {
    management.get().uri(MERCHANTS).exchange().expectStatus().isUnauthorized()
        .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, CHALLENGES);
    String key = create("Shop nine").get("apiKey").stringValue();
    // A merchant's key is no operator credential.
    management.post().uri(MERCHANTS).header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
        .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"name\": \"x\"}").exchange()
        .expectStatus().isUnauthorized();
    // The API port does not serve it at all, with or without a token.
    client.get().uri(MERCHANTS).header(HttpHeaders.AUTHORIZATION, "Bearer " + OPERATOR_TOKEN).exchange()
        .expectStatus().isNotFound();
  }

  private JsonNode create(String name) {
    return IntentClient.read(operator.post().uri(MERCHANTS).contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"name\": \"" + name + "\"}").exchange()
        .expectStatus().isCreated()
        .expectBody().returnResult().getResponseBody());
  }

  private WebTestClient.ResponseSpec merchantApi(String key) {
    return client.get().uri("/v1/payment-intents?limit=1").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
        .exchange();
  }

  private List<String> actions(String merchantId) {
    return db.sql("select action, operator from merchant_events where merchant_id = :id order by occurred_at")
        .bind("id", merchantId)
        .map(row -> row.get("action", String.class) + " by " + row.get("operator", String.class))
        .all().collectList().block(Duration.ofSeconds(10));
  }
}
