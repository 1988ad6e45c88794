package dev.paymentrouter.chaos;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the router stored of one merchant's captures, cancels and refunds: each intent's capture method, the
 * modification rows, the merchant's keys for them (which modification each key names) and the modifications whose
 * outcome was once unknown. Read with plain JDBC, in one snapshot, once the router is stopped.
 *
 * @param captureMethods  intent id to {@code automatic} or {@code manual}
 * @param modifications   every capture, cancel and refund row
 * @param keys            the merchant's idempotency key to what it names
 * @param unknownModified {@link #ref} of every modification that had a {@code modification_unknown} event
 */
record LifecycleRows(Map<String, String> captureMethods, List<ModificationRow> modifications, Map<String, KeyRow> keys,
    Set<String> unknownModified) {

  /** A row of {@code payment_modifications}. */
  record ModificationRow(String intentId, String modificationId, String kind, long amount, String provider,
      String providerKey, String status, String failureCode) {

    /** Whether the money may still move: the router waits for the provider's word (or gave up on it). */
    boolean open() {
      return status.equals("in_flight") || status.equals("pending") || status.equals("unknown");
    }

    @Override
    public String toString() {
      return kind + " " + modificationId + " " + amount + "@" + provider + ":" + status
          + (failureCode == null ? "" : "(" + failureCode + ")");
    }
  }

  /** A merchant's key for a capture, cancel or refund, and the modification it names. */
  record KeyRow(String idempotencyKey, String operation, String intentId, String modificationId) {}

  /** The key of a modification in {@link #unknownModified}. */
  static String ref(String intentId, String modificationId) {
    return intentId + "#" + modificationId;
  }

  static LifecycleRows read(RouterDatabase database, String merchantId) throws SQLException {
    try (Connection connection = database.connect()) {
      connection.setAutoCommit(false);
      connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      Map<String, String> methods = new HashMap<>();
      query(connection, "select id, capture_method from payment_intents where merchant_id = ?", merchantId,
          rows -> methods.put(rows.getString(1), rows.getString(2)));
      List<ModificationRow> modifications = new ArrayList<>();
      query(connection, """
          select intent_id, modification_id, kind, amount, provider, provider_idempotency_key, status, failure_code
            from payment_modifications where merchant_id = ? order by intent_id, created_at, modification_id""",
          merchantId, rows -> modifications.add(new ModificationRow(rows.getString(1), rows.getString(2),
              rows.getString(3), rows.getLong(4), rows.getString(5), rows.getString(6), rows.getString(7),
              rows.getString(8))));
      Map<String, KeyRow> keys = new HashMap<>();
      query(connection, """
          select idempotency_key, operation, intent_id, modification_id
            from api_idempotency_keys where merchant_id = ?""", merchantId,
          rows -> keys.put(rows.getString(1), new KeyRow(rows.getString(1), rows.getString(2), rows.getString(3),
              rows.getString(4))));
      Set<String> unknown = new HashSet<>();
      query(connection, """
          select distinct e.intent_id, e.payload ->> 'modification'
            from intent_events e join payment_intents i on i.id = e.intent_id
           where i.merchant_id = ? and e.type = 'modification_unknown'""", merchantId,
          rows -> unknown.add(ref(rows.getString(1), rows.getString(2))));
      connection.commit();
      return new LifecycleRows(methods, modifications, keys, unknown);
    }
  }

  private interface RowReader {
    void read(ResultSet rows) throws SQLException;
  }

  private static void query(Connection connection, String sql, String merchantId, RowReader reader)
      throws SQLException {
    try (PreparedStatement query = connection.prepareStatement(sql)) {
      query.setString(1, merchantId);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          reader.read(rows);
        }
      }
    }
  }
}
