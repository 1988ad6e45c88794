package dev.paymentrouter.chaos;

import dev.paymentrouter.testsupport.EmbeddedDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A database of its own for one chaos run, in the tests' embedded PostgreSQL, read with plain JDBC on the test
 * thread. A database of its own because routers of other test classes stay alive in this JVM (Spring caches their
 * contexts) on the shared {@code postgres} database: once routers recover each other's unfinished intents, they
 * would adopt the chaos intents and charge them on the shared simulators, out of sight of the chaos ledgers.
 */
final class RouterDatabase {

  static final String USER = "postgres";
  static final String PASSWORD = "";

  private final EmbeddedDatabase server;
  private final String name;

  private RouterDatabase(EmbeddedDatabase server, String name) {
    this.server = server;
    this.name = name;
  }

  /** Creates an empty database; the router's Flyway migrations fill it at its first start. */
  static RouterDatabase create(EmbeddedDatabase server, String name) throws SQLException {
    if (!name.matches("[a-z][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException("not a plain database name: " + name);
    }
    try (Connection connection = DriverManager.getConnection(server.jdbcUrl(), USER, PASSWORD);
        Statement statement = connection.createStatement()) {
      statement.execute("create database " + name);
    }
    return new RouterDatabase(server, name);
  }

  String r2dbcUrl() {
    return "r2dbc:postgresql://127.0.0.1:" + server.port() + "/" + name;
  }

  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + server.port() + "/" + name;
  }

  /** An intent as stored. {@code unresolvedReason} is null when the schema has no such column (yet). */
  record IntentRow(String id, String idempotencyKey, String status, long amount, String currency,
      String failureCode, String unresolvedReason) {

    /** Whether the charge is decided: final, or authorized and waiting for the merchant's capture or cancel. */
    boolean isFinal() {
      return switch (status) {
        case "succeeded", "failed", "requires_capture", "canceled" -> true;
        default -> false;
      };
    }

    /** Explicitly given up on: a reason recorded, or a status of that name, whichever the router uses. */
    boolean isUnresolved() {
      return unresolvedReason != null || status.equals("unresolved");
    }
  }

  /** An attempt as stored. */
  record AttemptRow(String intentId, int number, String provider, String providerIdempotencyKey, String status,
      String errorCode) {}

  /**
   * An intent that waited for providers the router itself held back: how often it parked, and how long it waited
   * from its first park until it woke for the last time or failed ({@code waitedMillis} null when neither happened).
   */
  record ParkRow(String intentId, int parks, Long waitedMillis, String trail) {

    ParkRow(String intentId, int parks, Long waitedMillis) {
      this(intentId, parks, waitedMillis, "");
    }
  }

  /** What the router stored for one merchant. */
  record Snapshot(boolean hasUnresolvedColumn, List<IntentRow> intents, List<AttemptRow> attempts,
      Set<String> unknownAttempts, List<ParkRow> parked) {

    /** A snapshot of a router that never parks an intent. */
    Snapshot(boolean hasUnresolvedColumn, List<IntentRow> intents, List<AttemptRow> attempts,
        Set<String> unknownAttempts) {
      this(hasUnresolvedColumn, intents, attempts, unknownAttempts, List.of());
    }

    /** The key of an attempt in {@link #unknownAttempts}. */
    static String attemptRef(String intentId, int number) {
      return intentId + "#" + number;
    }
  }

  /** Whether the router's schema has {@code payment_intents.unresolved_reason}. */
  boolean hasUnresolvedColumn() throws SQLException {
    try (Connection connection = connect();
        PreparedStatement query = connection.prepareStatement("""
            select count(*) from information_schema.columns
             where table_schema = current_schema() and table_name = 'payment_intents'
               and column_name = 'unresolved_reason'""");
        ResultSet rows = query.executeQuery()) {
      rows.next();
      return rows.getLong(1) > 0;
    }
  }

  /**
   * Intents of the merchant that are neither explicitly unresolved nor settled: settled is final, or authorized and
   * waiting for the merchant (requires_capture), with no capture, cancel or refund in flight or unknown. A pending one
   * is settled here: the provider accepted it and confirms it by webhook (Adyen), which no reconciliation can hasten.
   */
  long countUnsettled(String merchantId) throws SQLException {
    boolean unresolvedColumn = hasUnresolvedColumn();
    try (Connection connection = connect();
        PreparedStatement query = connection.prepareStatement(
            "select count(*) from payment_intents p where p.merchant_id = ? "
                + (unresolvedColumn ? "and p.unresolved_reason is null " : "")
                + "and (p.status not in ('succeeded', 'failed', 'unresolved', 'requires_capture', 'canceled')"
                + (hasModificationsTable(connection) ? " or exists (select 1 from payment_modifications m "
                    + "where m.intent_id = p.id and m.status in ('in_flight', 'unknown'))" : "")
                + ")")) {
      query.setString(1, merchantId);
      try (ResultSet rows = query.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  /** Intents, attempts and unknown outcomes of the merchant. */
  Snapshot read(String merchantId) throws SQLException {
    boolean unresolvedColumn = hasUnresolvedColumn();
    try (Connection connection = connect()) {
      // One snapshot of all three tables.
      connection.setAutoCommit(false);
      connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      List<IntentRow> intents = new ArrayList<>();
      try (PreparedStatement query = connection.prepareStatement(
          "select id, idempotency_key, status, amount, currency, failure_code, "
              + (unresolvedColumn ? "unresolved_reason" : "null::text as unresolved_reason")
              + " from payment_intents where merchant_id = ? order by created_at, id")) {
        query.setString(1, merchantId);
        try (ResultSet rows = query.executeQuery()) {
          while (rows.next()) {
            intents.add(new IntentRow(rows.getString(1), rows.getString(2), rows.getString(3), rows.getLong(4),
                rows.getString(5), rows.getString(6), rows.getString(7)));
          }
        }
      }
      List<AttemptRow> attempts = new ArrayList<>();
      try (PreparedStatement query = connection.prepareStatement("""
          select a.intent_id, a.attempt_number, a.provider, a.provider_idempotency_key, a.status, a.error_code
            from payment_attempts a join payment_intents i on i.id = a.intent_id
           where i.merchant_id = ? order by a.intent_id, a.attempt_number""")) {
        query.setString(1, merchantId);
        try (ResultSet rows = query.executeQuery()) {
          while (rows.next()) {
            attempts.add(new AttemptRow(rows.getString(1), rows.getInt(2), rows.getString(3), rows.getString(4),
                rows.getString(5), rows.getString(6)));
          }
        }
      }
      Set<String> unknown = new HashSet<>();
      try (PreparedStatement query = connection.prepareStatement("""
          select distinct e.intent_id, (e.payload ->> 'attempt')::int
            from intent_events e join payment_intents i on i.id = e.intent_id
           where i.merchant_id = ? and e.type = 'attempt_unknown'""")) {
        query.setString(1, merchantId);
        try (ResultSet rows = query.executeQuery()) {
          while (rows.next()) {
            unknown.add(Snapshot.attemptRef(rows.getString(1), rows.getInt(2)));
          }
        }
      }
      // Waits for the router, from the event trail (a router without parking has no such events).
      List<ParkRow> parked = new ArrayList<>();
      try (PreparedStatement query = connection.prepareStatement("""
          select e.intent_id,
                 count(*) filter (where e.type = 'intent_parked') as parks,
                 string_agg(e.type || coalesce('(' || (e.payload ->> 'reason') || ')', '')
                     || '@' || to_char(e.occurred_at, 'HH24:MI:SS.MS')
                     || coalesce('(until ' || to_char((e.payload ->> 'until')::timestamptz, 'HH24:MI:SS.MS')
                       || ')', ''),
                   ' ' order by e.sequence) as trail,
                 (extract(epoch from max(e.occurred_at) filter (where e.type in ('intent_retried', 'intent_failed'))
                    - min((e.payload ->> 'parkedSince')::timestamptz) filter (where e.type = 'intent_parked'))
                  * 1000)::bigint as waited_ms
            from intent_events e join payment_intents i on i.id = e.intent_id
           where i.merchant_id = ?
           group by e.intent_id
          having count(*) filter (where e.type = 'intent_parked') > 0""")) {
        query.setString(1, merchantId);
        try (ResultSet rows = query.executeQuery()) {
          while (rows.next()) {
            long waited = rows.getLong(4);
            parked.add(new ParkRow(rows.getString(1), rows.getInt(2), rows.wasNull() ? null : waited,
                rows.getString(3)));
          }
        }
      }
      connection.commit();
      return new Snapshot(unresolvedColumn, intents, attempts, unknown, parked);
    }
  }

  private static boolean hasModificationsTable(Connection connection) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement(
        "select to_regclass('payment_modifications') is not null");
        ResultSet rows = query.executeQuery()) {
      rows.next();
      return rows.getBoolean(1);
    }
  }

  /** The count a {@code select count(*) ...} with one text parameter answers. */
  long count(String sql, String parameter) throws SQLException {
    try (Connection connection = connect(); PreparedStatement query = connection.prepareStatement(sql)) {
      query.setString(1, parameter);
      try (ResultSet rows = query.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(), USER, PASSWORD);
  }
}
