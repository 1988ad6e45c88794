package dev.paymentrouter.merchant.runtime;

import dev.paymentrouter.merchant.domain.ApiKeys;
import dev.paymentrouter.merchant.domain.Merchant;
import dev.paymentrouter.merchant.domain.MerchantSettings;
import dev.paymentrouter.merchant.runtime.MerchantStore.Account;
import dev.paymentrouter.merchant.runtime.MerchantStore.NewKey;
import dev.paymentrouter.platform.PageQuery;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * What operators do to merchants: create one, issue, rotate and revoke its keys, disable it, set its settings. Each
 * change is stored with the operator's name, then applied on this node at once (its key cache forgets the
 * merchant's keys, its directory takes the settings); other nodes follow within the key cache's TTL. Keys are
 * answered once, here, and never logged.
 */
public final class MerchantAccounts {

  private static final Logger log = LoggerFactory.getLogger(MerchantAccounts.class);

  /** A key just made: the key itself, to show once, and its public id. */
  public record IssuedKey(String keyId, String prefix, String apiKey) {

    @Override
    public String toString() {
      return "IssuedKey[keyId=" + keyId + ", prefix=" + prefix + "]";
    }
  }

  /** A merchant just made, and its first key. */
  public record Created(Merchant merchant, IssuedKey key) {}

  private final MerchantStore store;
  private final ApiKeyAuthenticator authenticator;
  private final MerchantDirectory directory;
  private final Clock clock;
  private final SecureRandom random = seededRandom();

  public MerchantAccounts(MerchantStore store, ApiKeyAuthenticator authenticator, MerchantDirectory directory,
      Clock clock) {
    this.store = store;
    this.authenticator = authenticator;
    this.directory = directory;
    this.clock = clock;
  }

  /** A new merchant with a new id and its first key. */
  public Mono<Created> create(String name, String operator) {
    Merchant merchant = new Merchant(ApiKeys.newId("mer_", random), name);
    IssuedKey key = newKey();
    return store.create(merchant, stored(key), operator, clock.instant())
        .doOnSuccess(done -> log.info("operator {} created merchant {} with key {}", operator, merchant.id(),
            key.keyId()))
        .thenReturn(new Created(merchant, key));
  }

  /** One page of merchants. */
  public Mono<PageQuery.Slice<Account>> page(int limit, String startingAfter) {
    return store.page(limit, startingAfter);
  }

  /** One merchant; empty when unknown. */
  public Mono<Account> find(String merchantId) {
    return store.find(merchantId);
  }

  /** Disables the merchant: its keys stop working, its open intents go on. */
  public Mono<Void> disable(String merchantId, String operator) {
    return store.disable(merchantId, operator, clock.instant())
        .doOnSuccess(done -> {
          authenticator.forget(merchantId);
          log.info("operator {} disabled merchant {}", operator, merchantId);
        });
  }

  /**
   * Issues another key; with {@code expireOthersAfter} (a rotation) every other key of the merchant stops working
   * that long from now, unless it would stop sooner anyway. Zero ends them now.
   */
  public Mono<IssuedKey> issueKey(String merchantId, Duration expireOthersAfter, String operator) {
    IssuedKey key = newKey();
    Instant now = clock.instant();
    Instant expireAt = expireOthersAfter == null ? null : now.plus(expireOthersAfter);
    return store.issueKey(merchantId, stored(key), expireAt, operator, now)
        .doOnSuccess(done -> {
          // The grants cached here carry the old keys' former expiry: read them again.
          authenticator.forget(merchantId);
          log.info("operator {} issued key {} for merchant {}{}", operator, key.keyId(), merchantId,
              expireAt == null ? "" : ", other keys expire at " + expireAt);
        })
        .thenReturn(key);
  }

  /** Revokes a key; false when the merchant has no key with this id. */
  public Mono<Boolean> revokeKey(String merchantId, String keyId, String operator) {
    return store.revokeKey(merchantId, keyId, operator, clock.instant())
        .map(hash -> {
          authenticator.forget(merchantId);
          log.info("operator {} revoked key {} of merchant {}", operator, keyId, merchantId);
          return true;
        })
        .defaultIfEmpty(false);
  }

  /** Stores checked settings and applies them on this node; false when the merchant is unknown. */
  public Mono<Boolean> setSettings(String merchantId, MerchantSettings settings, String document, String operator) {
    return store.saveSettings(merchantId, document, operator, clock.instant())
        .doOnNext(saved -> {
          if (saved) {
            directory.put(merchantId, settings);
            log.info("operator {} set the settings of merchant {}: {}", operator, merchantId, document);
          }
        });
  }

  /** The moment the accounts go by. */
  public Instant now() {
    return clock.instant();
  }

  /** A DRBG seeded now, so that no key or id waits on the operating system's entropy on an event loop. */
  static SecureRandom seededRandom() {
    try {
      SecureRandom random = SecureRandom.getInstance("DRBG");
      random.nextBytes(new byte[1]);
      return random;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK provides DRBG", e);
    }
  }

  private IssuedKey newKey() {
    String key = ApiKeys.generate(random);
    return new IssuedKey(ApiKeys.newId("key_", random), ApiKeys.displayPrefix(key), key);
  }

  private static NewKey stored(IssuedKey key) {
    return new NewKey(key.keyId(), ApiKeys.hash(key.apiKey()), key.prefix());
  }
}
