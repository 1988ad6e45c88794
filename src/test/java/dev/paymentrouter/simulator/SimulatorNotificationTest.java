package dev.paymentrouter.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paymentrouter.notification.domain.AdyenEvents;
import dev.paymentrouter.notification.domain.AdyenHmac;
import dev.paymentrouter.notification.domain.Notice;
import dev.paymentrouter.notification.domain.StripeEvents;
import dev.paymentrouter.notification.domain.StripeSignature;
import dev.paymentrouter.provider.domain.ChargeStatus;
import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.ModificationRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Stripe and Adyen simulators post their webhooks to a configured receiver, signed as the providers sign them:
 * the router's own verifiers ({@link StripeSignature}, {@link AdyenHmac}) accept them, and its event tables read
 * the router's keys out of them.
 */
class SimulatorNotificationTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String STRIPE_SECRET = "whsec_simulator_test_secret";
  private static final String ADYEN_KEY = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056";
  private static final String ACCOUNT = "SimMerchant";

  /** One POST the receiver got: the Stripe-Signature header (or null) and the raw body. */
  private record Received(String signature, byte[] body) {
    JsonNode json() {
      return JSON.readTree(body);
    }
  }

  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private final AtomicInteger failuresToAnswer = new AtomicInteger();
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private DisposableServer receiver;
  private ProviderSimulator sim;

  @BeforeEach
  void startReceiver() {
    receiver = HttpServer.create().host("127.0.0.1").port(0)
        .handle((request, response) -> request.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0])
            .flatMap(body -> {
              if (failuresToAnswer.getAndDecrement() > 0) {
                return response.status(500).sendString(Mono.just("busy")).then();
              }
              received.add(new Received(request.requestHeaders().get("Stripe-Signature"), body));
              // Adyen's documented acknowledgement.
              return response.status(200).sendString(Mono.just("[accepted]")).then();
            }))
        .bindNow();
  }

  @AfterEach
  void stop() {
    if (sim != null) {
      sim.close();
    }
    receiver.disposeNow();
    client.close();
  }

  @Test
  void stripeSignsPaymentIntentSucceededCarryingTheAttemptKey() throws Exception {
    sim = start(SimulatorDialect.STRIPE, STRIPE_SECRET);

    String intent = stripeCharge("att-1", "pm_card_visa");

    Received event = next();
    assertThat(StripeSignature.verify(event.signature(), event.body(), List.of(STRIPE_SECRET),
        StripeSignature.DEFAULT_TOLERANCE, Instant.now())).isNull();
    assertThat(event.json().get("type").stringValue()).isEqualTo("payment_intent.succeeded");
    // Captured at once: the charge, and an authorization ended captured in full (no capture of ours is open).
    assertThat(stripeNotice(event)).isEqualTo(new Notice.AuthorizationEnded("att-1",
        new ChargeStatus.Charged(intent), ModificationRequest.Kind.CAPTURE, 1000, null,
        "ch_" + intent.substring("pi_".length())));
  }

  @Test
  void stripeTellsACaptureByPaymentIntentSucceededNamingTheCaptureAndItsAmount() throws Exception {
    sim = start(SimulatorDialect.STRIPE, STRIPE_SECRET);
    String intent = stripeCharge("att-4", "pm_card_visa", "&capture_method=manual");
    assertThat(next().json().get("type").stringValue()).isEqualTo("payment_intent.amount_capturable_updated");

    // As the router's connector captures: part of the hold, its key in the PaymentIntent's metadata.
    HttpResponse<String> capture = send("/v1/payment_intents/" + intent + "/capture", "cap-1",
        "application/x-www-form-urlencoded", "amount_to_capture=600&metadata[payment_router_modification]=cap-1");
    assertThat(capture.statusCode()).isEqualTo(200);

    Received event = next();
    assertThat(StripeSignature.verify(event.signature(), event.body(), List.of(STRIPE_SECRET),
        StripeSignature.DEFAULT_TOLERANCE, Instant.now())).isNull();
    assertThat(event.json().get("type").stringValue()).isEqualTo("payment_intent.succeeded");
    assertThat(event.json().at("/data/object/metadata/payment_router_attempt").stringValue()).isEqualTo("att-4");
    assertThat(stripeNotice(event)).isEqualTo(new Notice.AuthorizationEnded("att-4",
        new ChargeStatus.Charged(intent), ModificationRequest.Kind.CAPTURE, 600, "cap-1",
        "ch_" + intent.substring("pi_".length())));
  }

  @Test
  void stripeTellsACancelByPaymentIntentCanceledNamingTheAttempt() throws Exception {
    sim = start(SimulatorDialect.STRIPE, STRIPE_SECRET);
    String intent = stripeCharge("att-5", "pm_card_visa", "&capture_method=manual");
    next();

    HttpResponse<String> cancel = send("/v1/payment_intents/" + intent + "/cancel", "can-1",
        "application/x-www-form-urlencoded", "cancellation_reason=abandoned");
    assertThat(cancel.statusCode()).isEqualTo(200);

    Received event = next();
    assertThat(StripeSignature.verify(event.signature(), event.body(), List.of(STRIPE_SECRET),
        StripeSignature.DEFAULT_TOLERANCE, Instant.now())).isNull();
    assertThat(event.json().get("type").stringValue()).isEqualTo("payment_intent.canceled");
    assertThat(event.json().at("/data/object/cancellation_reason").stringValue()).isEqualTo("abandoned");
    assertThat(stripeNotice(event)).isEqualTo(new Notice.AuthorizationEnded("att-5", null,
        ModificationRequest.Kind.CANCEL, 0, null, intent));
  }

  @Test
  void stripeSignsPaymentFailedWithTheDeclineCode() throws Exception {
    sim = start(SimulatorDialect.STRIPE, STRIPE_SECRET);

    stripeCharge("att-2", "pm_card_chargeDeclinedInsufficientFunds");

    Received event = next();
    assertThat(StripeSignature.verify(event.signature(), event.body(), List.of(STRIPE_SECRET),
        StripeSignature.DEFAULT_TOLERANCE, Instant.now())).isNull();
    assertThat(event.json().get("type").stringValue()).isEqualTo("payment_intent.payment_failed");
    assertThat(stripeNotice(event)).isEqualTo(new Notice.AttemptVerdict("att-2",
        new ChargeStatus.Declined("insufficient_funds", false)));
  }

  @Test
  void stripeSignsRefundCreatedCarryingTheModificationKey() throws Exception {
    sim = start(SimulatorDialect.STRIPE, STRIPE_SECRET);
    String intent = stripeCharge("att-3", "pm_card_visa");
    next();

    HttpResponse<String> refund = send("/v1/refunds", "rf-1", "application/x-www-form-urlencoded",
        "payment_intent=" + intent + "&amount=300&metadata[payment_router_modification]=rf-1");
    assertThat(refund.statusCode()).isEqualTo(200);

    Received event = next();
    assertThat(StripeSignature.verify(event.signature(), event.body(), List.of(STRIPE_SECRET),
        StripeSignature.DEFAULT_TOLERANCE, Instant.now())).isNull();
    assertThat(event.json().get("type").stringValue()).isEqualTo("refund.created");
    String refundId = JSON.readTree(refund.body()).get("id").stringValue();
    assertThat(stripeNotice(event)).isEqualTo(new Notice.ModificationVerdict("rf-1",
        new ModificationOutcome.Succeeded(refundId)));
  }

  @Test
  void adyenSignsAuthorisationAndCaptureWithTheRoutersReferences() throws Exception {
    sim = start(SimulatorDialect.ADYEN, ADYEN_KEY);

    String psp = adyenPayment("att-4", true);
    JsonNode authorisation = adyenItem(next());
    HttpResponse<String> capture = send("/v71/payments/" + psp + "/captures", "cap-1", "application/json", """
        {"merchantAccount": "%s", "amount": {"value": 1000, "currency": "EUR"}, "reference": "cap-1"}"""
        .formatted(ACCOUNT));
    assertThat(capture.statusCode()).isEqualTo(201);
    JsonNode captured = adyenItem(next());

    assertThat(adyenNotice(authorisation)).isEqualTo(new Notice.AttemptVerdict("att-4",
        new ChargeStatus.Charged(psp)));
    String capturePsp = JSON.readTree(capture.body()).get("pspReference").stringValue();
    assertThat(captured.get("originalReference").stringValue()).isEqualTo(psp);
    assertThat(adyenNotice(captured)).isEqualTo(new Notice.ModificationVerdict("cap-1",
        new ModificationOutcome.Succeeded(capturePsp)));
  }

  @Test
  void adyenTellsARefusedCancellationAsUnsuccessful() throws Exception {
    sim = start(SimulatorDialect.ADYEN, ADYEN_KEY);
    String psp = adyenPayment("att-5", false);
    next();

    // The payment captured at once: Adyen answers "received" to the cancel and refuses it in the notification.
    send("/v71/payments/" + psp + "/cancels", "cn-1", "application/json",
        "{\"merchantAccount\": \"" + ACCOUNT + "\", \"reference\": \"cn-1\"}");

    JsonNode cancellation = adyenItem(next());
    assertThat(cancellation.get("eventCode").stringValue()).isEqualTo("CANCELLATION");
    assertThat(adyenNotice(cancellation)).isInstanceOfSatisfying(Notice.ModificationVerdict.class, verdict -> {
      assertThat(verdict.modificationKey()).isEqualTo("cn-1");
      assertThat(verdict.outcome()).isInstanceOf(ModificationOutcome.Refused.class);
    });
  }

  @Test
  void retriesOnceWhenTheReceiverFailsAndCountsTheDelivery() throws Exception {
    failuresToAnswer.set(1);
    sim = start(SimulatorDialect.STRIPE, STRIPE_SECRET);

    stripeCharge("att-6", "pm_card_visa");

    Received event = next();
    assertThat(StripeSignature.verify(event.signature(), event.body(), List.of(STRIPE_SECRET),
        StripeSignature.DEFAULT_TOLERANCE, Instant.now())).isNull();
    assertThat(failuresToAnswer.get()).isNegative();
    await().atMost(Duration.ofSeconds(10))
        .until(() -> sim.notificationCounts().equals(new SimulatorNotifier.Counts(1, 0, 0)));
  }

  @Test
  void dropsAndCountsANotificationWhenTheQueueIsFullWithoutWaiting() {
    SimulatorEngine engine = new SimulatorEngine("full", SimulatorBehaviour.reliable(), Clock.systemUTC(),
        RandomGenerator.getDefault());
    // A receiver that never answers: the first notification waits for it, and holds the queue's only place.
    DisposableServer silent = HttpServer.create().host("127.0.0.1").port(0)
        .handle((request, response) -> Mono.never()).bindNow();
    SimulatorNotifier notifier = new SimulatorNotifier("full", URI.create("http://127.0.0.1:" + silent.port()),
        new StripeWebhooks(engine, STRIPE_SECRET), Clock.systemUTC(), 1);
    StripeDialect.IntentRequest request = new StripeDialect.IntentRequest(Map.of(), 1000, "eur",
        "pm_card_visa", "automatic", Map.of("payment_router_attempt", "att-7"));
    SimulatorLedger.Entry entry = new SimulatorLedger.Entry(1, new SimulatorCharge("pi_1", "key-1", "att-7", 1000,
        "EUR", SimulatorCharge.APPROVED, null, Instant.now()), request);
    try {
      notifier.charged(entry);
      notifier.charged(entry);

      assertThat(notifier.counts()).isEqualTo(new SimulatorNotifier.Counts(0, 0, 1));
    } finally {
      notifier.close();
      silent.disposeNow();
    }
  }

  private ProviderSimulator start(SimulatorDialect dialect, String secret) {
    URI target = URI.create("http://127.0.0.1:" + receiver.port() + "/webhooks/" + dialect.wireName() + "/sim");
    return ProviderSimulator.start(SimulatorSettings.local("notify-" + dialect.wireName()).withDialect(dialect)
        .withNotifications(target, secret));
  }

  private Received next() throws InterruptedException {
    Received next = received.poll(10, TimeUnit.SECONDS);
    assertThat(next).as("a notification within 10 s").isNotNull();
    return next;
  }

  private String stripeCharge(String attempt, String paymentMethod) throws Exception {
    return stripeCharge(attempt, paymentMethod, "");
  }

  private String stripeCharge(String attempt, String paymentMethod, String moreFields) throws Exception {
    HttpResponse<String> response = send("/v1/payment_intents", "key-" + attempt,
        "application/x-www-form-urlencoded", "amount=1000&currency=eur&confirm=true&payment_method=" + paymentMethod
            + "&metadata[payment_router_attempt]=" + attempt + moreFields);
    JsonNode body = JSON.readTree(response.body());
    return body.has("error") ? body.get("error").get("payment_intent").get("id").stringValue()
        : body.get("id").stringValue();
  }

  private String adyenPayment(String reference, boolean manualCapture) throws Exception {
    HttpResponse<String> response = send("/v71/payments", "key-" + reference, "application/json", """
        {"merchantAccount": "%s", "reference": "%s", "amount": {"value": 1000, "currency": "EUR"},
         "paymentMethod": {"type": "scheme", "number": "test_tok_visa"},
         "additionalData": {"manualCapture": "%s"}}""".formatted(ACCOUNT, reference, manualCapture));
    assertThat(response.statusCode()).isEqualTo(200);
    return JSON.readTree(response.body()).get("pspReference").stringValue();
  }

  /** The single item of an Adyen notification, after checking its HMAC with the router's verifier. */
  private static JsonNode adyenItem(Received received) {
    assertThat(received.signature()).isNull();
    JsonNode root = received.json();
    assertThat(root.get("live").stringValue()).isEqualTo("false");
    assertThat(root.get("notificationItems")).hasSize(1);
    JsonNode item = root.get("notificationItems").get(0).get("NotificationRequestItem");
    AdyenHmac.SignedFields fields = new AdyenHmac.SignedFields(text(item, "pspReference"),
        text(item, "originalReference"), text(item, "merchantAccountCode"), text(item, "merchantReference"),
        item.get("amount").get("value").asLong(), text(item.get("amount"), "currency"), text(item, "eventCode"),
        "true".equals(text(item, "success")));
    assertThat(AdyenHmac.verify(text(item.get("additionalData"), "hmacSignature"), fields, List.of(ADYEN_KEY)))
        .as("the HMAC of %s", fields.dataToSign()).isTrue();
    assertThat(AdyenHmac.verify(text(item.get("additionalData"), "hmacSignature"), fields,
        List.of(ADYEN_KEY.replace('4', '5')))).isFalse();
    return item;
  }

  private static Notice adyenNotice(JsonNode item) {
    return AdyenEvents.notice(text(item, "eventCode"), "true".equals(text(item, "success")),
        text(item, "merchantReference"), text(item, "pspReference"), text(item, "originalReference"),
        text(item, "reason"));
  }

  /** What the router's Stripe table makes of the event, read as its parser reads it. */
  private static Notice stripeNotice(Received received) {
    JsonNode event = received.json();
    JsonNode object = event.get("data").get("object");
    JsonNode error = object.path("last_payment_error");
    String failure = error.path("decline_code").isString() ? error.path("decline_code").stringValue() : null;
    JsonNode amountReceived = object.path("amount_received");
    return StripeEvents.notice(event.get("type").stringValue(), new StripeEvents.EventObject(text(object, "id"),
        text(object, "status"), text(object.get("metadata"), "payment_router_attempt"),
        text(object.get("metadata"), "payment_router_modification"), failure, null,
        amountReceived.isIntegralNumber() ? amountReceived.asLong() : null, text(object, "latest_charge")));
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value == null || !value.isString() || value.stringValue().isEmpty() ? null : value.stringValue();
  }

  private HttpResponse<String> send(String path, String key, String contentType, String body) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + path))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", contentType)
        .header("Idempotency-Key", key)
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
