package dev.paymentrouter.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paymentrouter.intent.domain.IntentStatus;
import dev.paymentrouter.intent.runtime.IntentIds;
import dev.paymentrouter.intent.runtime.IntentStore;
import dev.paymentrouter.simulator.SimulatorBehaviour;
import dev.paymentrouter.testsupport.DeadNode;
import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import dev.paymentrouter.testsupport.TestEnvironment;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Card tokens at rest: a token is stored only encrypted, only while its intent can still make attempts, and no
 * column of any table holds it in plain text. Intents left by a dead node are taken over fast here, to drive rows
 * written before encryption and rows whose key is gone.
 */
@TestPropertySource(properties = {
    // alpha's longest call (2 s + 300 ms; one test makes it answer after 1.5 s) must fit in the settle time.
    "payment-router.recovery.settle-time=2500ms",
    "payment-router.recovery.reconcile-delays=200ms,200ms,200ms",
    "payment-router.recovery.scan-interval=100ms",
    "payment-router.recovery.lease=3s",
    "payment-router.providers.alpha.pool.call-timeout=2s",
    "payment-router.providers.beta.pool.call-timeout=500ms",
    "payment-router.providers.gamma.pool.call-timeout=500ms",
    "payment-router.providers.alpha.pool.queue-timeout=300ms",
    "payment-router.providers.beta.pool.queue-timeout=300ms",
    "payment-router.providers.gamma.pool.queue-timeout=300ms",
    // Everything the router says, so that the test below sees a token that slips into any log line.
    "logging.level.dev.paymentrouter=DEBUG"
})
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class TokensAtRestTest extends RouterIntegrationTest {

  static final Duration SETTLES = Duration.ofSeconds(20);
  static final IntentIds IDS = new IntentIds(Clock.systemUTC());

  @Autowired
  IntentStore store;

  String merchantId;
  IntentClient intents;

  @BeforeEach
  void merchant() {
    merchantId = "m_atrest_" + UUID.randomUUID();
    intents = new IntentClient(client, newMerchant(merchantId));
  }

  @Test
  void noColumnOfAnyTableHoldsThePlainTokenOnceTheIntentsAreFinal(CapturedOutput logs) {
    List<String> tokens = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    List<String> answers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String token = distinctiveToken();
      tokens.add(token);
      JsonNode created = intents.created(IntentClient.body(1_000 + i, token));
      answers.add(created.toString());
      ids.add(created.get("id").stringValue());
    }
    // A failed intent too: every provider declines this one.
    TestEnvironment.simulators().values()
        .forEach(simulator -> simulator.update(SimulatorBehaviour.reliable().withDeclineRate(1.0)));
    String declined = distinctiveToken();
    tokens.add(declined);
    ids.add(intents.created(IntentClient.body(2_000, declined)).get("id").stringValue());

    await().atMost(SETTLES).untilAsserted(() -> assertThat(ids)
        .allMatch(id -> List.of("succeeded", "failed").contains(intents.get(id).get("status").stringValue())));
    assertThat(intents.get(ids.getLast()).get("status").stringValue()).isEqualTo("failed");

    // The scan itself works: it finds what is stored in plain text, such as the intents' ids.
    assertThat(columnsContaining(ids.getFirst())).contains("payment_intents.id", "payment_attempts.intent_id",
        "intent_events.intent_id");
    for (String token : tokens) {
      assertThat(columnsContaining(token)).as(token).isEmpty();
    }
    // Nor do the answers, or anything the router logged meanwhile (at DEBUG).
    ids.forEach(id -> answers.add(intents.get(id).toString()));
    for (String token : tokens) {
      assertThat(answers).noneMatch(answer -> answer.contains(token));
      assertThat(logs.getAll()).doesNotContain(token);
    }
  }

  @Test
  void anOpenIntentHoldsOnlyTheCiphertextAndItsKeyIdUntilItIsFinal() {
    // alpha answers after 1.5 s: long enough to look at the row while the attempt is in flight.
    TestEnvironment.simulator("alpha").update(SimulatorBehaviour.reliable().withLatencyMs(1_500));
    String token = distinctiveToken();
    String id = IntentClient.read(intents.create(IntentClient.body(1_500, token), "key-" + UUID.randomUUID(),
        "wait=0").expectStatus().isCreated().expectBody().returnResult().getResponseBody()).get("id").stringValue();

    StoredToken open = storedToken(id);
    assertThat(open.status()).isIn("pending", "processing");
    // nonce, ciphertext as long as the token, tag
    assertThat(open.sealedBytes()).isEqualTo(12 + token.length() + 16);
    assertThat(open.keyId()).isEqualTo(TestEnvironment.TOKEN_KEY_ID);
    assertThat(open.paymentMethod()).doesNotContain("token");
    assertThat(columnsContaining(token)).isEmpty();

    await().atMost(SETTLES).untilAsserted(() -> assertThat(intents.get(id).get("status").stringValue())
        .isEqualTo("succeeded"));
    StoredToken done = storedToken(id);
    assertThat(done.sealedBytes()).isNull();
    assertThat(done.keyId()).isNull();
    assertThat(TestEnvironment.simulator("alpha").ledger().approvedCountFor(id + "_1")).isEqualTo(1);
  }

  @Test
  void aPlainTokenStoredBeforeEncryptionIsStillUsedAndIsErasedWhenTheIntentIsFinal() {
    // An open intent from before V4, its owner gone: the plain token is a member of payment_method.
    String id = leftOpenByADeadNode();
    db.sql("update payment_intents set payment_token = null, payment_token_key = null, payment_method = "
            + "payment_method || '{\"token\": \"tok_decline\"}'::jsonb where id = :id")
        .bind("id", id).fetch().rowsUpdated().block(Duration.ofSeconds(5));

    await().atMost(SETTLES).untilAsserted(() -> assertThat(intents.get(id).get("status").stringValue())
        .isEqualTo("failed"));
    // The decline code is the magic token's own: the provider was sent the legacy token.
    assertThat(intents.get(id).get("failureCode").stringValue()).isEqualTo("insufficient_funds");
    StoredToken done = storedToken(id);
    assertThat(done.paymentMethod()).doesNotContain("token");
    assertThat(done.sealedBytes()).isNull();
  }

  @Test
  void aTokenThatCannotBeDecryptedEndsTheAttemptsNotSentAndNoProviderIsCalled() {
    String id = leftOpenByADeadNode();
    // Its key was removed from the configuration too early.
    db.sql("update payment_intents set payment_token_key = 'retired' where id = :id")
        .bind("id", id).fetch().rowsUpdated().block(Duration.ofSeconds(5));

    await().atMost(SETTLES).untilAsserted(() -> assertThat(intents.get(id).get("status").stringValue())
        .isEqualTo("failed"));
    JsonNode failed = intents.get(id);
    // The attempt the dead node left in flight is reconciled first (not charged); after it none is sent.
    assertThat(failed.at("/attempts/0/status").stringValue()).isEqualTo("not_charged");
    assertThat(failed.get("attempts").size()).isGreaterThan(1);
    for (int i = 1; i < failed.get("attempts").size(); i++) {
      assertThat(failed.at("/attempts/" + i + "/status").stringValue()).isEqualTo("not_sent");
      assertThat(failed.at("/attempts/" + i + "/errorCode").stringValue()).isEqualTo("payment_method_unavailable");
      String provider = failed.at("/attempts/" + i + "/provider").stringValue();
      assertThat(TestEnvironment.simulator(provider).ledger().byReference(id + "_" + (i + 1))).isEmpty();
    }
    assertThat(storedToken(id).sealedBytes()).isNull();
    // The node carries on: the next intent is paid.
    assertThat(intents.created(IntentClient.body(100, "tok_visa")).get("status").stringValue())
        .isEqualTo("succeeded");
  }

  @Test
  void theDatabaseErasesTokensAtExactlyTheStatusesTheDomainCallsFinal() {
    for (IntentStatus status : IntentStatus.values()) {
      Boolean erases = db.sql("select payment_router_is_final(:status) as final")
          .bind("status", status.wireName())
          .map(row -> row.get("final", Boolean.class)).one().block(Duration.ofSeconds(5));
      assertThat(erases).as(status.wireName()).isEqualTo(status.isFinal());
    }
  }

  /** A token no simulator knows (they approve those), unlike any other value in the database. */
  static String distinctiveToken() {
    return "tok_atrest_" + UUID.randomUUID().toString().replace("-", "");
  }

  /** The token columns of an intent's row. */
  record StoredToken(String status, Integer sealedBytes, String keyId, String paymentMethod) {}

  StoredToken storedToken(String id) {
    return db.sql("select status, octet_length(payment_token) as sealed, payment_token_key, "
            + "payment_method::text as method from payment_intents where id = :id")
        .bind("id", id)
        .map(row -> new StoredToken(row.get("status", String.class), row.get("sealed", Integer.class),
            row.get("payment_token_key", String.class), row.get("method", String.class)))
        .one().block(Duration.ofSeconds(5));
  }

  /**
   * An intent of this test's merchant that a node stored with its first attempt in flight and then died; its
   * lease runs out in a second, and then this node's sentinel takes it over.
   */
  String leftOpenByADeadNode() {
    return DeadNode.leftInFlight(store, merchantId, IDS.next(), distinctiveToken(),
        DeadNode.ownership(Instant.now().plusSeconds(1), null));
  }

  /**
   * Every column of every table in the schema that holds {@code text} in any row, as {@code table.column}: each
   * column cast to text, and bytea columns searched for the text's UTF-8 bytes as well.
   */
  List<String> columnsContaining(String text) {
    record Column(String table, String name, String type) {}
    List<Column> columns = db.sql("""
            select table_name, column_name, data_type from information_schema.columns
             where table_schema = 'public' order by table_name, ordinal_position""")
        .map(row -> new Column(row.get("table_name", String.class), row.get("column_name", String.class),
            row.get("data_type", String.class)))
        .all().collectList().block(Duration.ofSeconds(10));
    assertThat(columns).extracting(Column::table).contains("payment_intents", "payment_attempts", "intent_events",
        "merchants", "api_keys");
    List<String> found = new ArrayList<>();
    for (Column column : columns) {
      String name = "\"" + column.name() + "\"";
      boolean bytes = column.type().equals("bytea");
      String match = "strpos(" + name + "::text, :text) > 0"
          + (bytes ? " or position(:bytes in " + name + ") > 0" : "");
      var query = db.sql("select count(*) as n from \"" + column.table() + "\" where " + match)
          .bind("text", text);
      if (bytes) {
        query = query.bind("bytes", text.getBytes(StandardCharsets.UTF_8));
      }
      Long rows = query.map(row -> row.get("n", Long.class)).one().block(Duration.ofSeconds(10));
      if (rows != null && rows > 0) {
        found.add(column.table() + "." + column.name());
      }
    }
    return found;
  }
}
