package dev.paymentrouter.intent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.intent.domain.IntentStatus;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import io.r2dbc.spi.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Listing a merchant's intents, or its refunds, is served by an index, whatever the filters: a page costs the same
 * for a merchant with ten intents or ten million. The test database is small, where a sequential scan is cheapest, so sequential
 * scans are switched off for the one transaction that asks for the plan: what remains shows which index can serve the
 * query, and a query no index fits would still scan sequentially.
 */
class IntentListingPlanTest extends RouterIntegrationTest {

  static List<IntentReader.Query> queries() {
    Instant day = Instant.parse("2026-11-30T00:00:00Z");
    // A cursor above every stored id (the highest a ULID can be): with one below the ids the other tests stored, the
    // key's range holds almost nothing and the planner rightly walks the primary key instead, which says nothing
    // about a merchant whose pages reach back through millions of other merchants' intents.
    String after = "pi_7ZZZZZZZZZZZZZZZZZZZZZZZZZ";
    return List.of(
        new IntentReader.Query("m_plan", 10, null, null, null, null, null),
        new IntentReader.Query("m_plan", 100, after, null, null, null, null),
        new IntentReader.Query("m_plan", 10, null, IntentStatus.SUCCEEDED, null, day, day.plusSeconds(86_400)),
        new IntentReader.Query("m_plan", 10, after, null, "order-42", null, null));
  }

  @ParameterizedTest
  @MethodSource("queries")
  void everyListingQueryIsServedByAnIndexOfTheMerchantsIntents(IntentReader.Query query) {
    String plan = plan(query);
    assertThat(plan).doesNotContain("Seq Scan").containsPattern("Index (Only )?Scan")
        .containsAnyOf("payment_intents_listing", "payment_intents_reference");
  }

  static List<String[]> refundPages() {
    return List.of(
        new String[] {null, null},
        new String[] {"pi_01M8PWQBTD3RPX84F6J30M34Q1", null},
        new String[] {null, "re_01M8PWQBTD3RPX84F6J30M34Q1"},
        new String[] {"pi_01M8PWQBTD3RPX84F6J30M34Q1", "re_01M8PWQBTD3RPX84F6J30M34Q1"});
  }

  @ParameterizedTest
  @MethodSource("refundPages")
  void everyRefundListingQueryIsServedByAnIndex(String intentId, String startingAfter) {
    List<Object> values = new ArrayList<>();
    String plan = plan(LifecycleStore.refundPage("m_plan", intentId, 10, startingAfter, values), values);
    assertThat(plan).doesNotContain("Seq Scan").containsPattern("Index (Only )?Scan")
        .containsAnyOf("payment_modifications_refunds", "payment_modifications_pkey");
  }

  private String plan(IntentReader.Query query) {
    List<Object> values = new ArrayList<>();
    return plan(query.sql(values), values);
  }

  private String plan(String query, List<Object> values) {
    String sql = "explain " + query;
    return db.inConnection(connection -> Mono.from(connection.beginTransaction())
            .then(Mono.from(connection.createStatement("set local enable_seqscan = off").execute())
                .flatMap(result -> Mono.from(result.getRowsUpdated())))
            .then(Flux.from(bound(connection.createStatement(sql), values).execute())
                .flatMap(result -> result.map(row -> row.get(0, String.class)))
                .collectList())
            .flatMap(lines -> Mono.from(connection.rollbackTransaction()).thenReturn(String.join("\n", lines))))
        .block(Duration.ofSeconds(10));
  }

  private static Statement bound(Statement statement, List<Object> values) {
    for (int i = 0; i < values.size(); i++) {
      statement.bind(i, values.get(i));
    }
    return statement;
  }
}
