package dev.paymentrouter.intent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.intent.domain.Decision;
import dev.paymentrouter.intent.domain.IntentCommand;
import dev.paymentrouter.intent.domain.IntentEvent;
import dev.paymentrouter.intent.domain.IntentState;
import dev.paymentrouter.intent.domain.IntentStatus;
import dev.paymentrouter.intent.domain.IntentTransitions;
import dev.paymentrouter.intent.domain.Money;
import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.intent.domain.PaymentMethod;
import dev.paymentrouter.intent.domain.RouteOptions;
import dev.paymentrouter.intent.runtime.IntentStore.Insertion;
import dev.paymentrouter.intent.runtime.IntentStore.Ownership;
import dev.paymentrouter.merchant.domain.Merchant;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Group commit against PostgreSQL: writes that arrive together share statements (fewer transactions than
 * writes), and each write still gets its own answer: its idempotency key, its version and its owner are checked
 * for it alone.
 */
class GroupCommitTest extends RouterIntegrationTest {

  static final Duration WAIT = Duration.ofSeconds(20);
  static final String NODE = "node-group-commit";

  @Autowired
  IntentStore store;

  String merchantId;

  @BeforeEach
  void merchant() {
    merchantId = "m_group_" + UUID.randomUUID();
    merchants.ensureMerchant(new Merchant(merchantId, "group commit")).block(WAIT);
  }

  @Test
  void newIntentsArrivingTogetherShareTransactionsAndTwoWithOneKeyStoreOnlyOne() {
    List<PaymentIntent> intents = new ArrayList<>();
    List<Mono<Insertion>> inserts = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      PaymentIntent intent = created(newId());
      intents.add(intent);
      String key = i == 119 ? "key-0" : "key-" + i;   // the last one repeats the first one's key
      inserts.add(store.insert(intent, createdEvents(intent), key, "hash-" + i, lease()));
    }

    long xidsBefore = nextTransactionId();
    List<Insertion> answers = Flux.mergeSequential(inserts, 120, 1).collectList().block(WAIT);
    long writeTransactions = nextTransactionId() - xidsBefore;

    assertThat(answers.subList(0, 119)).allMatch(Insertion.Inserted.class::isInstance);
    assertThat(answers.get(119)).isEqualTo(new Insertion.Conflict(intents.get(0).id(), "hash-0"));
    assertThat(count("payment_intents where merchant_id = '" + merchantId + "'")).isEqualTo(119);
    assertThat(rowsOf("intent_events")).isEqualTo(119L * createdEvents(intents.get(0)).size());
    assertThat(rowsOf("payment_attempts")).isEqualTo(119);
    assertThat(store.find(intents.get(119).id()).blockOptional(WAIT)).isEmpty();
    // 120 writes, a handful of statements: each write transaction takes a transaction id.
    assertThat(writeTransactions).isLessThan(40);
    PaymentIntent stored = store.find(intents.get(7).id()).block(WAIT).intent();
    assertThat(stored).isEqualTo(intents.get(7));
  }

  @Test
  void aStaleTransitionInABatchWritesNothingAndFailsAloneWhileTheOthersAreWritten() {
    List<PaymentIntent> intents = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      PaymentIntent intent = created(newId());
      intents.add(intent);
      store.insert(intent, createdEvents(intent), "t-" + i, "h", lease()).block(WAIT);
    }
    long version = createdEvents(intents.get(0)).size();
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    List<Mono<String>> appends = new ArrayList<>();
    for (int i = 0; i < intents.size(); i++) {
      PaymentIntent before = intents.get(i);
      List<IntentEvent> events = List.of(new IntentEvent.AttemptApproved(1, "ch_" + i, now),
          new IntentEvent.IntentSucceeded(now));
      PaymentIntent after = IntentTransitions.evolveAll(before, events);
      long expected = i == 13 ? version - 1 : version;               // 13 lost a race
      String owner = i == 27 ? "another-node" : NODE;                // 27's owner lost its lease
      appends.add(store.append(before, after, expected, events, new Ownership(owner, now, null, 0))
          .thenReturn("written")
          .onErrorResume(IntentStore.ConcurrentUpdateException.class, e -> Mono.just("refused")));
    }

    List<String> answers = Flux.mergeSequential(appends, 40, 1).collectList().block(WAIT);

    for (int i = 0; i < intents.size(); i++) {
      IntentStore.StoredIntent stored = store.find(intents.get(i).id()).block(WAIT);
      if (i == 13 || i == 27) {
        assertThat(answers.get(i)).as("answer of %s", i).isEqualTo("refused");
        assertThat(stored.version()).isEqualTo(version);
        assertThat(stored.intent().status()).isNotEqualTo(IntentStatus.SUCCEEDED);
        assertThat(stored.intent().attempts().get(0).providerReference()).isNull();
      } else {
        assertThat(answers.get(i)).as("answer of %s", i).isEqualTo("written");
        assertThat(stored.version()).isEqualTo(version + 2);
        assertThat(stored.intent().status()).isEqualTo(IntentStatus.SUCCEEDED);
        assertThat(stored.intent().attempts().get(0).providerReference()).isEqualTo("ch_" + i);
      }
    }
    assertThat(rowsOf("intent_events")).isEqualTo(40 * version + 38 * 2);
  }

  private long rowsOf(String table) {
    String column = table.equals("intent_events") || table.equals("payment_attempts") ? "intent_id" : "id";
    return count(table + " where " + column + " in (select id from payment_intents where merchant_id = '"
        + merchantId + "')");
  }

  /** The id the next write transaction will get; reading it takes none. */
  private long nextTransactionId() {
    return db.sql("select pg_snapshot_xmax(pg_current_snapshot())::text::bigint as xid")
        .map(row -> row.get("xid", Long.class)).one().block(WAIT);
  }

  private PaymentIntent created(String id) {
    return IntentTransitions.evolveAll(IntentState.NONE, createdEvents(id));
  }

  private List<IntentEvent> createdEvents(PaymentIntent intent) {
    return createdEvents(intent.id());
  }

  private List<IntentEvent> createdEvents(String id) {
    Instant now = Instant.parse("2026-11-27T10:00:00.123456Z");
    IntentCommand.Create create = new IntentCommand.Create(id, merchantId, new Money(1_999, "EUR"),
        new PaymentMethod("card", "tok_visa", "DE"), "order-" + id, Map.of("cart", "c-1"),
        now.plus(Duration.ofMinutes(15)), new RouteOptions(List.of("alpha", "beta"), 2), now);
    return ((Decision.Accepted) IntentTransitions.decide(IntentState.NONE, create)).events();
  }

  private static Ownership lease() {
    return new Ownership(NODE, Instant.now().plusSeconds(60), null, 0);
  }

  private static String newId() {
    return "pi_gc_" + UUID.randomUUID().toString().replace("-", "");
  }
}
