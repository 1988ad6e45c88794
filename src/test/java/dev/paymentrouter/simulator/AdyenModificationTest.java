package dev.paymentrouter.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Adyen's modifications: answered "received", applied at once in the ledger, refusals recorded as refused. */
class AdyenModificationTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String ACCOUNT = "SimMerchant";

  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private ProviderSimulator sim;

  @BeforeEach
  void startSimulator() {
    sim = ProviderSimulator.start(SimulatorSettings.local("adyen-mod").withDialect(SimulatorDialect.ADYEN));
  }

  @AfterEach
  void stopSimulator() {
    sim.close();
    client.close();
  }

  @Test
  void holdsAManualCapturePaymentUntilCapturedAndRecordsASecondCaptureAsRefused() throws Exception {
    String psp = payment("ref-1", true);
    assertThat(sim.ledger().charges()).singleElement().satisfies(charge -> assertThat(charge.authorized()).isTrue());

    HttpResponse<String> capture = post(psp, "captures", "cap-1", amountBody(600, "cap-1"));
    HttpResponse<String> second = post(psp, "captures", "cap-2", amountBody(400, "cap-2"));

    assertThat(capture.statusCode()).isEqualTo(201);
    assertThat(json(capture).get("status").stringValue()).isEqualTo("received");
    assertThat(json(capture).get("paymentPspReference").stringValue()).isEqualTo(psp);
    assertThat(second.statusCode()).isEqualTo(201);
    assertThat(json(second).get("status").stringValue()).isEqualTo("received");
    assertThat(sim.ledger().modificationsOf(psp)).extracting(SimulatorModification::status)
        .containsExactly("succeeded", "refused");
    assertThat(sim.ledger().totalsFor("ref-1")).isEqualTo(new SimulatorLedger.Totals(600, 400, 0));
  }

  @Test
  void capturesAtOnceWithoutManualCaptureSoACancelIsRefusedAndRefundsAddUp() throws Exception {
    String psp = payment("ref-1", false);

    post(psp, "cancels", "cn-1", "{\"merchantAccount\": \"" + ACCOUNT + "\", \"reference\": \"cn-1\"}");
    HttpResponse<String> refund = post(psp, "refunds", "rf-1", amountBody(300, "rf-1"));
    HttpResponse<String> replay = post(psp, "refunds", "rf-1", amountBody(300, "rf-1"));
    HttpResponse<String> otherBody = post(psp, "refunds", "rf-1", amountBody(301, "rf-1"));

    assertThat(refund.statusCode()).isEqualTo(201);
    assertThat(replay.body()).isEqualTo(refund.body());
    assertThat(otherBody.statusCode()).isEqualTo(422);
    assertThat(sim.ledger().modificationsOf(psp)).extracting(SimulatorModification::kind, SimulatorModification::status)
        .containsExactly(tuple(SimulatorModification.Kind.CANCEL, "refused"),
            tuple(SimulatorModification.Kind.REFUND, "succeeded"));
    assertThat(sim.ledger().totalsFor("ref-1")).isEqualTo(new SimulatorLedger.Totals(1000, 0, 300));
  }

  @Test
  void refusesAModificationOfAPaymentItNeverMade() throws Exception {
    HttpResponse<String> capture = post("ZZZZZZZZZZZZZZZZ", "captures", "cap-1", amountBody(1, "cap-1"));

    assertThat(capture.statusCode()).isEqualTo(422);
    assertThat(sim.ledger().modifications()).isEmpty();
  }

  private String payment(String reference, boolean manual) throws Exception {
    String body = """
        {"merchantAccount": "%s", "reference": "%s", "amount": {"value": 1000, "currency": "EUR"},
         "paymentMethod": {"type": "scheme", "number": "test_tok_visa"}%s}"""
        .formatted(ACCOUNT, reference, manual ? ", \"additionalData\": {\"manualCapture\": \"true\"}" : "");
    HttpResponse<String> response = send("/v71/payments", "pay-" + reference, body);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).get("resultCode").stringValue()).isEqualTo("Authorised");
    return json(response).get("pspReference").stringValue();
  }

  private static String amountBody(long value, String reference) {
    return """
        {"merchantAccount": "%s", "amount": {"value": %d, "currency": "EUR"}, "reference": "%s"}"""
        .formatted(ACCOUNT, value, reference);
  }

  private HttpResponse<String> post(String psp, String kind, String key, String body) throws Exception {
    return send("/v71/payments/" + psp + "/" + kind, key, body);
  }

  private HttpResponse<String> send(String path, String key, String body) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + path))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", key)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) {
    return JSON.readTree(response.body());
  }
}
