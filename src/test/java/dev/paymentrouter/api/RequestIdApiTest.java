package dev.paymentrouter.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/**
 * Every answer names its request: the caller's {@code X-Request-Id} when usable, a new one otherwise, on successes
 * and on errors answered before any controller (no key, a refused body, an unknown path) alike.
 */
class RequestIdApiTest extends RouterIntegrationTest {

  @Test
  void aUsableRequestIdComesBackOnTheAnswer() {
    String key = newMerchant();
    String id = client.post().uri("/v1/payment-intents")
        .header("Authorization", "Bearer " + key)
        .header("Idempotency-Key", "request-id-" + System.nanoTime())
        .header(RequestIdFilter.HEADER, "shop-7f3a:checkout.42")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(IntentClient.body(1_000, "tok_visa"))
        .exchange()
        .expectStatus().isCreated()
        .expectBody().returnResult().getResponseHeaders().getFirst(RequestIdFilter.HEADER);
    assertThat(id).isEqualTo("shop-7f3a:checkout.42");
  }

  @Test
  void everyAnswerGetsANewIdWhenTheCallerSentNoneOrAnUnusableOne() {
    String key = newMerchant();
    Set<String> ids = new HashSet<>();
    // No key: 401 from authentication.
    ids.add(client.get().uri("/v1/payment-intents/pi_missing").exchange().expectStatus().isUnauthorized()
        .expectBody().returnResult().getResponseHeaders().getFirst(RequestIdFilter.HEADER));
    // An unknown intent: 404 problem+json from the controller.
    ids.add(client.get().uri("/v1/payment-intents/pi_missing").header("Authorization", "Bearer " + key)
        .exchange().expectStatus().isNotFound()
        .expectBody().returnResult().getResponseHeaders().getFirst(RequestIdFilter.HEADER));
    // An id too odd to echo (a space, a quote): replaced, never reflected.
    String replaced = client.get().uri("/v1/payment-intents/pi_missing").header("Authorization", "Bearer " + key)
        .header(RequestIdFilter.HEADER, "evil\" id").exchange().expectStatus().isNotFound()
        .expectBody().returnResult().getResponseHeaders().getFirst(RequestIdFilter.HEADER);
    ids.add(replaced);
    // No such path at all.
    ids.add(client.get().uri("/v1/nothing-here").header("Authorization", "Bearer " + key).exchange()
        .expectBody().returnResult().getResponseHeaders().getFirst(RequestIdFilter.HEADER));

    assertThat(ids).hasSize(4).allSatisfy(id -> assertThat(id).matches("req_[0-9a-f]{24}"));
  }
}
