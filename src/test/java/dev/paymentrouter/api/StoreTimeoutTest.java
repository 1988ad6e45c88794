package dev.paymentrouter.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * A create the database does not confirm in time is answered 503 either way, but never "nothing stored" when
 * something may be: a write that reached the database may still commit (503 {@code outcome_unknown}), one that was
 * withdrawn before it was sent never will (503 {@code timeout}). Retrying with the same key tells which.
 */
@TestPropertySource(properties = {
    "payment-router.storage.writers=1",
    "payment-router.api.store-timeout=700ms"
})
@DirtiesContext
class StoreTimeoutTest extends RouterIntegrationTest {

  @Value("${spring.flyway.url}")
  String jdbcUrl;

  @Test
  void aWriteThatReachedTheDatabaseMayExistAndOneWithdrawnBeforeItWasSentDoesNot() throws Exception {
    String key = newMerchant();
    IntentClient intents = new IntentClient(client, key);
    try (Connection lock = DriverManager.getConnection(jdbcUrl, "postgres", "")) {
      lock.setAutoCommit(false);
      try (Statement statement = lock.createStatement()) {
        // Inserts into payment_intents wait until this transaction ends.
        statement.execute("lock table payment_intents in share row exclusive mode");
      }

      // The only writer sends the first create's statement, which waits for the lock: it may yet commit.
      intents.create(IntentClient.body(1_500, "tok_visa"), "sent-then-unknown", null)
          .expectStatus().isEqualTo(503)
          .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
          .expectHeader().exists(HttpHeaders.RETRY_AFTER)
          .expectBody().jsonPath("$.code").isEqualTo("outcome_unknown");
      // The second waits for the busy writer; when its time is up it is withdrawn before it is ever sent.
      intents.create(IntentClient.body(1_600, "tok_visa"), "never-sent", null)
          .expectStatus().isEqualTo(503)
          .expectHeader().exists(HttpHeaders.RETRY_AFTER)
          .expectBody().jsonPath("$.code").isEqualTo("timeout");

      lock.rollback();
    }

    // The first did commit once the lock was gone, and a retry with its key finds it; the second never existed.
    intents.create(IntentClient.body(1_500, "tok_visa"), "sent-then-unknown", null)
        .expectStatus().isOk()
        .expectHeader().valueEquals("Idempotent-Replayed", "true");
    assertThat(countIntentsOf(key)).isEqualTo(1);
    intents.create(IntentClient.body(1_600, "tok_visa"), "never-sent", null)
        .expectStatus().isCreated();
    assertThat(countIntentsOf(key)).isEqualTo(2);
  }
}
