package dev.paymentrouter.webhook.runtime;

import dev.paymentrouter.intent.runtime.IntentIds;
import dev.paymentrouter.platform.PageQuery;
import dev.paymentrouter.tokens.TokenCipher;
import dev.paymentrouter.webhook.domain.WebhookEventType;
import dev.paymentrouter.webhook.domain.WebhookSecret;
import io.r2dbc.spi.Readable;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Merchants' webhook endpoints in PostgreSQL ({@code webhook_endpoints}), their secrets sealed with the token key ring
 * (the endpoint id as associated data). Every read and write is scoped to the merchant, so another merchant's
 * endpoint is simply not found. The outbox asks {@link #subscribedTo} whom to send an event, with the secrets opened.
 */
public final class WebhookEndpoints {

  private static final Logger log = LoggerFactory.getLogger(WebhookEndpoints.class);

  /** The prefix of endpoint ids. */
  public static final String ID_PREFIX = "we_";
  private static final Pattern ID = Pattern.compile("we_[0-9A-HJKMNP-TV-Z]{26}");
  private static final String COLUMNS =
      "id, merchant_id, url, events, status, disabled_reason, created_at, updated_at";

  /** A new endpoint and its secret, shown to the merchant this once. */
  public record Created(WebhookEndpoint endpoint, WebhookSecret secret) {}

  /** A page of endpoints, newest first. */
  public record Page(List<WebhookEndpoint> data, boolean hasMore) {}

  private final DatabaseClient db;
  private final TokenCipher cipher;
  private final IntentIds ids;
  private final Clock clock;
  private final Duration rotationOverlap;
  private final Supplier<WebhookSecret> secrets;

  /**
   * A store on this database; {@code rotationOverlap} is how long a replaced secret keeps signing beside the new
   * one.
   */
  public WebhookEndpoints(DatabaseClient db, TokenCipher cipher, IntentIds ids, Clock clock, Duration rotationOverlap) {
    this(db, cipher, ids, clock, rotationOverlap, randomSecrets());
  }

  WebhookEndpoints(DatabaseClient db, TokenCipher cipher, IntentIds ids, Clock clock, Duration rotationOverlap,
      Supplier<WebhookSecret> secrets) {
    this.db = db;
    this.cipher = cipher;
    this.ids = ids;
    this.clock = clock;
    this.rotationOverlap = rotationOverlap;
    this.secrets = secrets;
  }

  /** Whether a string has the shape of an endpoint id (checked before any lookup). */
  public static boolean isWellFormed(String id) {
    return id != null && ID.matcher(id).matches();
  }

  /** Registers an endpoint, enabled, with a fresh secret. */
  public Mono<Created> create(String merchantId, String url, List<String> events) {
    String id = ids.next(ID_PREFIX);
    WebhookSecret secret = secrets.get();
    TokenCipher.Sealed sealed = cipher.seal(id, secret.text());
    Instant now = clock.instant();
    return db.sql("""
            insert into webhook_endpoints (id, merchant_id, url, events, secret, secret_key, status, created_at,
                updated_at)
            values (:id, :merchant, :url, :events, :secret, :key, 'enabled', :now, :now)""")
        .bind("id", id)
        .bind("merchant", merchantId)
        .bind("url", url)
        .bind("events", events.toArray(String[]::new))
        .bind("secret", sealed.data())
        .bind("key", sealed.keyId())
        .bind("now", now)
        .fetch()
        .rowsUpdated()
        .thenReturn(new Created(
            new WebhookEndpoint(id, merchantId, url, events, "enabled", null, now, now), secret));
  }

  /** The merchant's endpoint with this id, unless deleted. */
  public Mono<WebhookEndpoint> find(String merchantId, String id) {
    return db.sql("select " + COLUMNS + " " + """
             from webhook_endpoints where merchant_id = :merchant and id = :id and deleted_at is null""")
        .bind("merchant", merchantId)
        .bind("id", id)
        .map(WebhookEndpoints::endpoint)
        .one();
  }

  /** A page of the merchant's endpoints, newest first, after {@code startingAfter} when set. */
  public Mono<Page> list(String merchantId, int limit, String startingAfter) {
    List<Object> values = new ArrayList<>(List.of(merchantId));
    StringBuilder sql = new StringBuilder("select " + COLUMNS + " " + """
         from webhook_endpoints where merchant_id = $1 and deleted_at is null""");
    if (startingAfter != null) {
      values.add(startingAfter);
      sql.append(" and id < $").append(values.size());
    }
    values.add(limit + 1);
    sql.append(" order by id desc limit $").append(values.size());
    return PageQuery.read(db, sql.toString(), values, limit, WebhookEndpoints::endpoint)
        .map(slice -> new Page(slice.rows(), slice.hasMore()));
  }

  /**
   * Deletes the merchant's endpoint: the row stays for the delivery log, its secrets are erased, so nothing is ever
   * signed for it again. False when there was no such endpoint.
   */
  public Mono<Boolean> delete(String merchantId, String id) {
    Instant now = clock.instant();
    return db.sql("""
            update webhook_endpoints
               set deleted_at = :now, updated_at = :now, secret = null, secret_key = null, previous_secret = null,
                   previous_secret_key = null, previous_secret_expires_at = null
             where merchant_id = :merchant and id = :id and deleted_at is null""")
        .bind("now", now)
        .bind("merchant", merchantId)
        .bind("id", id)
        .fetch()
        .rowsUpdated()
        .map(updated -> updated == 1);
  }

  /**
   * Gives the endpoint a new secret; the one it replaces keeps signing until the overlap ends. A rotation during
   * another's overlap ends that overlap at once: only the secret being replaced is kept.
   */
  public Mono<Created> rotate(String merchantId, String id) {
    WebhookSecret secret = secrets.get();
    TokenCipher.Sealed sealed = cipher.seal(id, secret.text());
    Instant now = clock.instant();
    return db.sql("""
            update webhook_endpoints
               set previous_secret = secret, previous_secret_key = secret_key, previous_secret_expires_at = :expires,
                   secret = :secret, secret_key = :key, updated_at = :now
             where merchant_id = :merchant and id = :id and deleted_at is null
            returning\s""" + COLUMNS)
        .bind("expires", now.plus(rotationOverlap))
        .bind("secret", sealed.data())
        .bind("key", sealed.keyId())
        .bind("now", now)
        .bind("merchant", merchantId)
        .bind("id", id)
        .map(WebhookEndpoints::endpoint)
        .one()
        .map(endpoint -> new Created(endpoint, secret));
  }

  /**
   * The merchant's enabled endpoints that subscribe to this type (by name or by {@code *}), oldest first, each with
   * its active secrets opened: the current one, then the previous one until its overlap ends. A secret that no
   * configured key opens (its key was removed from the ring) is left out with a warning; an endpoint left without
   * any secret is left out too, since an unsigned delivery would be refused by the merchant anyway.
   */
  public Flux<SigningEndpoint> subscribedTo(String merchantId, WebhookEventType type) {
    Instant now = clock.instant();
    return db.sql("""
            select id, merchant_id, url, secret, secret_key, previous_secret, previous_secret_key,
                   previous_secret_expires_at > :now as previous_active
              from webhook_endpoints
             where merchant_id = :merchant and deleted_at is null and status = 'enabled'
               and (:type = any (events) or '*' = any (events))
             order by id""")
        .bind("now", now)
        .bind("merchant", merchantId)
        .bind("type", type.wireName())
        .map(this::signing)
        .all()
        .filter(endpoint -> !endpoint.secrets().isEmpty());
  }

  /**
   * The endpoint a delivery goes to, with its active secrets, if it still takes deliveries (not deleted, not disabled,
   * a secret that opens); what the delivery worker asks before each send.
   */
  public Mono<SigningEndpoint> signing(String endpointId) {
    Instant now = clock.instant();
    return db.sql("""
            select id, merchant_id, url, secret, secret_key, previous_secret, previous_secret_key,
                   previous_secret_expires_at > :now as previous_active
              from webhook_endpoints
             where id = :id and deleted_at is null and status = 'enabled'""")
        .bind("now", now)
        .bind("id", endpointId)
        .map(this::signing)
        .one()
        .filter(endpoint -> !endpoint.secrets().isEmpty());
  }

  private SigningEndpoint signing(Readable row) {
    String id = row.get("id", String.class);
    List<WebhookSecret> active = new ArrayList<>(2);
    open(id, row.get("secret_key", String.class), row.get("secret", byte[].class), "current", active);
    if (Boolean.TRUE.equals(row.get("previous_active", Boolean.class))) {
      open(id, row.get("previous_secret_key", String.class), row.get("previous_secret", byte[].class), "previous",
          active);
    }
    return new SigningEndpoint(id, row.get("merchant_id", String.class), row.get("url", String.class), active);
  }

  private void open(String endpointId, String keyId, byte[] data, String which, List<WebhookSecret> into) {
    if (data == null) {
      return;
    }
    switch (cipher.open(endpointId, keyId, data)) {
      case TokenCipher.Opened.Token token -> into.add(WebhookSecret.parse(token.value()));
      case TokenCipher.Opened.Unreadable unreadable -> log.warn(
          "Webhook endpoint {}: its {} signing secret cannot be decrypted ({}); it does not sign", endpointId, which,
          unreadable.reason());
    }
  }

  private static WebhookEndpoint endpoint(Readable row) {
    String[] events = row.get("events", String[].class);
    return new WebhookEndpoint(row.get("id", String.class), row.get("merchant_id", String.class),
        row.get("url", String.class), events == null ? List.of() : Arrays.asList(events),
        row.get("status", String.class), row.get("disabled_reason", String.class),
        row.get("created_at", Instant.class), row.get("updated_at", Instant.class));
  }

  /** Secrets from a DRBG seeded once (so no secret waits on the operating system's entropy on an event loop). */
  private static Supplier<WebhookSecret> randomSecrets() {
    SecureRandom random;
    try {
      random = SecureRandom.getInstance("DRBG");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK provides DRBG", e);
    }
    random.nextBytes(new byte[1]);
    return () -> {
      byte[] key = new byte[WebhookSecret.KEY_BYTES];
      random.nextBytes(key);
      try {
        return WebhookSecret.ofKey(key);
      } finally {
        Arrays.fill(key, (byte) 0);
      }
    };
  }
}
