package dev.paymentrouter.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paymentrouter.intent.runtime.IntentRegistry;
import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A process that crashes (here: the database refuses the write of its wake-up, once) hands its intent over at
 * once: the sentinel's next scan takes it up from its stored state, as after a node's death. Before, it kept its
 * lease, and the intent waited the whole lease (30 s after its park) for nothing.
 */
@TestPropertySource(properties = {
    "payment-router.routing.default=alpha",
    "payment-router.providers.alpha.rate-limit.permits-per-second=1",
    "payment-router.providers.alpha.rate-limit.burst=1",
    "payment-router.intents.max-park=20s"
})
class CrashedProcessHandOverTest extends RouterIntegrationTest {

  /** The amount that marks the intent whose wake-up the database refuses. */
  private static final long REFUSED = 4_242;

  @Autowired
  IntentRegistry registry;

  @AfterEach
  void dropTrigger() {
    db.sql("drop trigger if exists refuse_wake_up on payment_intents").then().block(Duration.ofSeconds(10));
  }

  @Test
  void anIntentWhoseProcessCrashedIsTakenUpAgainWithoutWaitingOutItsLease() {
    // The transition after the park (version 4 on) of the marked intent fails in the database.
    db.sql("""
            create or replace function refuse_wake_up() returns trigger language plpgsql as $$
            begin
              raise exception 'refused for the test';
            end
            $$""").then().block(Duration.ofSeconds(10));
    db.sql("create trigger refuse_wake_up before update on payment_intents for each row when (new.amount = "
        + REFUSED + " and old.version >= 4 and new.version > old.version) execute function refuse_wake_up()")
        .then().block(Duration.ofSeconds(10));
    IntentClient intents = new IntentClient(client, newMerchant());
    // The first takes alpha's only token; the marked one parks for the next.
    intents.created(IntentClient.body(100, "tok_visa"));
    String id = IntentClient.read(intents.create(IntentClient.body(REFUSED, "tok_visa"), "key-" + System.nanoTime(),
        "wait=0").expectStatus().isCreated().expectBody().returnResult().getResponseBody()).get("id").stringValue();

    // It wakes, its write is refused, its process crashes and ends.
    await().atMost(Duration.ofSeconds(10)).until(() -> events(id).contains("intent_parked")
        && registry.find(id).isEmpty());
    dropTrigger();

    // Taken up by the sentinel within a scan or two, not after the 30 s lease.
    await().atMost(Duration.ofSeconds(8)).untilAsserted(() -> assertThat(intents.get(id).get("status").stringValue())
        .as(() -> String.join(", ", events(id))).isEqualTo("succeeded"));
    JsonNode paid = intents.get(id);
    assertThat(paid.get("attempts")).extracting(attempt -> attempt.get("status").stringValue())
        .containsExactly("not_sent", "approved");
  }

  private List<String> events(String id) {
    return db.sql("select type from intent_events where intent_id = :id order by sequence").bind("id", id)
        .map(row -> row.get("type", String.class)).all().collectList().block(Duration.ofSeconds(10));
  }
}
