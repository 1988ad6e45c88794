package dev.paymentrouter.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.standardwebhooks.Webhook;
import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import dev.paymentrouter.webhook.domain.WebhookEventType;
import dev.paymentrouter.webhook.domain.WebhookSecret;
import dev.paymentrouter.webhook.domain.WebhookSigner;
import dev.paymentrouter.webhook.runtime.SigningEndpoint;
import dev.paymentrouter.webhook.runtime.WebhookEndpoints;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/** {@code /v1/webhook-endpoints}: register, read, list, delete and rotate, and what the outbox gets to sign with. */
class WebhookEndpointsApiTest extends RouterIntegrationTest {

  private static final String PATH = "/v1/webhook-endpoints";

  @Autowired
  WebhookEndpoints endpoints;

  String apiKey;
  String merchantId;

  @BeforeEach
  void merchant() {
    merchantId = "m_webhooks_" + System.nanoTime();
    apiKey = newMerchant(merchantId);
  }

  @Test
  void createAnswersTheSecretOnceAndStoresItOnlyEncrypted() {
    JsonNode created = created("https://merchant.example/hooks", "[\"payment_intent.succeeded\",\"refund.failed\"]");

    String id = created.path("id").stringValue();
    String secret = created.path("secret").stringValue();
    assertThat(id).matches("we_[0-9A-Z]{26}");
    assertThat(secret).matches("whsec_[A-Za-z0-9+/]{43}=");
    assertThat(created.path("url").stringValue()).isEqualTo("https://merchant.example/hooks");
    assertThat(created.path("status").stringValue()).isEqualTo("enabled");
    assertThat(created.path("createdAt").isMissingNode()).isFalse();
    assertThat(strings(created.path("events"))).containsExactly("payment_intent.succeeded", "refund.failed");

    JsonNode read = json(request("GET", PATH + "/" + id, null).expectStatus().isOk());
    assertThat(read.path("id").stringValue()).isEqualTo(id);
    assertThat(read.has("secret")).isFalse();
    assertThat(json(request("GET", PATH, null).expectStatus().isOk()).at("/data/0").has("secret")).isFalse();

    byte[] stored = db.sql("select secret from webhook_endpoints where id = :id").bind("id", id)
        .map(row -> row.get("secret", byte[].class)).one().block(Duration.ofSeconds(10));
    byte[] key = WebhookSecret.parse(secret).key();
    assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain(secret)
        .doesNotContain(new String(key, StandardCharsets.ISO_8859_1));
  }

  @Test
  void listsNewestFirstPageByPage() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(created("https://merchant.example/hooks/" + i, "[\"*\"]").path("id").stringValue());
    }

    JsonNode first = json(request("GET", PATH + "?limit=2", null).expectStatus().isOk());
    JsonNode second = json(request("GET", PATH + "?limit=2&startingAfter=" + first.at("/data/1/id").stringValue(),
        null).expectStatus().isOk());

    assertThat(ids(first)).containsExactly(ids.get(2), ids.get(1));
    assertThat(first.path("hasMore").booleanValue()).isTrue();
    assertThat(ids(second)).containsExactly(ids.get(0));
    assertThat(second.path("hasMore").booleanValue()).isFalse();
    JsonNode bad = problem(request("GET", PATH + "?startingAfter=pi_1&colour=red", null), HttpStatus.BAD_REQUEST);
    assertThat(fields(bad)).containsExactlyInAnyOrder("startingAfter", "colour");
  }

  @Test
  void refusesUnknownEventTypesAndAWildcardMixedWithTypes() {
    JsonNode unknown = problem(create("https://merchant.example/hooks",
        "[\"payment_intent.succeeded\", \"charge.succeeded\", 7]"), HttpStatus.UNPROCESSABLE_CONTENT);
    assertThat(unknown.path("code").stringValue()).isEqualTo("validation_failed");
    assertThat(fields(unknown)).containsExactly("events[1]", "events[2]");

    JsonNode mixed = problem(create("https://merchant.example/hooks", "[\"*\", \"refund.failed\"]"),
        HttpStatus.UNPROCESSABLE_CONTENT);
    assertThat(codes(mixed)).containsExactly("wildcard_not_alone");

    JsonNode empty = problem(request("POST", PATH, "{\"url\": \"https://merchant.example/\", \"events\": [], "
        + "\"enabled\": true}"), HttpStatus.UNPROCESSABLE_CONTENT);
    assertThat(fields(empty)).containsExactlyInAnyOrder("events", "enabled");
    assertThat(count("webhook_endpoints where merchant_id = '" + merchantId + "'")).isZero();
  }

  @Test
  void refusesPlainHttpAndPrivateAddressesOutsideLocalMode() {
    assertThat(codes(problem(create("http://merchant.example/hooks", "[\"*\"]"), HttpStatus.UNPROCESSABLE_CONTENT)))
        .containsExactly("https_required");
    for (String url : List.of("https://169.254.169.254/latest", "https://10.0.0.5/hooks", "https://[::1]/hooks",
        "https://localhost:8443/hooks", "https://[::ffff:192.168.0.1]/hooks")) {
      JsonNode refused = problem(create(url, "[\"*\"]"), HttpStatus.UNPROCESSABLE_CONTENT);
      assertThat(codes(refused)).as(url).containsExactly("forbidden_address");
    }
    assertThat(codes(problem(request("POST", PATH, "{\"events\": [\"*\"]}"), HttpStatus.UNPROCESSABLE_CONTENT)))
        .containsExactly("required");
    assertThat(problem(request("POST", PATH, "not json"), HttpStatus.BAD_REQUEST).path("code").stringValue())
        .isEqualTo("malformed_json");
  }

  @Test
  void anotherMerchantsEndpointIsNotFound() {
    String id = created("https://merchant.example/hooks", "[\"*\"]").path("id").stringValue();
    WebTestClient stranger = client.mutate()
        .defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + newMerchant()).build();

    for (String method : List.of("GET", "DELETE")) {
      assertThat(IntentClient.read(stranger.method(org.springframework.http.HttpMethod.valueOf(method))
          .uri(PATH + "/" + id).exchange().expectStatus().isNotFound().expectBody().returnResult()
          .getResponseBody()).path("code").stringValue()).isEqualTo("webhook_endpoint_not_found");
    }
    stranger.post().uri(PATH + "/" + id + "/rotate-secret").exchange().expectStatus().isNotFound();
    assertThat(json(request("GET", PATH + "/" + id, null).expectStatus().isOk()).path("id").stringValue())
        .isEqualTo(id);
    problem(request("GET", PATH + "/we_nonsense", null), HttpStatus.NOT_FOUND);
  }

  @Test
  void aRequestWithoutAKeyIsUnauthorized() {
    client.post().uri(PATH).contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"url\": \"https://merchant.example/\", \"events\": [\"*\"]}")
        .exchange().expectStatus().isUnauthorized().expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
    client.get().uri(PATH).exchange().expectStatus().isUnauthorized();
  }

  @Test
  void theOutboxGetsTheSubscribedEnabledEndpointsWithTheirSecrets() {
    JsonNode all = created("https://merchant.example/all", "[\"*\"]");
    JsonNode refunds = created("https://merchant.example/refunds", "[\"refund.failed\"]");
    JsonNode deleted = created("https://merchant.example/deleted", "[\"*\"]");
    request("DELETE", PATH + "/" + deleted.path("id").stringValue(), null).expectStatus().isNoContent();

    List<SigningEndpoint> succeeded = subscribed(WebhookEventType.PAYMENT_INTENT_SUCCEEDED);
    List<SigningEndpoint> failedRefunds = subscribed(WebhookEventType.REFUND_FAILED);

    assertThat(succeeded).extracting(SigningEndpoint::id).containsExactly(all.path("id").stringValue());
    assertThat(succeeded.getFirst().secrets()).containsExactly(WebhookSecret.parse(all.path("secret").stringValue()));
    assertThat(failedRefunds).extracting(SigningEndpoint::id)
        .containsExactly(all.path("id").stringValue(), refunds.path("id").stringValue());
    // Deleted: gone from reads, its secrets erased, never signed for again.
    problem(request("GET", PATH + "/" + deleted.path("id").stringValue(), null), HttpStatus.NOT_FOUND);
    problem(request("DELETE", PATH + "/" + deleted.path("id").stringValue(), null), HttpStatus.NOT_FOUND);
    assertThat(db.sql("select count(*) as n from webhook_endpoints where id = :id and secret is null "
        + "and previous_secret is null").bind("id", deleted.path("id").stringValue())
        .map(row -> row.get("n", Long.class)).one().block(Duration.ofSeconds(10))).isEqualTo(1);
  }

  @Test
  void aRotatedSecretSignsBesideTheOldOneAndEachVerifiesTheDelivery() {
    JsonNode created = created("https://merchant.example/hooks", "[\"*\"]");
    String id = created.path("id").stringValue();
    String old = created.path("secret").stringValue();

    JsonNode rotated = json(request("POST", PATH + "/" + id + "/rotate-secret", null).expectStatus().isOk());
    String fresh = rotated.path("secret").stringValue();

    assertThat(fresh).startsWith("whsec_").isNotEqualTo(old);
    assertThat(rotated.path("id").stringValue()).isEqualTo(id);
    List<SigningEndpoint> signing = subscribed(WebhookEventType.REFUND_CREATED);
    assertThat(signing.getFirst().secrets())
        .containsExactly(WebhookSecret.parse(fresh), WebhookSecret.parse(old));
    String body = "{\"id\":\"evt_1\",\"type\":\"refund.created\"}";
    WebhookSigner.Headers headers = WebhookSigner.sign("evt_1", Instant.now().getEpochSecond(), body,
        signing.getFirst().secrets());
    java.net.http.HttpHeaders sent = java.net.http.HttpHeaders.of(Map.of(
        WebhookSigner.ID, List.of(headers.id()), WebhookSigner.TIMESTAMP, List.of("" + headers.timestamp()),
        WebhookSigner.SIGNATURE, List.of(headers.signature())), (name, value) -> true);
    assertThatCode(() -> new Webhook(old).verify(body, sent)).doesNotThrowAnyException();
    assertThatCode(() -> new Webhook(fresh).verify(body, sent)).doesNotThrowAnyException();

    // Once the overlap has run out, only the new secret signs.
    db.sql("update webhook_endpoints set previous_secret_expires_at = now() - interval '1 second' where id = :id")
        .bind("id", id).fetch().rowsUpdated().block(Duration.ofSeconds(10));
    assertThat(subscribed(WebhookEventType.REFUND_CREATED).getFirst().secrets())
        .containsExactly(WebhookSecret.parse(fresh));
  }

  private List<SigningEndpoint> subscribed(WebhookEventType type) {
    return endpoints.subscribedTo(merchantId, type).collectList().block(Duration.ofSeconds(10));
  }

  private JsonNode created(String url, String events) {
    return json(create(url, events).expectStatus().isCreated());
  }

  private WebTestClient.ResponseSpec create(String url, String events) {
    return request("POST", PATH, "{\"url\": \"" + url + "\", \"events\": " + events + "}");
  }

  private WebTestClient.ResponseSpec request(String method, String uri, String body) {
    WebTestClient.RequestBodySpec request = client.method(org.springframework.http.HttpMethod.valueOf(method))
        .uri(uri).header(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey);
    return body == null ? request.exchange()
        : request.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
  }

  private static JsonNode problem(WebTestClient.ResponseSpec response, HttpStatus status) {
    return IntentClient.read(response.expectStatus().isEqualTo(status)
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().returnResult().getResponseBody());
  }

  private static JsonNode json(WebTestClient.ResponseSpec response) {
    return IntentClient.read(response.expectBody().returnResult().getResponseBody());
  }

  private static List<String> ids(JsonNode page) {
    List<String> ids = new ArrayList<>();
    page.path("data").forEach(endpoint -> ids.add(endpoint.path("id").stringValue()));
    return ids;
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(value -> values.add(value.stringValue()));
    return values;
  }

  private static List<String> fields(JsonNode problem) {
    List<String> fields = new ArrayList<>();
    problem.path("errors").forEach(error -> fields.add(error.path("field").stringValue()));
    return fields;
  }

  private static List<String> codes(JsonNode problem) {
    List<String> codes = new ArrayList<>();
    problem.path("errors").forEach(error -> codes.add(error.path("code").stringValue()));
    return codes;
  }
}
