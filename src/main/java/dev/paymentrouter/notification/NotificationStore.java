package dev.paymentrouter.notification;

import io.r2dbc.postgresql.codec.Json;
import java.time.Instant;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import reactor.core.publisher.Mono;

/** The {@code provider_notifications} table (V13), and the lookups that match a notification to an intent. */
final class NotificationStore {

  private final DatabaseClient db;

  NotificationStore(DatabaseClient db) {
    this.db = db;
  }

  /**
   * Keeps a notification; true when it is to be handled: stored now, or stored before but never handled (its first
   * hand-off did not finish). False for a replay of one handled already.
   */
  Mono<Boolean> store(String provider, String eventId, String type, String intentId, String body, Instant now) {
    return db.sql("""
            insert into provider_notifications (provider, provider_event_id, type, intent_id, body, received_at)
            values (:provider, :event, :type, :intent, :body, :now)
            on conflict (provider, provider_event_id) do nothing""")
        .bind("provider", provider)
        .bind("event", eventId)
        .bind("type", type)
        .bind("intent", Parameter.fromOrEmpty(intentId, String.class))
        .bind("body", Json.of(body))
        .bind("now", now)
        .fetch()
        .rowsUpdated()
        .flatMap(inserted -> inserted == 1 ? Mono.just(true) : db.sql("""
                select processed_at is null as open from provider_notifications
                 where provider = :provider and provider_event_id = :event""")
            .bind("provider", provider)
            .bind("event", eventId)
            .map(row -> Boolean.TRUE.equals(row.get("open", Boolean.class)))
            .one()
            .defaultIfEmpty(false));
  }

  /** Records what became of a notification; {@code processed} false leaves it open for a retry. */
  Mono<Void> outcome(String provider, String eventId, String outcome, boolean processed, Instant now) {
    return db.sql("""
            update provider_notifications set outcome = :outcome,
                   processed_at = case when :processed then cast(:now as timestamptz) else null end
             where provider = :provider and provider_event_id = :event""")
        .bind("outcome", outcome)
        .bind("processed", processed)
        .bind("now", now)
        .bind("provider", provider)
        .bind("event", eventId)
        .fetch()
        .rowsUpdated()
        .then();
  }

  /** The intent and id of our modification under this provider-side key (its id), if any. */
  Mono<String> intentOfModification(String key) {
    return db.sql("select intent_id from payment_modifications where provider_idempotency_key = :key")
        .bind("key", key)
        .map(row -> row.get("intent_id", String.class))
        .first();
  }

  /** The intent whose attempt the provider knows as {@code providerReference}, if any. */
  Mono<String> intentOfPayment(String provider, String providerReference) {
    return db.sql("""
            select intent_id from payment_attempts where provider = :provider and provider_reference = :reference
             limit 1""")
        .bind("provider", provider)
        .bind("reference", providerReference)
        .map(row -> row.get("intent_id", String.class))
        .first();
  }

  /** How many stored notifications named no intent of ours: for the operator. */
  Mono<Long> unknownIntents() {
    return db.sql("select count(*) as n from provider_notifications where intent_id is null")
        .map(row -> row.get("n", Long.class))
        .one();
  }
}
