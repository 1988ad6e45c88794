package dev.paymentrouter.merchant.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paymentrouter.PaymentRouterApplication;
import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.PrivateReactorResources;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import dev.paymentrouter.testsupport.TestEnvironment;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Two nodes on one database: a key revoked or a merchant disabled on one node answers 401 there at once and on the
 * other within the key cache's TTL, although the other node had the key cached; settings set on one node reach the
 * other within the same TTL.
 */
class KeyRevocationAcrossNodesTest {

  static final String TOKEN = "op_two_nodes_operator_token_0123456789";
  static final Duration TTL = Duration.ofSeconds(3);

  final List<ConfigurableApplicationContext> nodes = new ArrayList<>();
  final Map<String, Object> database = TestEnvironment.isolatedDatabase();

  @BeforeAll
  static void environment() {
    TestEnvironment.publish();
  }

  @AfterEach
  void stopNodes() {
    nodes.forEach(ConfigurableApplicationContext::close);
  }

  @Test
  void aRevokedKeyGets401OnTheOtherNodeWithinTheTtl() {
    Node first = start();
    Node second = start();
    JsonNode created = first.create("Two nodes one");
    String id = created.get("id").stringValue();
    String key = created.get("apiKey").stringValue();
    // The second node has the key cached from here on.
    second.merchantApi(key).expectStatus().isOk();

    Instant revoked = Instant.now();
    first.operator.delete().uri("/operator/v1/merchants/" + id + "/keys/" + created.get("keyId").stringValue())
        .exchange().expectStatus().isNoContent();
    first.merchantApi(key).expectStatus().isUnauthorized();

    await().atMost(TTL.plusSeconds(5)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
        second.merchantApi(key).expectStatus().isUnauthorized());
    assertThat(Duration.between(revoked, Instant.now())).isLessThan(TTL.plusSeconds(5));
  }

  @Test
  void aDisabledMerchantGets401OnTheOtherNodeWithinTheTtlAndSettingsFollow() {
    Node first = start();
    Node second = start();
    JsonNode created = first.create("Two nodes two");
    String id = created.get("id").stringValue();
    String key = created.get("apiKey").stringValue();
    second.merchantApi(key).expectStatus().isOk();

    first.operator.put().uri("/operator/v1/merchants/" + id + "/settings").contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"allowedProviders\": [\"gamma\"]}").exchange().expectStatus().isOk();
    MerchantDirectory directory = second.context.getBean(MerchantDirectory.class);
    await().atMost(TTL.plusSeconds(5)).until(() -> directory.settings(id).allowedProviders().equals(List.of("gamma")));

    first.operator.post().uri("/operator/v1/merchants/" + id + "/disable").exchange().expectStatus().isOk();
    first.merchantApi(key).expectStatus().isUnauthorized();
    await().atMost(TTL.plusSeconds(5)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
        second.merchantApi(key).expectStatus().isUnauthorized());
  }

  /** One router: its application context and clients of its two ports. */
  record Node(ConfigurableApplicationContext context, WebTestClient api, WebTestClient operator) {

    JsonNode create(String name) {
      return IntentClient.read(operator.post().uri("/operator/v1/merchants").contentType(MediaType.APPLICATION_JSON)
          .bodyValue("{\"name\": \"" + name + "\"}").exchange()
          .expectStatus().isCreated().expectBody().returnResult().getResponseBody());
    }

    WebTestClient.ResponseSpec merchantApi(String key) {
      return api.get().uri("/v1/payment-intents?limit=1").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
          .exchange();
    }
  }

  private Node start() {
    Map<String, Object> all = new HashMap<>(database);
    all.put("server.port", "0");
    all.put("management.server.port", "0");
    all.put("management.server.address", "127.0.0.1");
    all.put("payment-router.operator.tokens.two-nodes", TOKEN);
    all.put("payment-router.merchants.key-cache-ttl", TTL.toMillis() + "ms");
    // As arguments, so that they win over the shared test environment's system properties.
    String[] arguments = all.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
        .toArray(String[]::new);
    ConfigurableApplicationContext context = new SpringApplicationBuilder(PaymentRouterApplication.class)
        .initializers(new PrivateReactorResources())
        .run(arguments);
    nodes.add(context);
    String api = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
    String management = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.management.port");
    return new Node(context, RouterIntegrationTest.http(api), RouterIntegrationTest.http(management).mutate()
        .defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN).build());
  }
}
