package dev.paymentrouter.webhook.runtime;

import dev.paymentrouter.platform.PageQuery;
import io.r2dbc.postgresql.codec.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The deliveries of the merchants' events in PostgreSQL. Workers of any number of nodes claim due deliveries with
 * {@code FOR UPDATE SKIP LOCKED} and push each claimed one's due time past its send, so that no two workers ever send
 * one delivery at the same time; the outcome is written back under the claim's attempt number, so a late worker
 * cannot overwrite a newer one.
 */
public final class DeliveryStore {

  /** A claimed delivery, with what its send needs. */
  public record Claimed(String id, String eventId, String endpointId, int attempt, String eventType,
      Instant eventCreatedAt, String eventData) {}

  /** One row of an endpoint's delivery log. */
  public record Delivery(String id, String eventId, String eventType, String status, int attempts,
      Integer lastHttpStatus, String lastError, Instant lastAttemptAt, Instant nextAttemptAt, Instant createdAt) {}

  private final DatabaseClient db;

  public DeliveryStore(DatabaseClient db) {
    this.db = db;
  }

  /**
   * What a worker may claim: at most {@code limit} deliveries due at {@code now}, at most {@code perEndpoint} of one
   * endpoint less what this worker already sends to it ({@code sending}), endpoints taken in turn from the one after
   * {@code after} (null: from the first), so that a long backlog of one endpoint does not keep the others waiting.
   */
  public record Claim(Instant now, int limit, int perEndpoint, Map<String, Integer> sending, String after) {}

  /** Claims what {@code claim} allows; none of it is due again before {@code busyUntil}. */
  public Flux<Claimed> claim(Claim claim, Instant busyUntil) {
    String[] busyEndpoints = claim.sending().keySet().toArray(String[]::new);
    Integer[] busySends = Arrays.stream(busyEndpoints).map(claim.sending()::get).toArray(Integer[]::new);
    // Endpoint ids compare byte-wise (collate "C") here and in WebhookCourier, whatever the database's collation.
    var spec = db.sql("""
            with busy as (select * from unnest($4::text[], $5::int[]) as b (endpoint_id, sending)),
            due as (
              select d.id
                from webhook_endpoints e
                left join busy on busy.endpoint_id = e.id
               cross join lateral (
                 select w.id from webhook_deliveries w
                  where w.endpoint_id = e.id and w.status = 'pending' and w.next_attempt_at <= $1
                  order by w.next_attempt_at
                  limit greatest($6 - coalesce(busy.sending, 0), 0)
                  for update of w skip locked) d
               order by (e.id collate "C" <= coalesce($7, '')), e.id collate "C"
               limit $2)
            update webhook_deliveries d set attempts = d.attempts + 1, next_attempt_at = $3, updated_at = $1
              from due, webhook_events e
             where d.id = due.id and e.id = d.event_id
            returning d.id, d.event_id, d.endpoint_id, d.attempts, e.type, e.created_at, e.data""")
        .bind(0, claim.now())
        .bind(1, claim.limit())
        .bind(2, busyUntil)
        .bind(3, busyEndpoints)
        .bind(4, busySends)
        .bind(5, claim.perEndpoint());
    spec = claim.after() == null ? spec.bindNull(6, String.class) : spec.bind(6, claim.after());
    return spec
        .map(row -> new Claimed(row.get("id", String.class), row.get("event_id", String.class),
            row.get("endpoint_id", String.class), row.get("attempts", Integer.class), row.get("type", String.class),
            row.get("created_at", Instant.class), row.get("data", Json.class).asString()))
        .all();
  }

  /** The endpoint took it. */
  public Mono<Void> succeeded(Claimed claimed, int httpStatus, Instant now) {
    return outcome(claimed, "succeeded", null, httpStatus, null, now);
  }

  /** This try failed; due again at {@code next}, or (null) failed for good. */
  public Mono<Void> tryFailed(Claimed claimed, Integer httpStatus, String error, Instant next, Instant now) {
    return outcome(claimed, next == null ? "failed" : "pending", next, httpStatus, error, now);
  }

  /** Not tried now (its endpoint is busy): due again at {@code next}, the try not counted. */
  public Mono<Void> postpone(Claimed claimed, Instant next, Instant now) {
    return db.sql("""
            update webhook_deliveries set attempts = attempts - 1, next_attempt_at = $1, updated_at = $2
             where id = $3 and attempts = $4 and status = 'pending'""")
        .bind(0, next).bind(1, now).bind(2, claimed.id()).bind(3, claimed.attempt())
        .then();
  }

  /** Disables an endpoint whose deliveries keep failing; its pending deliveries stay as they are. */
  public Mono<Void> disableEndpoint(String endpointId, String reason, Instant now) {
    return db.sql("""
            update webhook_endpoints set status = 'disabled', disabled_reason = $1, updated_at = $2
             where id = $3 and status = 'enabled'""")
        .bind(0, reason).bind(1, now).bind(2, endpointId)
        .then();
  }

  /**
   * Sends the merchant's event again, now: its deliveries to endpoints that still exist start over, and endpoints
   * subscribed since get one. False when the merchant has no such event.
   */
  public Mono<Boolean> redeliver(String merchantId, String eventId, Instant now) {
    return db.sql("""
            with event as (select id, type, merchant_id from webhook_events where id = $1 and merchant_id = $2),
            again as (
              update webhook_deliveries d set status = 'pending', attempts = 0, next_attempt_at = $3, updated_at = $3
                from event where d.event_id = event.id
              returning d.id),
            added as (
              insert into webhook_deliveries (id, event_id, endpoint_id, merchant_id, status, next_attempt_at,
                  created_at, updated_at)
              select 'whd_' || substr(event.id, 5) || '_' || e.id, event.id, e.id, event.merchant_id, 'pending', $3,
                  $3, $3
                from event join webhook_endpoints e on e.merchant_id = event.merchant_id and e.deleted_at is null
                 and e.status = 'enabled' and (event.type = any (e.events) or '*' = any (e.events))
              on conflict (event_id, endpoint_id) do nothing
              returning id)
            select count(*) as n from event""")
        .bind(0, eventId).bind(1, merchantId).bind(2, now)
        .map(row -> row.get("n", Long.class))
        .one()
        .map(found -> found > 0);
  }

  /** A page of an endpoint's deliveries, newest first, and whether more follow. */
  public Mono<PageQuery.Slice<Delivery>> log(String endpointId, int limit, String startingAfter) {
    List<Object> values = new ArrayList<>(List.of(endpointId, limit + 1));
    String after = "";
    if (startingAfter != null) {
      values.add(startingAfter);
      after = " and d.id < $3";
    }
    return PageQuery.read(db, """
            select d.id, d.event_id, e.type, d.status, d.attempts, d.last_http_status, d.last_error,
                   d.last_attempt_at, d.next_attempt_at, d.created_at
              from webhook_deliveries d join webhook_events e on e.id = d.event_id
             where d.endpoint_id = $1""" + after + " order by d.id desc limit $2", values, limit,
        row -> new Delivery(row.get("id", String.class), row.get("event_id", String.class),
            row.get("type", String.class), row.get("status", String.class), row.get("attempts", Integer.class),
            row.get("last_http_status", Integer.class), row.get("last_error", String.class),
            row.get("last_attempt_at", Instant.class),
            "pending".equals(row.get("status", String.class)) ? row.get("next_attempt_at", Instant.class) : null,
            row.get("created_at", Instant.class)));
  }

  private Mono<Void> outcome(Claimed claimed, String status, Instant next, Integer httpStatus, String error,
      Instant now) {
    var spec = db.sql("""
            update webhook_deliveries set status = $1, next_attempt_at = $2, last_http_status = $3, last_error = $4,
                   last_attempt_at = $5, updated_at = $5
             where id = $6 and attempts = $7""")
        .bind(0, status);
    spec = next == null ? spec.bindNull(1, Instant.class) : spec.bind(1, next);
    spec = httpStatus == null ? spec.bindNull(2, Integer.class) : spec.bind(2, httpStatus);
    spec = error == null ? spec.bindNull(3, String.class) : spec.bind(3, error);
    return spec.bind(4, now).bind(5, claimed.id()).bind(6, claimed.attempt()).then();
  }
}
