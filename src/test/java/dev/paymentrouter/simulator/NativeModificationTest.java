package dev.paymentrouter.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Manual capture, captures, cancels and refunds in the native dialect, with the ledger an auditor reads. */
class NativeModificationTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);

  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private ProviderSimulator sim;

  @BeforeEach
  void startSimulator() {
    sim = ProviderSimulator.start(SimulatorSettings.local("psp-mod"), Clock.fixed(NOW, ZoneOffset.UTC),
        new SplittableRandom(7));
  }

  @AfterEach
  void stopSimulator() {
    sim.close();
    client.close();
  }

  @Test
  void recordsAManualCaptureChargeAsAuthorizedWhichIsNotMoneyYet() throws Exception {
    HttpResponse<String> response = charge("pay-1", 1000, "manual");

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(json(response).get("status").stringValue()).isEqualTo("authorized");
    assertThat(sim.ledger().charges()).singleElement()
        .satisfies(charge -> assertThat(charge.authorized()).isTrue());
    assertThat(sim.ledger().approvedCountFor("pay-1")).isZero();
    assertThat(sim.ledger().totalsFor("pay-1")).isEqualTo(new SimulatorLedger.Totals(0, 0, 0));
  }

  @Test
  void capturesAWholeAuthorization() throws Exception {
    String id = chargeId(charge("pay-1", 1000, "manual"));

    HttpResponse<String> capture = modify(id, "captures", "cap-1", "{\"amount\": 1000, \"reference\": \"cap-1\"}");

    assertThat(capture.statusCode()).isEqualTo(201);
    JsonNode body = json(capture);
    assertThat(body.get("id").stringValue()).matches("cp_[0-9a-z]{24}");
    assertThat(body.get("charge").stringValue()).isEqualTo(id);
    assertThat(body.get("kind").stringValue()).isEqualTo("capture");
    assertThat(body.get("amount").longValue()).isEqualTo(1000);
    assertThat(body.get("status").stringValue()).isEqualTo("succeeded");
    assertThat(sim.ledger().totalsFor("pay-1")).isEqualTo(new SimulatorLedger.Totals(1000, 0, 0));
  }

  @Test
  void aSmallerCaptureReleasesTheRestAndASecondCaptureIsRefused() throws Exception {
    String id = chargeId(charge("pay-1", 1000, "manual"));

    HttpResponse<String> first = modify(id, "captures", "cap-1", "{\"amount\": 600, \"reference\": \"cap-1\"}");
    HttpResponse<String> second = modify(id, "captures", "cap-2", "{\"amount\": 400, \"reference\": \"cap-2\"}");

    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(second.statusCode()).isEqualTo(409);
    assertThat(json(second).get("error").stringValue()).isEqualTo("already_captured");
    assertThat(sim.ledger().totalsFor("pay-1")).isEqualTo(new SimulatorLedger.Totals(600, 400, 0));
    assertThat(sim.ledger().modifications()).hasSize(1);
  }

  @Test
  void refusesACaptureAboveTheAuthorizationAndOfAChargeCapturedAtOnce() throws Exception {
    String held = chargeId(charge("pay-1", 1000, "manual"));
    String taken = chargeId(charge("pay-2", 1000, null));

    HttpResponse<String> tooMuch = modify(held, "captures", "cap-1", "{\"amount\": 1001, \"reference\": \"cap-1\"}");
    HttpResponse<String> notHeld = modify(taken, "captures", "cap-2", "{\"amount\": 10, \"reference\": \"cap-2\"}");
    HttpResponse<String> missing = modify("ch_nope", "captures", "cap-3", "{\"reference\": \"cap-3\"}");

    assertThat(tooMuch.statusCode()).isEqualTo(422);
    assertThat(json(tooMuch).get("error").stringValue()).isEqualTo("amount_too_large");
    assertThat(notHeld.statusCode()).isEqualTo(409);
    assertThat(json(notHeld).get("error").stringValue()).isEqualTo("charge_not_capturable");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(json(missing).get("error").stringValue()).isEqualTo("charge_not_found");
    assertThat(sim.ledger().modifications()).isEmpty();
  }

  @Test
  void cancelsAnAuthorizationButNotACapturedOne() throws Exception {
    String held = chargeId(charge("pay-1", 1000, "manual"));
    String captured = chargeId(charge("pay-2", 500, "manual"));
    modify(captured, "captures", "cap-2", "{\"reference\": \"cap-2\"}");

    HttpResponse<String> cancel = modify(held, "cancels", "cn-1", "{\"reference\": \"cn-1\"}");
    HttpResponse<String> late = modify(captured, "cancels", "cn-2", "{\"reference\": \"cn-2\"}");
    HttpResponse<String> again = modify(held, "cancels", "cn-3", "{\"reference\": \"cn-3\"}");

    assertThat(cancel.statusCode()).isEqualTo(201);
    assertThat(json(cancel).get("kind").stringValue()).isEqualTo("cancel");
    assertThat(json(cancel).get("amount").longValue()).isEqualTo(1000);
    assertThat(late.statusCode()).isEqualTo(409);
    assertThat(json(late).get("error").stringValue()).isEqualTo("already_captured");
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(json(again).get("error").stringValue()).isEqualTo("already_cancelled");
    assertThat(sim.ledger().totalsFor("pay-1")).isEqualTo(new SimulatorLedger.Totals(0, 1000, 0));
    assertThat(sim.ledger().totalsFor("pay-2")).isEqualTo(new SimulatorLedger.Totals(500, 0, 0));
  }

  @Test
  void takesTwoPartialRefundsAndRefusesARefundAboveWhatIsLeft() throws Exception {
    String id = chargeId(charge("pay-1", 1000, null));

    HttpResponse<String> first = modify(id, "refunds", "rf-1", refund(300, "rf-1"));
    HttpResponse<String> second = modify(id, "refunds", "rf-2", refund(500, "rf-2"));
    HttpResponse<String> over = modify(id, "refunds", "rf-3", refund(201, "rf-3"));

    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(json(first).get("id").stringValue()).startsWith("rf_");
    assertThat(second.statusCode()).isEqualTo(201);
    assertThat(over.statusCode()).isEqualTo(422);
    assertThat(json(over).get("error").stringValue()).isEqualTo("amount_too_large");
    assertThat(sim.ledger().refundedFor("pay-1")).isEqualTo(800);
    assertThat(sim.ledger().modificationsOf(id)).extracting(SimulatorModification::amount).containsExactly(300L, 500L);
  }

  @Test
  void refusesARefundOfAnAuthorizationNotCaptured() throws Exception {
    String id = chargeId(charge("pay-1", 1000, "manual"));

    HttpResponse<String> refund = modify(id, "refunds", "rf-1", refund(100, "rf-1"));

    assertThat(refund.statusCode()).isEqualTo(409);
    assertThat(json(refund).get("error").stringValue()).isEqualTo("charge_not_refundable");
  }

  @Test
  void replaysAModificationUnderItsKeyWithoutASecondLedgerEntry() throws Exception {
    String id = chargeId(charge("pay-1", 1000, null));

    HttpResponse<String> first = modify(id, "refunds", "rf-1", refund(300, "rf-1"));
    HttpResponse<String> replay = modify(id, "refunds", "rf-1", refund(300, "rf-1"));
    HttpResponse<String> otherBody = modify(id, "refunds", "rf-1", refund(301, "rf-1"));

    assertThat(replay.statusCode()).isEqualTo(201);
    assertThat(replay.body()).isEqualTo(first.body());
    assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(otherBody.statusCode()).isEqualTo(422);
    assertThat(json(otherBody).get("error").stringValue()).isEqualTo("idempotency_key_reused");
    assertThat(sim.ledger().modifications()).hasSize(1);
    assertThat(sim.ledger().refundedFor("pay-1")).isEqualTo(300);
  }

  @Test
  void aRefundWhoseResponseWasLostIsAnsweredByTheReplayAndRecordedOnce() throws Exception {
    String id = chargeId(charge("pay-1", 1000, null));
    sim.update(SimulatorBehaviour.reliable().withLostResponseRate(1.0));

    assertThatThrownBy(() -> modify(id, "refunds", "rf-1", refund(300, "rf-1"), Duration.ofMillis(300)))
        .isInstanceOf(HttpTimeoutException.class);
    sim.update(SimulatorBehaviour.reliable());
    HttpResponse<String> replay = modify(id, "refunds", "rf-1", refund(300, "rf-1"));
    HttpResponse<String> lookup = get("/v1/modifications?reference=rf-1");

    assertThat(replay.statusCode()).isEqualTo(201);
    assertThat(json(replay).get("id").stringValue()).isEqualTo(sim.ledger().modifications().getFirst().id());
    assertThat(lookup.statusCode()).isEqualTo(200);
    assertThat(json(lookup).get("status").stringValue()).isEqualTo("succeeded");
    assertThat(sim.ledger().modifications()).hasSize(1);
    assertThat(sim.stats().lostResponses()).isEqualTo(1);
  }

  @Test
  void aModificationThatFailedBeforeProcessingMovesNothingAndLeavesTheKeyFree() throws Exception {
    String id = chargeId(charge("pay-1", 1000, null));
    sim.update(SimulatorBehaviour.reliable().withErrorRate(1.0));

    HttpResponse<String> failed = modify(id, "refunds", "rf-1", refund(300, "rf-1"));
    sim.update(SimulatorBehaviour.reliable().withAvailable(false));
    HttpResponse<String> unavailable = modify(id, "refunds", "rf-1", refund(300, "rf-1"));
    sim.update(SimulatorBehaviour.reliable());
    HttpResponse<String> missing = get("/v1/modifications?reference=rf-1");
    HttpResponse<String> retry = modify(id, "refunds", "rf-1", refund(300, "rf-1"));

    assertThat(failed.statusCode()).isEqualTo(500);
    assertThat(unavailable.statusCode()).isEqualTo(503);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(retry.statusCode()).isEqualTo(201);
    assertThat(retry.headers().firstValue("Idempotent-Replayed")).isEmpty();
    assertThat(sim.ledger().refundedFor("pay-1")).isEqualTo(300);
  }

  @Test
  void showsTotalsAndModificationsOfEachChargeInTheLedgerView() throws Exception {
    String id = chargeId(charge("pay-1", 1000, "manual"));
    modify(id, "captures", "cap-1", "{\"amount\": 800, \"reference\": \"cap-1\"}");
    modify(id, "refunds", "rf-1", refund(100, "rf-1"));

    JsonNode charge = json(get("/_sim/ledger")).get("charges").get(0);

    assertThat(charge.get("status").stringValue()).isEqualTo("authorized");
    assertThat(charge.get("captured").longValue()).isEqualTo(800);
    assertThat(charge.get("voided").longValue()).isEqualTo(200);
    assertThat(charge.get("refunded").longValue()).isEqualTo(100);
    assertThat(charge.get("modifications")).extracting(node -> node.get("kind").stringValue())
        .containsExactly("capture", "refund");
  }

  private HttpResponse<String> charge(String key, long amount, String captureMethod) throws Exception {
    String method = captureMethod == null ? "" : ", \"captureMethod\": \"" + captureMethod + "\"";
    return send(HttpRequest.newBuilder(uri("/v1/charges"))
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", key)
        .POST(HttpRequest.BodyPublishers.ofString("""
            {"amount": %d, "currency": "EUR", "token": "tok_visa", "reference": "%s"%s}"""
            .formatted(amount, key, method))), CLIENT_TIMEOUT);
  }

  private HttpResponse<String> modify(String chargeId, String kind, String key, String body) throws Exception {
    return modify(chargeId, kind, key, body, CLIENT_TIMEOUT);
  }

  private HttpResponse<String> modify(String chargeId, String kind, String key, String body, Duration timeout)
      throws Exception {
    return send(HttpRequest.newBuilder(uri("/v1/charges/" + chargeId + "/" + kind))
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", key)
        .POST(HttpRequest.BodyPublishers.ofString(body)), timeout);
  }

  private static String refund(long amount, String reference) {
    return "{\"amount\": %d, \"reference\": \"%s\", \"reason\": \"requested_by_customer\"}"
        .formatted(amount, reference);
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).GET(), CLIENT_TIMEOUT);
  }

  private HttpResponse<String> send(HttpRequest.Builder request, Duration timeout)
      throws IOException, InterruptedException {
    return client.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create(sim.baseUrl() + path);
  }

  private static String chargeId(HttpResponse<String> response) {
    assertThat(response.statusCode()).isEqualTo(201);
    return json(response).get("id").stringValue();
  }

  private static JsonNode json(HttpResponse<String> response) {
    return JSON.readTree(response.body());
  }
}
