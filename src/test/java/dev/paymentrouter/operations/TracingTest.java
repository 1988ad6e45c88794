package dev.paymentrouter.operations;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.JsonLogCapture;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One trace from the merchant to the provider: a create that comes with a W3C {@code traceparent} is traced as a
 * child of it, the provider call as a child of that, and the provider (a WireMock stub of the simulator's API as
 * alpha) gets the call's {@code traceparent} in the caller's trace, with the request's {@code X-Request-Id}; the log
 * lines about the intent carry the same trace id. Every trace is kept here (sampling 1.0); no exporter is configured,
 * so nothing is sent anywhere.
 */
@TestPropertySource(properties = "management.tracing.sampling.probability=1.0")
class TracingTest extends RouterIntegrationTest {

  static final WireMockServer PROVIDER = started();
  static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String REFUND_TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @DynamicPropertySource
  static void alphaIsTheStub(DynamicPropertyRegistry registry) {
    registry.add("payment-router.providers.alpha.type", () -> "simulator");
    registry.add("payment-router.providers.alpha.base-url", PROVIDER::baseUrl);
  }

  @AfterAll
  static void stop() {
    PROVIDER.stop();
  }

  @Test
  void theProviderCallContinuesTheTraceOfTheRequestThatCreatedTheIntent() {
    try (JsonLogCapture logs = new JsonLogCapture("dev.paymentrouter.intent.runtime")) {
      createTraced(logs);
    }
  }

  private void createTraced(JsonLogCapture logs) {
    PROVIDER.resetAll();
    // As the simulator answers an approved charge (NativeDialect, POST /v1/charges).
    PROVIDER.stubFor(post("/v1/charges").willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"id\": \"ch_traced\", \"status\": \"approved\"}")));

    JsonNode intent = IntentClient.read(client.post().uri("/v1/payment-intents")
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + newMerchant())
        .header("Idempotency-Key", "traced-" + System.nanoTime())
        .header("Prefer", "wait=5")
        .header("X-Request-Id", "req-traced-1")
        .header("traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"amount\": 1500, \"currency\": \"EUR\", \"paymentMethod\": {\"type\": \"card\", "
            + "\"tokens\": {\"alpha\": \"tok_visa\"}}}")
        .exchange()
        .expectStatus().isCreated()
        .expectBody().returnResult().getResponseBody());
    assertThat(intent.path("status").asString("")).isEqualTo("succeeded");

    List<LoggedRequest> sent = PROVIDER.findAll(postRequestedFor(urlPathEqualTo("/v1/charges")));
    assertThat(sent).hasSize(1);
    String traceparent = sent.getFirst().getHeader("traceparent");
    // The same trace, a span of the router's own (the provider call's, not the caller's), sampled.
    assertThat(traceparent).matches("00-" + TRACE_ID + "-[0-9a-f]{16}-01")
        .isNotEqualTo("00-" + TRACE_ID + "-00f067aa0ba902b7-01");
    assertThat(sent.getFirst().getHeader("X-Request-Id")).isEqualTo("req-traced-1");

    String id = intent.path("id").asString("");
    List<JsonNode> about = logs.lines().stream()
        .filter(line -> line.contains(id))
        .map(JSON::readTree)
        .toList();
    assertThat(about).isNotEmpty()
        .allSatisfy(line -> assertThat(line.path("trace_id").asString("")).isEqualTo(TRACE_ID));
  }

  @Test
  void aRefundCallCarriesTheRefundRequestsIdAndTrace() {
    PROVIDER.resetAll();
    PROVIDER.stubFor(post("/v1/charges").willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"id\": \"ch_refunded\", \"status\": \"approved\"}")));
    // As the simulator answers a refund it made (NativeDialect, POST /v1/charges/{id}/refunds).
    PROVIDER.stubFor(post("/v1/charges/ch_refunded/refunds").willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"id\": \"re_1\", \"status\": \"succeeded\"}")));
    String key = newMerchant();
    JsonNode intent = IntentClient.read(client.post().uri("/v1/payment-intents")
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
        .header("Idempotency-Key", "traced-" + System.nanoTime())
        .header("Prefer", "wait=5")
        .header("X-Request-Id", "req-create-2")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"amount\": 1500, \"currency\": \"EUR\", \"paymentMethod\": {\"type\": \"card\", "
            + "\"tokens\": {\"alpha\": \"tok_visa\"}}}")
        .exchange()
        .expectStatus().isCreated()
        .expectBody().returnResult().getResponseBody());

    client.post().uri("/v1/refunds")
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
        .header("Idempotency-Key", "traced-refund-" + System.nanoTime())
        .header("Prefer", "wait=5")
        .header("X-Request-Id", "req-refund-2")
        .header("traceparent", "00-" + REFUND_TRACE_ID + "-00f067aa0ba902b7-01")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"paymentIntent\": \"" + intent.path("id").asString("") + "\", \"amount\": 500}")
        .exchange()
        .expectStatus().isCreated();

    List<LoggedRequest> refunds = PROVIDER.findAll(postRequestedFor(urlPathEqualTo("/v1/charges/ch_refunded/refunds")));
    assertThat(refunds).hasSize(1);
    // The refund's own request, not the create's: the intent acts for the request that asked it.
    assertThat(refunds.getFirst().getHeader("X-Request-Id")).isEqualTo("req-refund-2");
    assertThat(refunds.getFirst().getHeader("traceparent")).matches("00-" + REFUND_TRACE_ID + "-[0-9a-f]{16}-01");
  }

  private static WireMockServer started() {
    WireMockServer server = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
    server.start();
    return server;
  }
}
