package dev.paymentrouter.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.testsupport.EmbeddedDatabase;
import dev.paymentrouter.testsupport.TestEnvironment;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** V4 on a database that V3 filled: final intents lose their plain token, open ones keep it until they finish. */
class TokenMigrationTest {

  @Test
  void finalIntentsLoseTheirPlainTokenAndOpenOnesKeepItUntilTheirFinalTransition() throws SQLException {
    EmbeddedDatabase server = TestEnvironment.database();
    String database = server.createDatabase("tokens_v4_" + UUID.randomUUID().toString().replace("-", ""));
    String url = server.jdbcUrl(database);
    migrate(url, "3");
    try (Connection connection = DriverManager.getConnection(url, "postgres", "");
         Statement sql = connection.createStatement()) {
      sql.execute("insert into merchants (id, name) values ('m1', 'm1')");
      for (String[] intent : new String[][] {
          {"pi_done", "succeeded"}, {"pi_failed", "failed"}, {"pi_open", "processing"}}) {
        sql.execute("insert into payment_intents (id, merchant_id, idempotency_key, request_hash, status, amount, "
            + "currency, payment_method, version, deadline, owner, created_at, updated_at) values ('" + intent[0]
            + "', 'm1', '" + intent[0] + "', 'h', '" + intent[1] + "', 100, 'EUR', "
            + "'{\"type\": \"card\", \"token\": \"tok_legacy_" + intent[0] + "\", \"country\": \"DE\"}', 2, now(), "
            + "'node', now(), now())");
      }

      migrate(url, "4");

      assertThat(method(sql, "pi_done")).isEqualTo("{\"type\": \"card\", \"country\": \"DE\"}");
      assertThat(method(sql, "pi_failed")).isEqualTo("{\"type\": \"card\", \"country\": \"DE\"}");
      assertThat(method(sql, "pi_open")).contains("tok_legacy_pi_open");

      // The open one's final transition strips its plain token in the same update.
      try (ResultSet written = sql.executeQuery("select payment_router_append_transitions('{\"intents\": [{\"id\": "
          + "\"pi_open\", \"expected\": 2, \"owner\": \"node\", \"status\": \"succeeded\", \"version\": 3, "
          + "\"updated_at\": \"2026-11-30T12:00:00Z\", \"check_count\": 0}], \"events\": [], \"attempts\": []}')")) {
        assertThat(written.next()).isTrue();
      }
      assertThat(method(sql, "pi_open")).isEqualTo("{\"type\": \"card\", \"country\": \"DE\"}");
    }
  }

  private static void migrate(String url, String target) {
    Flyway.configure().dataSource(url, "postgres", "").locations("filesystem:db/migration").target(target).load()
        .migrate();
  }

  private static String method(Statement sql, String id) throws SQLException {
    try (ResultSet row = sql.executeQuery("select payment_method::text from payment_intents where id = '" + id + "'")) {
      assertThat(row.next()).isTrue();
      return row.getString(1);
    }
  }
}
