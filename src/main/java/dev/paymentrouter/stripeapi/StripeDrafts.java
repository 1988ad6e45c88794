package dev.paymentrouter.stripeapi;

import dev.paymentrouter.intent.domain.CaptureMethod;
import dev.paymentrouter.platform.PageQuery;
import dev.paymentrouter.tokens.TokenCipher;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * PaymentIntents created without {@code confirm=true}: at Stripe they exist before any payment does, and a client
 * may read, change, cancel and list them, then confirm one. Until then no intent exists and nothing can move money;
 * the confirmation creates the intent under the draft's id, once ({@link #reserveConfirm}). Each change is one
 * statement, so that two requests racing on a draft never lose one another's change.
 */
final class StripeDrafts {

  /**
   * A draft as stored. Its payment method stays sealed ({@link #paymentMethod} opens it) and out of
   * {@link #toString()}.
   *
   * @param confirmed whether its intent exists (it was confirmed and the intent stored)
   */
  record Draft(String id, String merchantId, String requestHash, long amount, String currency,
      CaptureMethod captureMethod, TokenCipher.Sealed sealedToken, Map<String, String> metadata, String description,
      String confirmKey, String confirmHash, Instant canceledAt, String cancellationReason, Instant createdAt,
      boolean confirmed) {

    boolean hasPaymentMethod() {
      return sealedToken != null;
    }

    @Override
    public String toString() {
      return "Draft[" + id + ", merchant=" + merchantId + ", confirmed=" + confirmed + ", canceled="
          + (canceledAt != null) + "]";
    }
  }

  /** What an update changes: each field null when it stays; metadata as the domain's Annotate takes it. */
  record Change(Long amount, String currency, CaptureMethod captureMethod, String paymentMethod,
      Map<String, String> metadata, Set<String> removedKeys, boolean clearMetadata, String description,
      boolean clearDescription) {}

  /** A draft as the create left it: new, or the one an earlier create under the same key made. */
  record Stored(Draft draft, boolean replayed) {}

  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
  private static final String COLUMNS = """
      d.id, d.merchant_id, d.request_hash, d.amount, d.currency, d.capture_method, d.payment_token,
      d.payment_token_key, d.metadata, d.description, d.confirm_key, d.confirm_hash, d.canceled_at,
      d.cancellation_reason, d.created_at,
      exists (select 1 from payment_intents p where p.id = d.id) as confirmed
      """;

  private final DatabaseClient db;
  private final JsonMapper json;
  private final TokenCipher tokens;

  StripeDrafts(DatabaseClient db, JsonMapper json, TokenCipher tokens) {
    this.db = db;
    this.json = json;
    this.tokens = tokens;
  }

  /** Stores a new draft under the merchant's key, or answers the draft an earlier create under it stored. */
  Mono<Stored> create(String id, String merchantId, String idempotencyKey, String requestHash, long amount,
      String currency, CaptureMethod captureMethod, String paymentMethod, Map<String, String> metadata,
      String description, Instant now) {
    TokenCipher.Sealed sealed = paymentMethod == null ? null : tokens.seal(id, paymentMethod);
    GenericExecuteSpec insert = db.sql("""
            insert into stripe_payment_intent_drafts (id, merchant_id, idempotency_key, request_hash, amount,
                currency, capture_method, payment_token, payment_token_key, metadata, description, created_at,
                updated_at)
            values (:id, :merchant, :key, :hash, :amount, :currency, :capture, :token, :tokenKey, :metadata,
                :description, :now, :now)
            on conflict (merchant_id, idempotency_key) do nothing""")
        .bind("id", id)
        .bind("merchant", merchantId)
        .bind("key", idempotencyKey)
        .bind("hash", requestHash)
        .bind("amount", amount)
        .bind("currency", currency)
        .bind("capture", captureMethod.wireName())
        .bind("metadata", Json.of(json.writeValueAsString(new TreeMap<>(metadata))))
        .bind("now", now);
    insert = bindOrNull(insert, "token", sealed == null ? null : sealed.data(), byte[].class);
    insert = bindOrNull(insert, "tokenKey", sealed == null ? null : sealed.keyId(), String.class);
    insert = bindOrNull(insert, "description", description, String.class);
    return insert.fetch().rowsUpdated().flatMap(inserted -> inserted == 1
        ? find(merchantId, id).map(draft -> new Stored(draft, false))
        : db.sql("select " + COLUMNS + """
                 from stripe_payment_intent_drafts d where d.merchant_id = :merchant and d.idempotency_key = :key""")
            .bind("merchant", merchantId)
            .bind("key", idempotencyKey)
            .map(this::draft)
            .one()
            .map(draft -> new Stored(draft, true)));
  }

  /** The merchant's draft with this id, confirmed or not. */
  Mono<Draft> find(String merchantId, String id) {
    return db.sql("select " + COLUMNS + """
             from stripe_payment_intent_drafts d where d.id = :id and d.merchant_id = :merchant""")
        .bind("id", id)
        .bind("merchant", merchantId)
        .map(this::draft)
        .one();
  }

  /** Applies a change to a draft neither confirmed nor canceled; empty when there is no such draft. */
  Mono<Draft> update(String merchantId, String id, Change change, Instant now) {
    TokenCipher.Sealed sealed = change.paymentMethod() == null ? null : tokens.seal(id, change.paymentMethod());
    GenericExecuteSpec update = db.sql("update stripe_payment_intent_drafts d set "
            + """
            metadata = ((case when :clear then '{}'::jsonb else d.metadata end) - cast(:removed as text[]))
                || cast(:put as jsonb),
            description = case when :clearDescription then null else coalesce(:description, d.description) end,
            amount = coalesce(:amount, d.amount), currency = coalesce(:currency, d.currency),
            capture_method = coalesce(:capture, d.capture_method),
            payment_token = coalesce(:token, d.payment_token),
            payment_token_key = coalesce(:tokenKey, d.payment_token_key), updated_at = :now
            where d.id = :id and d.merchant_id = :merchant and d.confirm_key is null and d.canceled_at is null
            returning
            """ + COLUMNS)
        .bind("clear", change.clearMetadata())
        .bind("removed", change.removedKeys().toArray(String[]::new))
        .bind("put", json.writeValueAsString(new TreeMap<>(change.metadata())))
        .bind("clearDescription", change.clearDescription())
        .bind("id", id)
        .bind("merchant", merchantId)
        .bind("now", now);
    update = bindOrNull(update, "description", change.description(), String.class);
    update = bindOrNull(update, "amount", change.amount(), Long.class);
    update = bindOrNull(update, "currency", change.currency(), String.class);
    update = bindOrNull(update, "capture",
        change.captureMethod() == null ? null : change.captureMethod().wireName(), String.class);
    update = bindOrNull(update, "token", sealed == null ? null : sealed.data(), byte[].class);
    update = bindOrNull(update, "tokenKey", sealed == null ? null : sealed.keyId(), String.class);
    return update.map(this::draft).one();
  }

  /**
   * Takes the draft for this confirmation, with {@code paymentMethod} when one is given (else its own): only the
   * first confirmation of a draft with a payment method that is not canceled gets it. Empty for every other; the
   * draft as it is then says why ({@link #find}).
   */
  Mono<Draft> reserveConfirm(String merchantId, String id, String confirmKey, String confirmHash,
      String paymentMethod, Instant now) {
    TokenCipher.Sealed sealed = paymentMethod == null ? null : tokens.seal(id, paymentMethod);
    GenericExecuteSpec reserve = db.sql("update stripe_payment_intent_drafts d set "
            + """
            confirm_key = :key, confirm_hash = :hash, payment_token = coalesce(:token, d.payment_token),
            payment_token_key = coalesce(:tokenKey, d.payment_token_key), updated_at = :now
            where d.id = :id and d.merchant_id = :merchant and d.confirm_key is null and d.canceled_at is null
              and (d.payment_token is not null or cast(:token as bytea) is not null)
            returning
            """ + COLUMNS)
        .bind("key", confirmKey)
        .bind("hash", confirmHash)
        .bind("id", id)
        .bind("merchant", merchantId)
        .bind("now", now);
    reserve = bindOrNull(reserve, "token", sealed == null ? null : sealed.data(), byte[].class);
    reserve = bindOrNull(reserve, "tokenKey", sealed == null ? null : sealed.keyId(), String.class);
    return reserve.map(this::draft).one();
  }

  /** Its intent is stored: the draft's payment method is not needed any more, and is erased. */
  Mono<Void> eraseToken(String id) {
    return db.sql("""
            update stripe_payment_intent_drafts set payment_token = null, payment_token_key = null
             where id = :id and payment_token is not null""")
        .bind("id", id)
        .fetch()
        .rowsUpdated()
        .then();
  }

  /**
   * Frees a draft the confirmation {@code confirmKey} took but whose intent was not stored (and never will be), for
   * another confirmation.
   */
  Mono<Void> releaseConfirm(String id, String confirmKey) {
    return db.sql("""
            update stripe_payment_intent_drafts d set confirm_key = null, confirm_hash = null
             where d.id = :id and d.confirm_key = :key
               and not exists (select 1 from payment_intents p where p.id = d.id)""")
        .bind("id", id)
        .bind("key", confirmKey)
        .fetch()
        .rowsUpdated()
        .then();
  }

  /** Cancels a draft neither confirmed nor canceled; empty when there is no such draft. */
  Mono<Draft> cancel(String merchantId, String id, String reason, Instant now) {
    GenericExecuteSpec cancel = db.sql("update stripe_payment_intent_drafts d set "
            + """
            canceled_at = :now, cancellation_reason = :reason, payment_token = null, payment_token_key = null,
            updated_at = :now
            where d.id = :id and d.merchant_id = :merchant and d.confirm_key is null and d.canceled_at is null
            returning
            """ + COLUMNS)
        .bind("id", id)
        .bind("merchant", merchantId)
        .bind("now", now);
    return bindOrNull(cancel, "reason", reason, String.class).map(this::draft).one();
  }

  /**
   * A page of the merchant's drafts that have no intent (yet), newest first, in the same order and with the same
   * cursors as its intents, so that the two merge into one list.
   */
  Mono<PageQuery.Slice<Draft>> list(String merchantId, int limit, String startingAfter, String endingBefore,
      Instant createdGte, Instant createdLt) {
    List<Object> values = new ArrayList<>();
    values.add(merchantId);
    StringBuilder where = new StringBuilder(
        "d.merchant_id = $1 and not exists (select 1 from payment_intents p where p.id = d.id)");
    if (startingAfter != null) {
      values.add(startingAfter);
      where.append(" and d.id < $").append(values.size());
    }
    if (endingBefore != null) {
      values.add(endingBefore);
      where.append(" and d.id > $").append(values.size());
    }
    if (createdGte != null) {
      values.add(createdGte);
      where.append(" and d.created_at >= $").append(values.size());
    }
    if (createdLt != null) {
      values.add(createdLt);
      where.append(" and d.created_at < $").append(values.size());
    }
    String order = endingBefore == null ? "desc" : "asc";
    String sql = "select " + COLUMNS + " from stripe_payment_intent_drafts d where " + where + " order by d.id "
        + order + " limit " + (limit + 1);
    return PageQuery.read(db, sql, values, limit, this::draft)
        .map(slice -> endingBefore == null ? slice : new PageQuery.Slice<>(slice.rows().reversed(), slice.hasMore()));
  }

  /** The draft's payment method in the clear, for its confirmation; null when it has none or it cannot be read. */
  String paymentMethod(Draft draft) {
    if (draft.sealedToken() == null) {
      return null;
    }
    return tokens.open(draft.id(), draft.sealedToken()) instanceof TokenCipher.Opened.Token token
        ? token.value() : null;
  }

  private Draft draft(Readable row) {
    byte[] token = row.get("payment_token", byte[].class);
    String tokenKey = row.get("payment_token_key", String.class);
    return new Draft(
        row.get("id", String.class),
        row.get("merchant_id", String.class),
        row.get("request_hash", String.class),
        Objects.requireNonNull(row.get("amount", Long.class)),
        row.get("currency", String.class).trim(),
        CaptureMethod.valueOf(row.get("capture_method", String.class).toUpperCase(Locale.ROOT)),
        token == null || tokenKey == null ? null : new TokenCipher.Sealed(tokenKey, token),
        new TreeMap<>(json.readValue(row.get("metadata", Json.class).asString(), STRING_MAP)),
        row.get("description", String.class),
        row.get("confirm_key", String.class),
        row.get("confirm_hash", String.class),
        row.get("canceled_at", Instant.class),
        row.get("cancellation_reason", String.class),
        row.get("created_at", Instant.class),
        Boolean.TRUE.equals(row.get("confirmed", Boolean.class)));
  }

  private static <T> GenericExecuteSpec bindOrNull(GenericExecuteSpec spec, String name, T value, Class<T> type) {
    return value == null ? spec.bindNull(name, type) : spec.bind(name, value);
  }
}
