package dev.paymentrouter.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.paymentrouter.simulator.ProviderSimulator;
import dev.paymentrouter.simulator.SimulatorDialect;
import dev.paymentrouter.simulator.SimulatorSettings;
import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.JsonLogCapture;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * With JSON logs (Elastic Common Schema), a run of payments through the Stripe connector (alpha), the Adyen connector
 * (beta) and the native simulator (gamma), a refund and an operator's look at the management port logs only JSON
 * lines; the lines about an intent carry its id and the request that created it; and no card token, merchant API key,
 * operator token or provider API key appears anywhere, neither in those lines nor in anything else the JVM prints.
 * The router logs at DEBUG here, so that the lines of a normal run (sending an attempt, its answer) are there.
 */
@ExtendWith(OutputCaptureExtension.class)
class StructuredLogsTest extends RouterIntegrationTest {

  /** Secrets, each recognisable in any output. */
  static final String PROVIDER_KEY = "sk_test_LOGSECRETproviderKey42";
  static final String STRIPE_CARD = "pm_LOGSECRETcardStripe42";
  static final String ADYEN_CARD = "shopper-3:tok_LOGSECRETcardAdyen42";
  static final String NATIVE_CARD = "tok_LOGSECRETcardNative42";

  static final ProviderSimulator STRIPE = ProviderSimulator.start(SimulatorSettings.local("stripe-logs")
      .withDialect(SimulatorDialect.STRIPE).withApiKey(PROVIDER_KEY));
  static final ProviderSimulator ADYEN = ProviderSimulator.start(SimulatorSettings.local("adyen-logs")
      .withDialect(SimulatorDialect.ADYEN).withApiKey(PROVIDER_KEY).withMerchantAccount("LogsECOM"));

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @DynamicPropertySource
  static void stripeAndAdyen(DynamicPropertyRegistry registry) {
    registry.add("payment-router.providers.alpha.type", () -> "stripe");
    registry.add("payment-router.providers.alpha.base-url", STRIPE::baseUrl);
    registry.add("payment-router.providers.alpha.api-key", () -> PROVIDER_KEY);
    registry.add("payment-router.providers.beta.type", () -> "adyen");
    registry.add("payment-router.providers.beta.base-url", ADYEN::baseUrl);
    registry.add("payment-router.providers.beta.api-key", () -> PROVIDER_KEY);
    registry.add("payment-router.providers.beta.merchant-account", () -> "LogsECOM");
  }

  @AfterAll
  static void stopSimulators() {
    STRIPE.close();
    ADYEN.close();
  }

  @Test
  void aRunLogsJsonLinesThatNameTheIntentAndNoSecret(CapturedOutput output) {
    try (JsonLogCapture logs = new JsonLogCapture("dev.paymentrouter")) {
      run(logs, output);
    }
  }

  private void run(JsonLogCapture logs, CapturedOutput output) {
    String apiKey = newMerchant();
    Map<String, String> requestOf = new LinkedHashMap<>();
    String atStripe = create(apiKey, "alpha", STRIPE_CARD, "req-logs-stripe", requestOf);
    create(apiKey, "beta", ADYEN_CARD, "req-logs-adyen", requestOf);
    create(apiKey, "gamma", NATIVE_CARD, "req-logs-native", requestOf);
    client.post().uri("/v1/refunds")
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey)
        .header("Idempotency-Key", "logs-refund-" + System.nanoTime())
        .header("Prefer", "wait=5")
        .header("X-Request-Id", "req-logs-refund")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"paymentIntent\": \"" + atStripe + "\", \"amount\": 500}")
        .exchange()
        .expectStatus().isCreated();
    operator.get().uri("/actuator/intents").exchange().expectStatus().isOk();

    List<JsonNode> lines = new ArrayList<>();
    for (String line : logs.lines()) {
      assertThatCode(() -> lines.add(JSON.readTree(line))).as("a JSON log line: %s", line)
          .doesNotThrowAnyException();
    }
    for (String secret : List.of(PROVIDER_KEY, apiKey, OPERATOR_TOKEN, "LOGSECRET")) {
      assertThat(logs.text()).as("the log shows a secret").doesNotContain(secret);
      assertThat(output.getAll()).as("the output shows a secret").doesNotContain(secret);
    }
    requestOf.forEach((intentId, requestId) -> {
      List<JsonNode> about = lines.stream().filter(line -> line.path("message").asString("").contains(intentId))
          .toList();
      assertThat(about).as("lines about %s", intentId).isNotEmpty()
          .allSatisfy(line -> assertThat(line.path("intent_id").asString("")).as(line.toString())
              .isEqualTo(intentId));
      assertThat(about).as("lines about %s carry the request that created it", intentId)
          .anySatisfy(line -> assertThat(line.path("request_id").asString("")).isEqualTo(requestId));
      assertThat(about).as("the provider call's answer names provider and attempt")
          .anySatisfy(line -> {
            assertThat(line.path("provider").asString("")).isNotEmpty();
            assertThat(line.path("attempt").asString("")).isEqualTo("1");
          });
    });
  }

  /** Creates an intent that only {@code provider} can charge, under this request id; returns its id. */
  private String create(String apiKey, String provider, String card, String requestId, Map<String, String> ids) {
    JsonNode created = IntentClient.read(client.post().uri("/v1/payment-intents")
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey)
        .header("Idempotency-Key", "logs-" + provider + "-" + System.nanoTime())
        .header("Prefer", "wait=5")
        .header("X-Request-Id", requestId)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"amount\": 2500, \"currency\": \"EUR\", \"paymentMethod\": {\"type\": \"card\", \"tokens\": {\""
            + provider + "\": \"" + card + "\"}}}")
        .exchange()
        .expectStatus().isCreated()
        .expectBody().returnResult().getResponseBody());
    assertThat(created.path("status").asString("")).as(created.toString()).isEqualTo("succeeded");
    ids.put(created.path("id").asString(""), requestId);
    return created.path("id").asString("");
  }
}
