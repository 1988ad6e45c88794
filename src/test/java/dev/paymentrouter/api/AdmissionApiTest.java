package dev.paymentrouter.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;

/**
 * The admission limit in the running router: creates, a refused body and a request without a key each give their
 * permit back (a create as soon as its intent is stored), and the limit's meters are published.
 */
class AdmissionApiTest extends RouterIntegrationTest {

  @Autowired
  MeterRegistry meters;

  @Test
  void everyWriteGivesItsPermitBackWhateverItsAnswer() {
    String key = newMerchant();
    IntentClient intents = new IntentClient(client, key);

    intents.created(IntentClient.body(1_000, "tok_visa"));
    intents.create(IntentClient.body(1_000, "tok_visa"), "admission-" + System.nanoTime(), "wait=0")
        .expectStatus().is2xxSuccessful();
    client.post().uri("/v1/payment-intents").header("Authorization", "Bearer " + key)
        .header("Idempotency-Key", "admission-bad-" + System.nanoTime())
        .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"amount\": -1}")
        .exchange().expectStatus().is4xxClientError();
    client.post().uri("/v1/payment-intents").contentType(MediaType.APPLICATION_JSON)
        .bodyValue(IntentClient.body(1_000, "tok_visa"))
        .exchange().expectStatus().isUnauthorized();

    assertThat(meters.get("payment_router.admission.in_flight").gauge().value()).isZero();
    assertThat(meters.get("payment_router.admission.limit").gauge().value()).isGreaterThanOrEqualTo(20);
    assertThat(meters.get("payment_router.admission.refused").counter().count()).isZero();
  }
}
