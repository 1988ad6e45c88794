package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.intent.runtime.IntentLifecycle.RefundPage;
import dev.paymentrouter.intent.runtime.IntentLifecycle.StoredRefund;
import dev.paymentrouter.platform.PageQuery;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * The merchants' keys for captures, cancels and refunds, and the refunds' read side, in PostgreSQL. A key is
 * reserved by one statement, so that of two requests racing under one key exactly one reserves it and both name the
 * same modification.
 */
final class LifecycleStore {

  /** A key as reserved: by this request ({@code replayed} false) or by an earlier one. */
  record Reservation(String requestHash, String intentId, String modificationId, boolean replayed) {}

  /** {@link IntentReader#MODIFICATION_COLUMNS} of the refund row {@code m}, and its intent's currency. */
  private static final String REFUND_COLUMNS = """
      m.intent_id, m.modification_id, m.kind, m.amount, m.provider, m.provider_idempotency_key, m.status,
      m.provider_reference, m.failure_code, m.reason, m.created_at, m.updated_at, m.metadata, p.currency""";

  private final DatabaseClient db;
  private final IntentReader reader;

  LifecycleStore(IntentStore store) {
    this.db = store.db();
    this.reader = store.reader();
  }

  /**
   * Reserves the merchant's key for this request, naming {@code modificationId}; when the key was reserved before,
   * answers that reservation instead (its hash tells whether it was this request).
   */
  Mono<Reservation> reserve(String merchantId, String key, String operation, String requestHash, String intentId,
      String modificationId, Instant now) {
    return db.sql("""
            insert into api_idempotency_keys (merchant_id, idempotency_key, operation, request_hash, intent_id,
                modification_id, created_at)
            values (:merchant, :key, :operation, :hash, :intent, :modification, :now)
            on conflict (merchant_id, idempotency_key) do nothing""")
        .bind("merchant", merchantId)
        .bind("key", key)
        .bind("operation", operation)
        .bind("hash", requestHash)
        .bind("intent", intentId)
        .bind("modification", modificationId)
        .bind("now", now)
        .fetch()
        .rowsUpdated()
        .flatMap(inserted -> inserted == 1
            ? Mono.just(new Reservation(requestHash, intentId, modificationId, false))
            : db.sql("""
                    select request_hash, intent_id, modification_id from api_idempotency_keys
                     where merchant_id = :merchant and idempotency_key = :key""")
                .bind("merchant", merchantId)
                .bind("key", key)
                .map(row -> new Reservation(row.get("request_hash", String.class), row.get("intent_id", String.class),
                    row.get("modification_id", String.class), true))
                .one());
  }

  /** The merchant's refund with this id, if any. */
  Mono<StoredRefund> findRefund(String merchantId, String refundId) {
    return db.sql("select " + REFUND_COLUMNS + """
             from payment_modifications m join payment_intents p on p.id = m.intent_id
            where m.merchant_id = :merchant and m.modification_id = :id and m.kind = 'refund'""")
        .bind("merchant", merchantId)
        .bind("id", refundId)
        .map(row -> new StoredRefund(row.get("intent_id", String.class), row.get("currency", String.class),
            reader.modification(row)))
        .one();
  }

  /**
   * A page of the merchant's refunds, newest first (ids grow with time): of one intent when {@code intentId} is set,
   * after {@code startingAfter} when set. One range of the index {@code payment_modifications_refunds}.
   */
  Mono<RefundPage> listRefunds(String merchantId, String intentId, int limit, String startingAfter) {
    List<Object> values = new ArrayList<>();
    String sql = refundPage(merchantId, intentId, limit, startingAfter, values);
    return PageQuery.read(db, sql, values, limit, row -> new StoredRefund(row.get("intent_id", String.class),
            row.get("currency", String.class), reader.modification(row)))
        .map(slice -> new RefundPage(slice.rows(), slice.hasMore()));
  }

  /** The statement of a page of refunds (one row more than {@code limit}: whether more follow), its values added. */
  static String refundPage(String merchantId, String intentId, int limit, String startingAfter, List<Object> values) {
    values.add(merchantId);
    StringBuilder sql = new StringBuilder("select " + REFUND_COLUMNS + """
         from payment_modifications m join payment_intents p on p.id = m.intent_id
        where m.merchant_id = $1 and m.kind = 'refund'""");
    if (intentId != null) {
      values.add(intentId);
      sql.append(" and m.intent_id = $").append(values.size());
    }
    if (startingAfter != null) {
      values.add(startingAfter);
      sql.append(" and m.modification_id < $").append(values.size());
    }
    values.add(limit + 1);
    return sql.append(" order by m.modification_id desc limit $").append(values.size()).toString();
  }
}
