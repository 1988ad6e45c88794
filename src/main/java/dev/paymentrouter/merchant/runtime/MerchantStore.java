package dev.paymentrouter.merchant.runtime;

import dev.paymentrouter.merchant.domain.Merchant;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** Merchants and API-key hashes in PostgreSQL. */
public final class MerchantStore {

  private final DatabaseClient db;

  public MerchantStore(DatabaseClient db) {
    this.db = db;
  }

  /** The merchant owning an unrevoked key with this hash, if any. */
  public Mono<Merchant> findByKeyHash(String keyHash) {
    return db.sql("""
            select m.id, m.name from api_keys k join merchants m on m.id = k.merchant_id
             where k.key_hash = :hash and k.revoked_at is null""")
        .bind("hash", keyHash)
        .map(row -> new Merchant(row.get("id", String.class), row.get("name", String.class)))
        .one();
  }

  /** Creates the merchant unless it exists. */
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
            insert into api_keys (key_hash, merchant_id, key_prefix) values (:hash, :merchant, :prefix)
            on conflict (key_hash) do nothing""")
        .bind("hash", keyHash)
        .bind("merchant", merchantId)
        .bind("prefix", displayPrefix)
        .fetch()
        .rowsUpdated()
        .then();
  }
}
