package dev.paymentrouter.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paymentrouter.intent.domain.Decision;
import dev.paymentrouter.intent.domain.IntentCommand;
import dev.paymentrouter.intent.domain.IntentEvent;
import dev.paymentrouter.intent.domain.IntentState;
import dev.paymentrouter.intent.domain.IntentTransitions;
import dev.paymentrouter.intent.domain.Money;
import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.intent.domain.PaymentMethod;
import dev.paymentrouter.intent.domain.RouteOptions;
import dev.paymentrouter.intent.runtime.IntentIds;
import dev.paymentrouter.intent.runtime.IntentStore;
import dev.paymentrouter.intent.runtime.RecoveryProperties;
import dev.paymentrouter.notification.domain.AdyenHmac;
import dev.paymentrouter.notification.domain.StripeSignature;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.simulator.ProviderSimulator;
import dev.paymentrouter.simulator.SimulatorBehaviour;
import dev.paymentrouter.simulator.SimulatorDialect;
import dev.paymentrouter.simulator.SimulatorSettings;
import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Incoming notifications through the running router: alpha speaks Stripe's API, beta Adyen's (each against its
 * simulator). Signatures are checked before anything is stored; a replay is stored once; a verified notification
 * reaches the intent's owner and resolves what the router did not know. Reconciliation is set an hour away, so that
 * only a notification can resolve anything within a test.
 */
@TestPropertySource(properties = {
    "payment-router.recovery.reconcile-delays=1h",
    "payment-router.recovery.settle-time=1h",
    "payment-router.recovery.pending-interval=1h",
    "payment-router.providers.alpha.pool.call-timeout=500ms",
    "payment-router.providers.beta.pool.call-timeout=500ms"
})
class ProviderNotificationsApiTest extends RouterIntegrationTest {

  static final String PROVIDER_KEY = "sk_test_notificationProviders1";
  static final String STRIPE_SECRET = "whsec_notification_test_secret";
  static final String ADYEN_KEY = "DFB1EB5485895CFA84146406857104ABB4CBCABDC8AAF103A624C8F6A3EAAB00";
  static final ProviderSimulator STRIPE = ProviderSimulator.start(SimulatorSettings.local("stripe-notify")
      .withDialect(SimulatorDialect.STRIPE).withApiKey(PROVIDER_KEY));
  static final ProviderSimulator ADYEN = ProviderSimulator.start(SimulatorSettings.local("adyen-notify")
      .withDialect(SimulatorDialect.ADYEN).withApiKey(PROVIDER_KEY).withMerchantAccount("NotifyECOM"));

  IntentClient merchant;
  String apiKey;
  String merchantId;

  @Autowired
  IntentStore store;

  @Autowired
  RecoveryProperties recovery;

  @DynamicPropertySource
  static void stripeAndAdyen(DynamicPropertyRegistry registry) {
    registry.add("payment-router.providers.alpha.type", () -> "stripe");
    registry.add("payment-router.providers.alpha.base-url", STRIPE::baseUrl);
    registry.add("payment-router.providers.alpha.api-key", () -> PROVIDER_KEY);
    registry.add("payment-router.providers.alpha.webhook-secrets[0]", () -> "whsec_older_secret");
    registry.add("payment-router.providers.alpha.webhook-secrets[1]", () -> STRIPE_SECRET);
    registry.add("payment-router.providers.beta.type", () -> "adyen");
    registry.add("payment-router.providers.beta.base-url", ADYEN::baseUrl);
    registry.add("payment-router.providers.beta.api-key", () -> PROVIDER_KEY);
    registry.add("payment-router.providers.beta.merchant-account", () -> "NotifyECOM");
    registry.add("payment-router.providers.beta.webhook-hmac-keys", () -> ADYEN_KEY);
  }

  @AfterAll
  static void stopSimulators() {
    STRIPE.close();
    ADYEN.close();
  }

  @BeforeEach
  void merchant() {
    STRIPE.reset();
    ADYEN.reset();
    merchantId = "m_notify_" + UUID.randomUUID();
    apiKey = newMerchant(merchantId);
    merchant = new IntentClient(client, apiKey);
  }

  @Test
  void storesAVerifiedStripeNotificationOnceAndAnswersAReplayAlike() {
    String event = "evt_" + UUID.randomUUID().toString().replace("-", "");
    String body = stripeEvent(event, "payment_intent.succeeded", "pi_3Nstranger", "pi_UNKNOWNINTENT0000000000000000_1");
    long now = Instant.now().getEpochSecond();

    for (int i = 0; i < 2; i++) {
      client.post().uri("/webhooks/stripe/alpha").contentType(MediaType.APPLICATION_JSON)
          .header("Stripe-Signature", StripeSignature.sign(STRIPE_SECRET, now, bytes(body)))
          .bodyValue(body).exchange().expectStatus().isOk();
    }

    assertThat(rows(event)).isEqualTo(1);
    assertThat(outcome(event)).isEqualTo("unknown_intent");
  }

  @Test
  void refusesABadOrStaleStripeSignatureAndStoresNothing() {
    String event = "evt_" + UUID.randomUUID().toString().replace("-", "");
    String body = stripeEvent(event, "payment_intent.succeeded", "pi_3Nx", "pi_X_1");
    long now = Instant.now().getEpochSecond();

    client.post().uri("/webhooks/stripe/alpha").contentType(MediaType.APPLICATION_JSON)
        .header("Stripe-Signature", StripeSignature.sign("whsec_wrong", now, bytes(body)))
        .bodyValue(body).exchange().expectStatus().isUnauthorized()
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    client.post().uri("/webhooks/stripe/alpha").contentType(MediaType.APPLICATION_JSON)
        .header("Stripe-Signature", StripeSignature.sign(STRIPE_SECRET, now - 600, bytes(body)))
        .bodyValue(body).exchange().expectStatus().isUnauthorized();
    client.post().uri("/webhooks/stripe/alpha").contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body).exchange().expectStatus().isUnauthorized();

    assertThat(rows(event)).isZero();
  }

  @Test
  void answersNotFoundForAProviderThatIsNotOfTheEndpointsType() {
    client.post().uri("/webhooks/adyen/alpha").contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
        .exchange().expectStatus().isNotFound();
    client.post().uri("/webhooks/stripe/nobody").contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
        .exchange().expectStatus().isNotFound();
  }

  @Test
  void anAdyenRefundPendingAtTheProviderSucceedsByItsNotification() {
    JsonNode paid = merchant.created(adyenIntent(1_000));
    String id = paid.path("id").stringValue();
    assertThat(paid.path("status").stringValue()).isEqualTo("succeeded");
    JsonNode refund = IntentClient.read(client.post().uri("/v1/refunds")
        .header("Authorization", "Bearer " + apiKey).header("Idempotency-Key", UUID.randomUUID().toString())
        .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"paymentIntent\": \"" + id + "\", \"amount\": 400}")
        .exchange().expectBody().returnResult().getResponseBody());
    assertThat(refund.path("status").stringValue()).isEqualTo("pending");
    String refundId = refund.path("id").stringValue();

    String item = adyenItem("REFUND", "8816" + System.nanoTime(), paid.at("/attempts/0/providerReference")
        .stringValue(), refundId, 400, true);
    client.post().uri("/webhooks/adyen/beta").contentType(MediaType.APPLICATION_JSON).bodyValue(item)
        .exchange().expectStatus().isOk().expectBody(String.class).isEqualTo("[accepted]");

    // Persisted before the answer: the refund is confirmed at once, long before its hour-away status query.
    JsonNode after = merchant.get(id);
    assertThat(after.at("/refunds/0/status").stringValue()).isEqualTo("succeeded");
    assertThat(after.path("amountRefunded").longValue()).isEqualTo(400);

    // Adyen retries what it thinks was not acknowledged: the same item again changes nothing and is stored once.
    client.post().uri("/webhooks/adyen/beta").contentType(MediaType.APPLICATION_JSON).bodyValue(item)
        .exchange().expectStatus().isOk();
    assertThat(db.sql("select count(*) as n from provider_notifications where intent_id = :id").bind("id", id)
        .map(row -> row.get("n", Long.class)).one().block(Duration.ofSeconds(5))).isEqualTo(1);
  }

  @Test
  void anAdyenItemWithATamperedFieldIsRefusedAndChangesNothing() {
    String item = adyenItem("AUTHORISATION", "8816" + System.nanoTime(), null, "pi_X_1", 400, false)
        .replace("\"success\":\"false\"", "\"success\":\"true\"");
    client.post().uri("/webhooks/adyen/beta").contentType(MediaType.APPLICATION_JSON).bodyValue(item)
        .exchange().expectStatus().isUnauthorized();
  }

  @Test
  void anUnknownChargeAttemptIsResolvedByItsNotificationBeforeReconciliationWouldAsk() {
    // What a node leaves when Adyen's answer to a charge was lost: attempt 1 at beta unknown, its status query an
    // hour away. Written straight into the database: the router's own calls never leave it this way for long.
    String id = "pi_" + new IntentIds(Clock.systemUTC()).next().substring(3);
    Instant now = Instant.now();
    IntentCommand.Create create = new IntentCommand.Create(id, merchantId, new Money(2_500, "EUR"),
        new PaymentMethod("card", "shopper-7:tok_visa", null), null, Map.of(), now.plus(Duration.ofMinutes(15)),
        new RouteOptions(List.of("beta"), 1), now);
    List<IntentEvent> created = ((Decision.Accepted) IntentTransitions.decide(IntentState.NONE, create)).events();
    PaymentIntent inFlight = IntentTransitions.evolveAll(IntentState.NONE, created);
    store.insert(inFlight, created, "k-" + id, "h-" + id, new IntentStore.Ownership(recovery.nodeId(),
        now.plusSeconds(60), null, 0)).block(Duration.ofSeconds(5));
    List<IntentEvent> lost = ((Decision.Accepted) IntentTransitions.decide(inFlight, new IntentCommand.RecordOutcome(1,
        new ProviderOutcome.Unknown("timeout"), new RouteOptions(List.of(), 1), now))).events();
    IntentStore.Ownership dueInAnHour = new IntentStore.Ownership(recovery.nodeId(), now, now.plusSeconds(3_600), 0);
    store.append(inFlight, IntentTransitions.evolveAll(inFlight, lost), created.size(), lost, dueInAnHour)
        .block(Duration.ofSeconds(5));
    // Read from the table: a merchant's GET would itself ask the provider on the fly (see OnTheFlyReconciliationTest).
    assertThat(attempt(id, "status")).isEqualTo("unknown");

    client.post().uri("/webhooks/adyen/beta").contentType(MediaType.APPLICATION_JSON)
        .bodyValue(adyenItem("AUTHORISATION", "PSP0000000000001", null, id + "_1", 2_500, true))
        .exchange().expectStatus().isOk().expectBody(String.class).isEqualTo("[accepted]");

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(attempt(id, "status")).isEqualTo("approved"));
    // The notification's reference: the provider was not asked (a replay would have named its own).
    assertThat(attempt(id, "provider_reference")).isEqualTo("PSP0000000000001");
    assertThat(merchant.get(id).path("status").stringValue()).isEqualTo("succeeded");
  }

  @Test
  void aStripeCaptureWhoseAnswerWasLostIsConfirmedByPaymentIntentSucceededBeforeAnyStatusQuery() {
    String id = heldAtStripe();
    String paymentIntent = attempt(id, "provider_reference");
    STRIPE.update(SimulatorBehaviour.reliable().withLostResponseRate(1.0));
    // Part of the hold: Stripe takes 600 and releases the rest; its answer never comes.
    lifecycle(id, "capture", "{\"amount\": 600}");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(modification(id, "capture", "status")).isEqualTo("unknown"));
    STRIPE.update(SimulatorBehaviour.reliable());
    long queries = STRIPE.stats().statusQueries();

    // Stripe's event for the capture, as its connector sent it: the capture's key in the PaymentIntent's metadata.
    String event = "evt_" + UUID.randomUUID().toString().replace("-", "");
    String charge = "ch_" + paymentIntent.substring("pi_".length());
    postStripe(stripeEvent(event, "payment_intent.succeeded", paymentIntent, "succeeded", 600, charge,
        id + "_1", modification(id, "capture", "modification_id")));

    // Persisted before the answer: confirmed at once, an hour before its status query, which never ran.
    assertThat(modification(id, "capture", "status")).isEqualTo("succeeded");
    assertThat(modification(id, "capture", "provider_reference")).isEqualTo(charge);
    assertThat(outcome(event)).isEqualTo("applied");
    assertThat(STRIPE.stats().statusQueries()).isEqualTo(queries);
    JsonNode after = merchant.get(id);
    assertThat(after.path("status").stringValue()).isEqualTo("succeeded");
    assertThat(after.path("amountReceived").longValue()).isEqualTo(600);
  }

  @Test
  void aStripeCancelWhoseAnswerWasLostIsConfirmedByPaymentIntentCanceledNamingOnlyTheAttempt() {
    String id = heldAtStripe();
    String paymentIntent = attempt(id, "provider_reference");
    STRIPE.update(SimulatorBehaviour.reliable().withLostResponseRate(1.0));
    lifecycle(id, "cancel", "{\"cancellationReason\": \"abandoned\"}");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(modification(id, "cancel", "status")).isEqualTo("unknown"));
    STRIPE.update(SimulatorBehaviour.reliable());
    long queries = STRIPE.stats().statusQueries();

    String event = "evt_" + UUID.randomUUID().toString().replace("-", "");
    postStripe(stripeEvent(event, "payment_intent.canceled", paymentIntent, "canceled", 0, null, id + "_1", null));

    assertThat(modification(id, "cancel", "status")).isEqualTo("succeeded");
    assertThat(outcome(event)).isEqualTo("applied");
    assertThat(STRIPE.stats().statusQueries()).isEqualTo(queries);
    assertThat(merchant.get(id).path("status").stringValue()).isEqualTo("canceled");
  }

  @Test
  void aStripePaymentEndForAnIntentWithNoOpenCaptureOrCancelIsOnlyRecorded() {
    String id = heldAtStripe();
    String paymentIntent = attempt(id, "provider_reference");

    // Nothing of the intent is open to confirm: a release (say, from Stripe's dashboard) is stored and changes
    // nothing here; the intent's own expiry or cancel finds out at Stripe.
    String event = "evt_" + UUID.randomUUID().toString().replace("-", "");
    postStripe(stripeEvent(event, "payment_intent.canceled", paymentIntent, "canceled", 0, null, id + "_1", null));

    assertThat(outcome(event)).isEqualTo("ignored:modification_not_open");
    assertThat(rows(event)).isEqualTo(1);
    assertThat(merchant.get(id).path("status").stringValue()).isEqualTo("requires_capture");
    assertThat(db.sql("select count(*) as n from payment_modifications where intent_id = :id").bind("id", id)
        .map(row -> row.get("n", Long.class)).one().block(Duration.ofSeconds(5))).isZero();
  }

  /** A manual-capture intent of 10.00 EUR, authorized and held at alpha (Stripe). */
  private String heldAtStripe() {
    JsonNode held = merchant.created("{\"amount\": 1000, \"currency\": \"EUR\", \"captureMethod\": \"manual\", "
        + "\"paymentMethod\": {\"type\": \"card\", \"tokens\": {\"alpha\": \"pm_card_visa\"}}}");
    assertThat(held.path("status").stringValue()).isEqualTo("requires_capture");
    return held.path("id").stringValue();
  }

  /** A merchant's capture or cancel, waiting up to 5 s; its answer is not what these tests look at. */
  private void lifecycle(String id, String operation, String body) {
    client.post().uri("/v1/payment-intents/" + id + "/" + operation)
        .header("Authorization", "Bearer " + apiKey).header("Idempotency-Key", UUID.randomUUID().toString())
        .header("Prefer", "wait=5").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
        .exchange().expectBody().returnResult();
  }

  private void postStripe(String body) {
    client.post().uri("/webhooks/stripe/alpha").contentType(MediaType.APPLICATION_JSON)
        .header("Stripe-Signature", StripeSignature.sign(STRIPE_SECRET, Instant.now().getEpochSecond(), bytes(body)))
        .bodyValue(body).exchange().expectStatus().isOk().expectBody().returnResult();
  }

  private String modification(String intentId, String kind, String column) {
    return db.sql("select " + column + " as v from payment_modifications where intent_id = :id and kind = :kind")
        .bind("id", intentId).bind("kind", kind).map(row -> row.get("v", String.class)).one()
        .block(Duration.ofSeconds(5));
  }

  private String attempt(String intentId, String column) {
    return db.sql("select " + column + " as v from payment_attempts where intent_id = :id and attempt_number = 1")
        .bind("id", intentId).map(row -> row.get("v", String.class)).one().block(Duration.ofSeconds(5));
  }

  private static String adyenIntent(long amount) {
    return "{\"amount\": " + amount + ", \"currency\": \"EUR\", \"paymentMethod\": {\"type\": \"card\", "
        + "\"tokens\": {\"beta\": \"shopper-7:tok_visa\"}}}";
  }

  /** A standard notification with one item, signed; modelled on Adyen's "Standard webhook" example payload. */
  private static String adyenItem(String eventCode, String psp, String original, String reference, long value,
      boolean success) {
    AdyenHmac.SignedFields signed = new AdyenHmac.SignedFields(psp, original, "NotifyECOM", reference, value, "EUR",
        eventCode, success);
    return "{\"live\":\"false\",\"notificationItems\":[{\"NotificationRequestItem\":{"
        + "\"additionalData\":{\"hmacSignature\":\"" + AdyenHmac.sign(ADYEN_KEY, signed) + "\"},"
        + "\"amount\":{\"currency\":\"EUR\",\"value\":" + value + "},\"eventCode\":\"" + eventCode + "\","
        + "\"eventDate\":\"2026-12-01T10:00:00+01:00\",\"merchantAccountCode\":\"NotifyECOM\","
        + "\"merchantReference\":\"" + reference + "\","
        + (original == null ? "" : "\"originalReference\":\"" + original + "\",")
        + "\"pspReference\":\"" + psp + "\",\"reason\":\"\",\"success\":\"" + success + "\"}}]}";
  }

  /** An Event as Stripe's API reference shows one, reduced to what the router reads. */
  private static String stripeEvent(String id, String type, String paymentIntent, String attemptKey) {
    return "{\"id\":\"" + id + "\",\"object\":\"event\",\"type\":\"" + type + "\",\"data\":{\"object\":{"
        + "\"id\":\"" + paymentIntent + "\",\"object\":\"payment_intent\",\"status\":\"succeeded\","
        + "\"metadata\":{\"payment_router_attempt\":\"" + attemptKey + "\"}}}}";
  }

  /**
   * A PaymentIntent event as Stripe's API reference shows one (the Event object around a PaymentIntent), reduced to
   * what the router reads; {@code latestCharge} and {@code modificationKey} left out when null.
   */
  private static String stripeEvent(String id, String type, String paymentIntent, String status, long received,
      String latestCharge, String attemptKey, String modificationKey) {
    return "{\"id\":\"" + id + "\",\"object\":\"event\",\"type\":\"" + type + "\",\"data\":{\"object\":{"
        + "\"id\":\"" + paymentIntent + "\",\"object\":\"payment_intent\",\"amount\":1000,"
        + "\"amount_received\":" + received + ","
        + (latestCharge == null ? "\"latest_charge\":null," : "\"latest_charge\":\"" + latestCharge + "\",")
        + "\"status\":\"" + status + "\",\"metadata\":{\"payment_router_attempt\":\"" + attemptKey + "\""
        + (modificationKey == null ? "" : ",\"payment_router_modification\":\"" + modificationKey + "\"")
        + "}}}}";
  }

  private long rows(String event) {
    return db.sql("select count(*) as n from provider_notifications where provider_event_id = :e").bind("e", event)
        .map(row -> row.get("n", Long.class)).one().block(Duration.ofSeconds(5));
  }

  private String outcome(String event) {
    return db.sql("select outcome from provider_notifications where provider_event_id = :e").bind("e", event)
        .map(row -> row.get("outcome", String.class)).one().block(Duration.ofSeconds(5));
  }

  private static byte[] bytes(String body) {
    return body.getBytes(StandardCharsets.UTF_8);
  }
}
