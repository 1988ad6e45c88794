package dev.paymentrouter.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

/** Captures, cancels and refunds in Stripe's words, against the shared ledger. */
class StripeModificationTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String SECRET = "sk_test_sim";
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);

  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private ProviderSimulator sim;

  @BeforeEach
  void startSimulator() {
    sim = ProviderSimulator.start(SimulatorSettings.local("stripe-mod").withDialect(SimulatorDialect.STRIPE)
        .withApiKey(SECRET), Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC),
        new SplittableRandom(7));
  }

  @AfterEach
  void stopSimulator() {
    sim.close();
    client.close();
  }

  @Test
  void capturesPartOfARequiresCapturePaymentIntentAndReleasesTheRest() throws Exception {
    String id = intent("att_1", true);

    HttpResponse<String> capture = post("/v1/payment_intents/" + id + "/capture", "cap-1", "amount_to_capture=600");
    HttpResponse<String> again = post("/v1/payment_intents/" + id + "/capture", "cap-2", "");

    assertThat(capture.statusCode()).isEqualTo(200);
    assertThat(json(capture).get("status").stringValue()).isEqualTo("succeeded");
    assertThat(json(capture).get("amount_received").longValue()).isEqualTo(600);
    assertThat(json(capture).get("amount_capturable").longValue()).isZero();
    assertThat(again.statusCode()).isEqualTo(400);
    assertThat(json(again).at("/error/code").stringValue()).isEqualTo("payment_intent_unexpected_state");
    assertThat(json(again).at("/error/message").stringValue()).contains("status of succeeded");
    assertThat(sim.ledger().totalsFor("att_1")).isEqualTo(new SimulatorLedger.Totals(600, 400, 0));
    assertThat(json(get("/v1/payment_intents/" + id)).get("status").stringValue()).isEqualTo("succeeded");
  }

  @Test
  void cancelsAnAuthorizationButNotASucceededPaymentIntent() throws Exception {
    String held = intent("att_1", true);
    String taken = intent("att_2", false);

    HttpResponse<String> cancel = post("/v1/payment_intents/" + held + "/cancel", "cn-1",
        "cancellation_reason=requested_by_customer");
    HttpResponse<String> late = post("/v1/payment_intents/" + taken + "/cancel", "cn-2", "");

    assertThat(cancel.statusCode()).isEqualTo(200);
    assertThat(json(cancel).get("status").stringValue()).isEqualTo("canceled");
    assertThat(json(cancel).get("cancellation_reason").stringValue()).isEqualTo("requested_by_customer");
    assertThat(late.statusCode()).isEqualTo(400);
    assertThat(json(late).at("/error/code").stringValue()).isEqualTo("payment_intent_unexpected_state");
    assertThat(sim.ledger().voidedFor("att_1")).isEqualTo(1000);
    assertThat(sim.ledger().voidedFor("att_2")).isZero();
  }

  @Test
  void takesTwoPartialRefundsRefusesTheExcessAndListsThem() throws Exception {
    String id = intent("att_1", false);

    HttpResponse<String> first = post("/v1/refunds", "rf-1", "payment_intent=" + id + "&amount=300");
    HttpResponse<String> second = post("/v1/refunds", "rf-2", "payment_intent=" + id + "&reason=duplicate");
    HttpResponse<String> over = post("/v1/refunds", "rf-3", "payment_intent=" + id + "&amount=1");

    assertThat(first.statusCode()).isEqualTo(200);
    JsonNode refund = json(first);
    assertThat(refund.get("id").stringValue()).startsWith("re_");
    assertThat(refund.get("object").stringValue()).isEqualTo("refund");
    assertThat(refund.get("payment_intent").stringValue()).isEqualTo(id);
    assertThat(refund.get("status").stringValue()).isEqualTo("succeeded");
    assertThat(json(second).get("amount").longValue()).isEqualTo(700);
    assertThat(over.statusCode()).isEqualTo(400);
    assertThat(json(over).at("/error/code").stringValue()).isEqualTo("charge_already_refunded");
    assertThat(sim.ledger().refundedFor("att_1")).isEqualTo(1000);
    assertThat(json(get("/v1/refunds/" + refund.get("id").stringValue()))).isEqualTo(refund);
    assertThat(json(get("/v1/refunds?payment_intent=" + id)).get("data")).hasSize(2);
  }

  @Test
  void refusesARefundAboveWhatIsLeftAndOfAnUncapturedOrUnknownPaymentIntent() throws Exception {
    String taken = intent("att_1", false);
    String held = intent("att_2", true);

    HttpResponse<String> tooMuch = post("/v1/refunds", "rf-1", "payment_intent=" + taken + "&amount=1001");
    HttpResponse<String> uncaptured = post("/v1/refunds", "rf-2", "payment_intent=" + held + "&amount=1");
    HttpResponse<String> unknown = post("/v1/refunds", "rf-3", "payment_intent=pi_nope&amount=1");

    assertThat(tooMuch.statusCode()).isEqualTo(400);
    assertThat(json(tooMuch).at("/error/code").stringValue()).isEqualTo("amount_too_large");
    assertThat(json(uncaptured).at("/error/code").stringValue()).isEqualTo("charge_not_refundable");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(json(unknown).at("/error/code").stringValue()).isEqualTo("resource_missing");
    assertThat(sim.ledger().modifications()).isEmpty();
  }

  @Test
  void replaysARefundUnderItsKeyAndRefusesOtherParameters() throws Exception {
    String id = intent("att_1", false);

    HttpResponse<String> first = post("/v1/refunds", "rf-1", "payment_intent=" + id + "&amount=300");
    HttpResponse<String> replay = post("/v1/refunds", "rf-1", "payment_intent=" + id + "&amount=300");
    HttpResponse<String> other = post("/v1/refunds", "rf-1", "payment_intent=" + id + "&amount=301");

    assertThat(replay.body()).isEqualTo(first.body());
    assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(other.statusCode()).isEqualTo(400);
    assertThat(json(other).at("/error/type").stringValue()).isEqualTo("idempotency_error");
    assertThat(sim.ledger().modifications()).hasSize(1);
  }

  @Test
  void aRefundWhoseResponseWasLostIsAnsweredByTheReplayAndRecordedOnce() throws Exception {
    String id = intent("att_1", false);
    sim.update(SimulatorBehaviour.reliable().withLostResponseRate(1.0));

    assertThatThrownBy(() -> client.send(request("/v1/refunds", "rf-1", "payment_intent=" + id + "&amount=300")
        .timeout(Duration.ofMillis(300)).build(), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(HttpTimeoutException.class);
    sim.update(SimulatorBehaviour.reliable());
    HttpResponse<String> replay = post("/v1/refunds", "rf-1", "payment_intent=" + id + "&amount=300");

    assertThat(replay.statusCode()).isEqualTo(200);
    assertThat(json(replay).get("id").stringValue()).isEqualTo(sim.ledger().modifications().getFirst().id());
    assertThat(sim.ledger().modifications()).hasSize(1);
    assertThat(sim.ledger().refundedFor("att_1")).isEqualTo(300);
  }

  private String intent(String attempt, boolean manual) throws Exception {
    HttpResponse<String> response = post("/v1/payment_intents", "pay-" + attempt, "amount=1000&currency=eur"
        + "&payment_method=pm_card_visa&confirm=true&metadata%5Bpayment_router_attempt%5D=" + attempt
        + (manual ? "&capture_method=manual" : ""));
    assertThat(response.statusCode()).isEqualTo(200);
    return json(response).get("id").stringValue();
  }

  private HttpRequest.Builder request(String path, String key, String body) {
    return HttpRequest.newBuilder(URI.create(sim.baseUrl() + path))
        .header("Authorization", "Bearer " + SECRET)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Idempotency-Key", key)
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  private HttpResponse<String> post(String path, String key, String body) throws Exception {
    return client.send(request(path, key, body).timeout(CLIENT_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + path)).header("Authorization", "Bearer "
        + SECRET).timeout(CLIENT_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) {
    return JSON.readTree(response.body());
  }
}
