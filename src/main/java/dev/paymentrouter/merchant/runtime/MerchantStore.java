package dev.paymentrouter.merchant.runtime;

import dev.paymentrouter.merchant.domain.ApiKeys;
import dev.paymentrouter.merchant.domain.Merchant;
import dev.paymentrouter.platform.PageQuery;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Merchants, API-key hashes and per-merchant settings in PostgreSQL. Every operator change is one statement that
 * also appends who did it to {@code merchant_events}, so the change and its record commit together.
 */
public final class MerchantStore {

  /** A key as the authenticator trusts it: whose it is, and until when (null: until revoked). */
  public record KeyGrant(Merchant merchant, Instant expiresAt) {}

  /** A key to register: its public id, its hash and its display prefix; never the key itself. */
  public record NewKey(String id, String hash, String prefix) {

    public NewKey {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(hash, "hash");
      Objects.requireNonNull(prefix, "prefix");
    }
  }

  /** A key as an operator sees it: id and prefix, never the key or its hash. */
  public record KeyInfo(String id, String prefix, Instant createdAt, String createdBy, Instant expiresAt,
      Instant revokedAt, String revokedBy) {}

  /** A merchant as an operator sees it; {@code settings} is the stored settings document (JSON). */
  public record Account(String id, String name, Instant createdAt, String createdBy, Instant disabledAt,
      String disabledBy, String settings, Instant settingsUpdatedAt, List<KeyInfo> keys) {

    public boolean disabled() {
      return disabledAt != null;
    }
  }

  /** A merchant's stored settings document. */
  public record StoredSettings(String merchantId, String document) {}

  private static final String ACCOUNT_COLUMNS =
      "m.id, m.name, m.created_at, m.created_by, m.disabled_at, m.disabled_by, m.settings, m.settings_updated_at";

  private final DatabaseClient db;
  private final SecureRandom random = MerchantAccounts.seededRandom();

  public MerchantStore(DatabaseClient db) {
    this.db = db;
  }

  /**
   * The merchant owning an unrevoked, unexpired key with this hash, if the merchant is not disabled. The expiry
   * comes along so that a cached grant stops at its expiry, not at the cache's.
   */
  public Mono<KeyGrant> findByKeyHash(String keyHash) {
    return db.sql("""
            select m.id, m.name, k.expires_at from api_keys k join merchants m on m.id = k.merchant_id
             where k.key_hash = :hash and k.revoked_at is null and m.disabled_at is null
               and (k.expires_at is null or k.expires_at > now())""")
        .bind("hash", keyHash)
        .map(row -> new KeyGrant(new Merchant(row.get("id", String.class), row.get("name", String.class)),
            row.get("expires_at", Instant.class)))
        .one();
  }

  /** Creates the merchant unless it exists (the demo merchant, test merchants). */
  public Mono<Void> ensureMerchant(Merchant merchant) {
    return db.sql("insert into merchants (id, name) values (:id, :name) on conflict (id) do nothing")
        .bind("id", merchant.id())
        .bind("name", merchant.name())
        .fetch()
        .rowsUpdated()
        .then();
  }

  /** Registers a key (by hash) for a merchant; registering the same key twice is harmless. */
  public Mono<Void> addKey(String merchantId, String keyHash, String displayPrefix) {
    return db.sql("""
            insert into api_keys (id, key_hash, merchant_id, key_prefix) values (:id, :hash, :merchant, :prefix)
            on conflict (key_hash) do nothing""")
        .bind("id", ApiKeys.newId("key_", random))
        .bind("hash", keyHash)
        .bind("merchant", merchantId)
        .bind("prefix", displayPrefix)
        .fetch()
        .rowsUpdated()
        .then();
  }

  /** Creates a merchant with its first key, on behalf of {@code operator}. */
  public Mono<Void> create(Merchant merchant, NewKey key, String operator, Instant at) {
    return db.sql("""
            with m as (
              insert into merchants (id, name, created_at, created_by) values (:id, :name, :at, :operator)
              returning id),
            k as (
              insert into api_keys (id, key_hash, merchant_id, key_prefix, created_at, created_by)
              select :key_id, :hash, id, :prefix, :at, :operator from m)
            insert into merchant_events (merchant_id, occurred_at, operator, action, detail)
            select id, :at, :operator, 'created', jsonb_build_object('keyId', :key_id::text) from m""")
        .bind("id", merchant.id())
        .bind("name", merchant.name())
        .bind("at", at)
        .bind("operator", operator)
        .bind("key_id", key.id())
        .bind("hash", key.hash())
        .bind("prefix", key.prefix())
        .fetch()
        .rowsUpdated()
        .then();
  }

  /** One page of merchants by id, with their keys. */
  public Mono<PageQuery.Slice<Account>> page(int limit, String startingAfter) {
    List<Object> values = new ArrayList<>();
    values.add(limit + 1);
    String after = "";
    if (startingAfter != null) {
      values.add(startingAfter);
      after = "where m.id > $2";
    }
    return PageQuery.read(db, "select " + ACCOUNT_COLUMNS + " from merchants m " + after + " order by m.id limit $1",
            values, limit, MerchantStore::account)
        .flatMap(slice -> keysOf(slice.rows().stream().map(Account::id).toList()).map(keys -> new PageQuery.Slice<>(
            slice.rows().stream().map(a -> withKeys(a, keys.getOrDefault(a.id(), List.of()))).toList(),
            slice.hasMore())));
  }

  /** One merchant with its keys. */
  public Mono<Account> find(String merchantId) {
    return db.sql("select " + ACCOUNT_COLUMNS + " from merchants m where m.id = :id")
        .bind("id", merchantId)
        .map(MerchantStore::account)
        .one()
        .flatMap(account -> keysOf(List.of(account.id()))
            .map(keys -> withKeys(account, keys.getOrDefault(account.id(), List.of()))));
  }

  /** Disables the merchant; once disabled, a second disable changes nothing (the first one's time and operator stay). */
  public Mono<Void> disable(String merchantId, String operator, Instant at) {
    return db.sql("""
            with m as (
              update merchants set disabled_at = :at, disabled_by = :operator
               where id = :id and disabled_at is null returning id)
            insert into merchant_events (merchant_id, occurred_at, operator, action)
            select id, :at, :operator, 'disabled' from m""")
        .bind("id", merchantId)
        .bind("at", at)
        .bind("operator", operator)
        .fetch()
        .rowsUpdated()
        .then();
  }

  /**
   * Issues another key. With {@code expireOthersAt}, every other key of the merchant that would live longer is
   * made to expire then (a rotation's grace period); without, the other keys are untouched.
   */
  public Mono<Void> issueKey(String merchantId, NewKey key, Instant expireOthersAt, String operator, Instant at) {
    GenericExecuteSpec spec = db.sql("""
            with k as (
              insert into api_keys (id, key_hash, merchant_id, key_prefix, created_at, created_by)
              values (:key_id, :hash, :id, :prefix, :at, :operator)
              returning id),
            x as (
              update api_keys set expires_at = :expire
               where :expire::timestamptz is not null and merchant_id = :id and id <> :key_id
                 and revoked_at is null and (expires_at is null or expires_at > :expire)
              returning id)
            insert into merchant_events (merchant_id, occurred_at, operator, action, detail)
            select :id, :at, :operator, 'key_issued', jsonb_build_object('keyId', :key_id::text,
                'expireOthersAt', :expire::timestamptz, 'expiring', (select coalesce(jsonb_agg(id), '[]') from x))
              from k""")
        .bind("id", merchantId)
        .bind("key_id", key.id())
        .bind("hash", key.hash())
        .bind("prefix", key.prefix())
        .bind("at", at)
        .bind("operator", operator);
    spec = expireOthersAt == null ? spec.bindNull("expire", Instant.class) : spec.bind("expire", expireOthersAt);
    return spec.fetch().rowsUpdated().then();
  }

  /** Revokes one key of the merchant; answers its hash, or empty when the merchant has no such key. */
  public Mono<String> revokeKey(String merchantId, String keyId, String operator, Instant at) {
    return db.sql("""
            with k as (
              update api_keys set revoked_at = coalesce(revoked_at, :at), revoked_by = coalesce(revoked_by, :operator)
               where merchant_id = :id and id = :key_id returning key_hash),
            e as (
              insert into merchant_events (merchant_id, occurred_at, operator, action, detail)
              select :id, :at, :operator, 'key_revoked', jsonb_build_object('keyId', :key_id::text) from k)
            select key_hash from k""")
        .bind("id", merchantId)
        .bind("key_id", keyId)
        .bind("at", at)
        .bind("operator", operator)
        .map(row -> row.get("key_hash", String.class))
        .one();
  }

  /** Replaces the merchant's settings document; false when there is no such merchant. */
  public Mono<Boolean> saveSettings(String merchantId, String document, String operator, Instant at) {
    return db.sql("""
            with m as (
              update merchants set settings = :settings, settings_updated_at = :at where id = :id returning id)
            insert into merchant_events (merchant_id, occurred_at, operator, action, detail)
            select id, :at, :operator, 'settings_set', :settings from m""")
        .bind("id", merchantId)
        .bind("settings", Json.of(document))
        .bind("at", at)
        .bind("operator", operator)
        .fetch()
        .rowsUpdated()
        .map(rows -> rows > 0);
  }

  /** The settings of every merchant that has any. */
  public Flux<StoredSettings> allSettings() {
    return db.sql("select id, settings from merchants where settings <> '{}'::jsonb")
        .map(row -> new StoredSettings(row.get("id", String.class), row.get("settings", Json.class).asString()))
        .all();
  }

  private Mono<Map<String, List<KeyInfo>>> keysOf(List<String> merchantIds) {
    if (merchantIds.isEmpty()) {
      return Mono.just(Map.of());
    }
    return db.sql("""
            select merchant_id, id, key_prefix, created_at, created_by, expires_at, revoked_at, revoked_by
              from api_keys where merchant_id = any(:ids) order by created_at, id""")
        .bind("ids", merchantIds.toArray(String[]::new))
        .map(row -> Map.entry(row.get("merchant_id", String.class), new KeyInfo(row.get("id", String.class),
            row.get("key_prefix", String.class), row.get("created_at", Instant.class),
            row.get("created_by", String.class), row.get("expires_at", Instant.class),
            row.get("revoked_at", Instant.class), row.get("revoked_by", String.class))))
        .all()
        .collect(() -> new LinkedHashMap<String, List<KeyInfo>>(), (map, entry) ->
            map.computeIfAbsent(entry.getKey(), id -> new ArrayList<>()).add(entry.getValue()))
        .map(map -> map);
  }

  private static Account account(Readable row) {
    return new Account(row.get("id", String.class), row.get("name", String.class),
        row.get("created_at", Instant.class), row.get("created_by", String.class),
        row.get("disabled_at", Instant.class), row.get("disabled_by", String.class),
        row.get("settings", Json.class).asString(), row.get("settings_updated_at", Instant.class), List.of());
  }

  private static Account withKeys(Account account, List<KeyInfo> keys) {
    return new Account(account.id(), account.name(), account.createdAt(), account.createdBy(), account.disabledAt(),
        account.disabledBy(), account.settings(), account.settingsUpdatedAt(), List.copyOf(keys));
  }
}
