package dev.paymentrouter.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paymentrouter.simulator.ProviderSimulator;
import dev.paymentrouter.simulator.SimulatorDialect;
import dev.paymentrouter.simulator.SimulatorSettings;
import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The Adyen simulator's own notifications, not hand-built ones, reach the router and confirm a refund that Adyen
 * only answered "received" to, as in local mode. The simulator starts before the router and must know where to post,
 * so the router's port is chosen up front. Reconciliation is an hour away: only the notification can confirm it.
 */
@TestPropertySource(properties = {
    "payment-router.recovery.reconcile-delays=1h",
    "payment-router.recovery.settle-time=1h",
    "payment-router.recovery.pending-interval=1h"
})
class SimulatorNotificationRoundTripTest extends RouterIntegrationTest {

  static final String PROVIDER_KEY = "sk_test_roundTripProviders1";
  static final String ADYEN_KEY = "0A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F9";
  static final int ROUTER_PORT = freePort();
  static final ProviderSimulator ADYEN = ProviderSimulator.start(SimulatorSettings.local("adyen-round-trip")
      .withDialect(SimulatorDialect.ADYEN).withApiKey(PROVIDER_KEY).withMerchantAccount("RoundTripECOM")
      .withNotifications(URI.create("http://127.0.0.1:" + ROUTER_PORT + "/webhooks/adyen/beta"), ADYEN_KEY));

  @DynamicPropertySource
  static void adyenWithNotifications(DynamicPropertyRegistry registry) {
    registry.add("server.port", () -> ROUTER_PORT);
    registry.add("payment-router.providers.beta.type", () -> "adyen");
    registry.add("payment-router.providers.beta.base-url", ADYEN::baseUrl);
    registry.add("payment-router.providers.beta.api-key", () -> PROVIDER_KEY);
    registry.add("payment-router.providers.beta.merchant-account", () -> "RoundTripECOM");
    registry.add("payment-router.providers.beta.webhook-hmac-keys", () -> ADYEN_KEY);
  }

  @AfterAll
  static void stopSimulator() {
    ADYEN.close();
  }

  @Test
  void anAdyenRefundIsConfirmedByTheSimulatorsOwnNotification() {
    String apiKey = newMerchant("m_round_trip_" + UUID.randomUUID());
    IntentClient merchant = new IntentClient(client, apiKey);
    JsonNode paid = merchant.created("{\"amount\": 1000, \"currency\": \"EUR\", \"paymentMethod\": {\"type\": "
        + "\"card\", \"tokens\": {\"beta\": \"shopper-7:tok_visa\"}}}");
    String id = paid.path("id").stringValue();
    assertThat(paid.path("status").stringValue()).isEqualTo("succeeded");

    JsonNode refund = IntentClient.read(client.post().uri("/v1/refunds")
        .header("Authorization", "Bearer " + apiKey).header("Idempotency-Key", UUID.randomUUID().toString())
        .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"paymentIntent\": \"" + id + "\", \"amount\": 400}")
        .exchange().expectBody().returnResult().getResponseBody());
    assertThat(refund.path("status").stringValue()).isEqualTo("pending");

    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      JsonNode after = merchant.get(id);
      assertThat(after.at("/refunds/0/status").stringValue()).isEqualTo("succeeded");
      assertThat(after.path("amountRefunded").longValue()).isEqualTo(400);
    });
    // Confirmed by the simulator's REFUND item (stored as received), not by anything else.
    assertThat(db.sql("select count(*) as n from provider_notifications where intent_id = :id and type = 'REFUND'")
        .bind("id", id).map(row -> row.get("n", Long.class)).one().block(Duration.ofSeconds(5))).isEqualTo(1);
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
