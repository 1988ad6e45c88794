package dev.paymentrouter.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Oversized request lines and headers are the client's fault and are answered as such (414, 431), never with a
 * 5xx or a dropped connection, and the node keeps serving.
 */
class RequestLimitsApiTest extends RouterIntegrationTest {

  @LocalServerPort
  int port;

  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void aTooLongUriIsAnswered414() throws Exception {
    String key = newMerchant();
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/v1/payment-intents/pi_" + "x".repeat(20_000)))
        .header("Authorization", "Bearer " + key)
        .timeout(Duration.ofSeconds(10))
        .GET().build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(414);
    stillServes(key);
  }

  @Test
  void tooLargeHeadersAreAnswered431() throws Exception {
    String key = newMerchant();
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/v1/payment-intents"))
        .header("Authorization", "Bearer " + key)
        .header("Idempotency-Key", "big-headers")
        .header("X-Padding", "p".repeat(20_000))
        .timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(IntentClient.body(100, "tok_visa"))).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(431);
    assertThat(countIntentsOf(key)).isZero();
    stillServes(key);
  }

  private void stillServes(String key) {
    new IntentClient(client, key).created(IntentClient.body(100, "tok_visa"));
  }
}
