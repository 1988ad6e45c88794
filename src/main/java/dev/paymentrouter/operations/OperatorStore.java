package dev.paymentrouter.operations;

import io.r2dbc.postgresql.codec.Json;
import java.time.Instant;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The operators' tables: {@code provider_controls} (what every replica applies to its providers) and
 * {@code operator_actions} (who did what, where). A control change and its record are one statement, so neither
 * commits without the other. Also the read-only queries of the operator page.
 */
final class OperatorStore {

  /** What operators set for one provider; {@code forcedOpen} false leaves the breaker to itself. */
  record ProviderControl(String provider, boolean drained, boolean forcedOpen, String updatedBy, Instant updatedAt) {}

  /** One recorded action; {@code detail} is its JSON document. */
  record Action(long id, Instant at, String operator, String action, String target, String detail, String node) {}

  /** An intent as the operator page lists it; {@code attempts} as {@code provider:status}, in order. */
  record RecentIntent(String id, String merchantId, String merchantName, String status, long amount,
      String currency, String reference, String metadata, String unresolvedReason, Instant createdAt,
      List<String> attempts) {}

  private final DatabaseClient db;

  OperatorStore(DatabaseClient db) {
    this.db = db;
  }

  /** Every provider's controls. */
  Flux<ProviderControl> controls() {
    return db.sql("select provider, drained, breaker, updated_by, updated_at from provider_controls")
        .map(row -> new ProviderControl(row.get("provider", String.class),
            Boolean.TRUE.equals(row.get("drained", Boolean.class)),
            "forced_open".equals(row.get("breaker", String.class)),
            row.get("updated_by", String.class), row.get("updated_at", Instant.class)))
        .all();
  }

  /** Forces the breaker open or leaves it to itself, and records the action. */
  Mono<Void> setBreaker(String provider, boolean forcedOpen, String operator, String node, String detail) {
    return db.sql("""
            with control as (
              insert into provider_controls (provider, breaker, updated_by, updated_at)
              values (:provider, nullif(:breaker, 'auto'), :operator, now())
              on conflict (provider) do update
                 set breaker = excluded.breaker, updated_by = excluded.updated_by, updated_at = excluded.updated_at
              returning provider)
            insert into operator_actions (at, operator, action, target, detail, node)
            select now(), :operator, 'breaker', provider, :detail, :node from control""")
        .bind("provider", provider)
        .bind("breaker", forcedOpen ? "forced_open" : "auto")
        .bind("operator", operator)
        .bind("detail", Json.of(detail))
        .bind("node", node)
        .then();
  }

  /** Drains a provider or puts it back, and records the action. */
  Mono<Void> setDrained(String provider, boolean drained, String operator, String node, String detail) {
    return db.sql("""
            with control as (
              insert into provider_controls (provider, drained, updated_by, updated_at)
              values (:provider, :drained, :operator, now())
              on conflict (provider) do update
                 set drained = excluded.drained, updated_by = excluded.updated_by, updated_at = excluded.updated_at
              returning provider)
            insert into operator_actions (at, operator, action, target, detail, node)
            select now(), :operator, 'drain', provider, :detail, :node from control""")
        .bind("provider", provider)
        .bind("drained", drained)
        .bind("operator", operator)
        .bind("detail", Json.of(detail))
        .bind("node", node)
        .then();
  }

  /** Records an action that changes no control (a re-drive: the intent's own trail has it too). */
  Mono<Void> record(String operator, String action, String target, String node, String detail) {
    return db.sql("""
            insert into operator_actions (at, operator, action, target, detail, node)
            values (now(), :operator, :action, :target, :detail, :node)""")
        .bind("operator", operator)
        .bind("action", action)
        .bind("target", target)
        .bind("detail", Json.of(detail))
        .bind("node", node)
        .then();
  }

  /** The latest actions, newest first. */
  Flux<Action> actions(int limit) {
    return db.sql("""
            select id, at, operator, action, target, detail, node from operator_actions
             order by at desc, id desc limit :limit""")
        .bind("limit", limit)
        .map(row -> new Action(row.get("id", Long.class), row.get("at", Instant.class),
            row.get("operator", String.class), row.get("action", String.class), row.get("target", String.class),
            row.get("detail", Json.class).asString(), row.get("node", String.class)))
        .all();
  }

  /**
   * The latest intents of every merchant with their attempts. Ids start with their creation time, so the primary
   * key's index gives the newest without a sort of the table.
   */
  Flux<RecentIntent> recentIntents(int limit) {
    return db.sql("""
            select i.id, i.merchant_id, m.name as merchant_name, i.status, i.amount, i.currency, i.reference,
                   i.metadata::text as metadata, i.unresolved_reason, i.created_at,
                   (select string_agg(a.provider || ':' || a.status, ' ' order by a.attempt_number)
                      from payment_attempts a where a.intent_id = i.id) as attempts
              from payment_intents i join merchants m on m.id = i.merchant_id
             order by i.id desc limit :limit""")
        .bind("limit", limit)
        .map(row -> {
          String attempts = row.get("attempts", String.class);
          return new RecentIntent(row.get("id", String.class), row.get("merchant_id", String.class),
              row.get("merchant_name", String.class), row.get("status", String.class),
              row.get("amount", Long.class), row.get("currency", String.class), row.get("reference", String.class),
              row.get("metadata", String.class), row.get("unresolved_reason", String.class),
              row.get("created_at", Instant.class),
              attempts == null ? List.of() : List.of(attempts.split(" ")));
        })
        .all();
  }
}
