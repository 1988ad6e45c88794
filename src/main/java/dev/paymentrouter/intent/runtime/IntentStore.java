package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.intent.domain.Attempt;
import dev.paymentrouter.intent.domain.AttemptStatus;
import dev.paymentrouter.intent.domain.IntentEvent;
import dev.paymentrouter.intent.domain.IntentStatus;
import dev.paymentrouter.intent.domain.Money;
import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.intent.domain.PaymentMethod;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Intents in PostgreSQL. Each transition is one statement, hence one round trip and one commit: the state row
 * (guarded by version and owner), the changed attempt rows and the appended events. No transaction is ever held
 * across a provider call.
 */
public final class IntentStore {

  /** What happened to an insert. */
  public sealed interface Insertion {
    /** The intent is now stored. */
    record Inserted() implements Insertion {}

    /** The merchant already used this idempotency key, for this intent with this request hash. */
    record Conflict(String existingIntentId, String existingRequestHash) implements Insertion {}
  }

  /** An intent as stored, with its version and its reconciliation progress. */
  public record StoredIntent(PaymentIntent intent, long version, int checkCount, Instant nextCheckAt) {}

  /**
   * Who owns an intent and what recovery should do with it: the owning node and its lease, when the sentinel
   * should look next (null: not due), and how many inconclusive status queries were made.
   */
  public record Ownership(String owner, Instant leaseUntil, Instant nextCheckAt, int checkCount) {}

  /** An intent waiting for an operator. */
  public record UnresolvedIntent(String id, String merchantId, String reason, Instant updatedAt) {}

  /** Thrown when another writer changed the intent first; the loser must stop. */
  public static final class ConcurrentUpdateException extends IllegalStateException {
    ConcurrentUpdateException(String intentId, long expectedVersion) {
      super("intent " + intentId + " is no longer at version " + expectedVersion);
    }
  }

  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
  private static final TypeReference<List<String>> STRING_LIST = new TypeReference<>() {};

  private final DatabaseClient db;
  private final JsonMapper json;

  public IntentStore(DatabaseClient db, JsonMapper json) {
    this.db = db;
    this.json = json;
  }

  /**
   * Stores a new intent with its first events and attempt, unless the merchant already used the idempotency key:
   * then nothing is written and the existing intent is named. Concurrent inserts with one key serialize on the
   * unique constraint, so exactly one wins. One statement, so one round trip and one commit.
   */
  public Mono<Insertion> insert(PaymentIntent intent, List<IntentEvent> events, String idempotencyKey,
      String requestHash, Ownership ownership) {
    Rows rows = new Rows();
    rows.sql.append("""
        with written as (
          insert into payment_intents (id, merchant_id, idempotency_key, request_hash, status, amount, currency,
              payment_method, reference, metadata, failure_code, version, deadline, owner, lease_until,
              next_check_at, check_count, created_at, updated_at)
          values (:id, :merchant, :key, :hash, :status, :amount, :currency, :method, :reference, :metadata,
              :failure, :version, :deadline, :owner, :lease, :next, :checks, :created, :updated)
          on conflict (merchant_id, idempotency_key) do nothing
          returning id)""");
    rows.events(0, events);
    rows.attempts(changedAttempts(List.of(), intent.attempts()));
    rows.sql.append(" select count(*) as n from written");
    GenericExecuteSpec spec = rows.bindTo(db.sql(rows.sql.toString()))
        .bind("id", intent.id())
        .bind("merchant", intent.merchantId())
        .bind("key", idempotencyKey)
        .bind("hash", requestHash)
        .bind("status", intent.status().wireName())
        .bind("amount", intent.amount().amountMinor())
        .bind("currency", intent.amount().currency())
        .bind("method", Json.of(json.writeValueAsString(paymentMethod(intent.paymentMethod()))))
        .bind("metadata", Json.of(json.writeValueAsString(intent.metadata())))
        .bind("version", (long) events.size())
        .bind("deadline", intent.deadline())
        .bind("owner", ownership.owner())
        .bind("lease", ownership.leaseUntil())
        .bind("checks", ownership.checkCount())
        .bind("created", intent.createdAt())
        .bind("updated", intent.updatedAt());
    spec = bindNullable(spec, "reference", intent.reference());
    spec = bindNullable(spec, "failure", intent.failureCode());
    spec = bindNullable(spec, "next", ownership.nextCheckAt());
    return spec.map(row -> row.get("n", Long.class))
        .one()
        .flatMap(inserted -> inserted == 1
            ? Mono.just((Insertion) new Insertion.Inserted())
            : findIdempotent(intent.merchantId(), idempotencyKey));
  }

  /**
   * Appends a transition and the owner's new schedule, in one statement; fails with
   * {@link ConcurrentUpdateException} if the version moved or another node took the intent over (then nothing of
   * it is written).
   */
  public Mono<Void> append(PaymentIntent before, PaymentIntent after, long expectedVersion, List<IntentEvent> events,
      Ownership ownership) {
    Rows rows = new Rows();
    rows.sql.append("""
        with written as (
          update payment_intents
             set status = :status, failure_code = :failure, unresolved_reason = :unresolved,
                 version = :newVersion, updated_at = :updated, lease_until = :lease, next_check_at = :next,
                 check_count = :checks
           where id = :id and version = :expected and owner = :owner
          returning id)""");
    rows.events(expectedVersion, events);
    rows.attempts(changedAttempts(before.attempts(), after.attempts()));
    rows.sql.append(" select count(*) as n from written");
    GenericExecuteSpec update = rows.bindTo(db.sql(rows.sql.toString()))
        .bind("status", after.status().wireName())
        .bind("newVersion", expectedVersion + events.size())
        .bind("updated", after.updatedAt())
        .bind("lease", ownership.leaseUntil())
        .bind("checks", ownership.checkCount())
        .bind("id", after.id())
        .bind("expected", expectedVersion)
        .bind("owner", ownership.owner());
    update = bindNullable(update, "failure", after.failureCode());
    update = bindNullable(update, "unresolved", after.unresolvedReason());
    update = bindNullable(update, "next", ownership.nextCheckAt());
    return update.map(row -> row.get("n", Long.class))
        .one()
        .flatMap(updated -> updated == 1
            ? Mono.<Void>empty()
            : Mono.error(new ConcurrentUpdateException(after.id(), expectedVersion)));
  }

  /** Changes only the owner's schedule (no transition), e.g. after an inconclusive status query. */
  public Mono<Void> reschedule(String id, long expectedVersion, Ownership ownership) {
    GenericExecuteSpec update = db.sql("""
            update payment_intents set lease_until = :lease, next_check_at = :next, check_count = :checks
             where id = :id and version = :expected and owner = :owner""")
        .bind("lease", ownership.leaseUntil())
        .bind("checks", ownership.checkCount())
        .bind("id", id)
        .bind("expected", expectedVersion)
        .bind("owner", ownership.owner());
    update = bindNullable(update, "next", ownership.nextCheckAt());
    return update.fetch().rowsUpdated().flatMap(updated -> updated == 1
        ? Mono.<Void>empty()
        : Mono.error(new ConcurrentUpdateException(id, expectedVersion)));
  }

  /**
   * Takes over an open intent whose lease has run out (its owner died, or let it go to wait for reconciliation).
   * Empty when the intent is final or another node holds it. Only one of several racing claimants wins.
   */
  public Mono<StoredIntent> claim(String id, String owner, Instant leaseUntil, Instant now) {
    return db.sql("""
            update payment_intents set owner = :owner, lease_until = :lease
             where id = :id and status in ('pending', 'processing')
               and (lease_until is null or lease_until < :now)""")
        .bind("owner", owner)
        .bind("lease", leaseUntil)
        .bind("id", id)
        .bind("now", now)
        .fetch()
        .rowsUpdated()
        .flatMap(claimed -> claimed == 1 ? find(id) : Mono.empty());
  }

  /** Lets go of every lease this node holds, so that other nodes may take its open intents over at once. */
  public Mono<Long> releaseAll(String owner, Instant now) {
    return db.sql("""
            update payment_intents set lease_until = :now
             where owner = :owner and lease_until > :now and status in ('pending', 'processing')""")
        .bind("owner", owner)
        .bind("now", now)
        .fetch()
        .rowsUpdated();
  }

  /** Open intents that nobody owns and that are due for a look, oldest due first. */
  public Flux<String> dueForRecovery(Instant now, int limit) {
    return db.sql("""
            select id from payment_intents
             where status in ('pending', 'processing') and unresolved_reason is null
               and (next_check_at is null or next_check_at <= :now)
               and (lease_until is null or lease_until < :now)
             order by next_check_at nulls first
             limit :limit""")
        .bind("now", now)
        .bind("limit", limit)
        .map(row -> row.get("id", String.class))
        .all();
  }

  /** How many intents wait for an operator. */
  public Mono<Long> countUnresolved() {
    return db.sql("select count(*) as n from payment_intents where unresolved_reason is not null")
        .map(row -> row.get("n", Long.class))
        .one();
  }

  /** Intents waiting for an operator, oldest first. */
  public Flux<UnresolvedIntent> unresolved(int limit) {
    return db.sql("""
            select id, merchant_id, unresolved_reason, updated_at from payment_intents
             where unresolved_reason is not null order by updated_at limit :limit""")
        .bind("limit", limit)
        .map(row -> new UnresolvedIntent(row.get("id", String.class), row.get("merchant_id", String.class),
            row.get("unresolved_reason", String.class), row.get("updated_at", Instant.class)))
        .all();
  }

  /** The intent with this id, if stored. */
  public Mono<StoredIntent> find(String id) {
    Mono<List<Attempt>> attempts = db.sql("""
            select attempt_number, provider, provider_idempotency_key, status, provider_reference, decline_code,
                   error_code, routing_rule, routing_candidates, created_at, updated_at
              from payment_attempts where intent_id = :id order by attempt_number""")
        .bind("id", id)
        .map(this::attempt)
        .all()
        .collectList();
    return db.sql("""
            select id, merchant_id, status, amount, currency, payment_method, reference, metadata, failure_code,
                   unresolved_reason, deadline, version, check_count, next_check_at, created_at, updated_at
              from payment_intents where id = :id""")
        .bind("id", id)
        // A row is only readable inside the mapping function: its buffer is released right after.
        .map(this::intentRow)
        .one()
        .zipWhen(row -> attempts,
            (row, list) -> new StoredIntent(row.toIntent(list), row.version(), row.checkCount(), row.nextCheckAt()));
  }

  private Mono<Insertion> findIdempotent(String merchantId, String idempotencyKey) {
    return db.sql("""
            select id, request_hash from payment_intents where merchant_id = :merchant and idempotency_key = :key""")
        .bind("merchant", merchantId)
        .bind("key", idempotencyKey)
        .map(row -> (Insertion) new Insertion.Conflict(row.get("id", String.class), row.get("request_hash",
            String.class)))
        .one();
  }

  /**
   * The event and attempt rows of one transition as data-modifying CTEs that read the intent row the statement
   * wrote ({@code written}): when the guarded insert or update writes nothing, they write nothing either.
   */
  private final class Rows {
    final StringBuilder sql = new StringBuilder();
    private final List<java.util.function.UnaryOperator<GenericExecuteSpec>> binds = new ArrayList<>();

    void events(long previousVersion, List<IntentEvent> events) {
      sql.append(", events as (insert into intent_events (intent_id, sequence, type, payload, occurred_at)"
          + " select written.id, v.sequence, v.type, v.payload, v.occurred_at from written, (values ");
      for (int i = 0; i < events.size(); i++) {
        IntentEvent event = events.get(i);
        int n = i;
        long sequence = previousVersion + i + 1;
        sql.append(i == 0 ? "" : ", ").append("(:seq").append(i).append(", :type").append(i)
            .append(", :payload").append(i).append(", :at").append(i).append(')');
        binds.add(spec -> spec.bind("seq" + n, sequence)
            .bind("type" + n, EventPayloads.type(event))
            .bind("payload" + n, Json.of(json.writeValueAsString(EventPayloads.payload(event))))
            .bind("at" + n, event.at()));
      }
      sql.append(") as v(sequence, type, payload, occurred_at))");
    }

    void attempts(List<Attempt> attempts) {
      if (attempts.isEmpty()) {
        return;
      }
      sql.append(", attempts as (insert into payment_attempts (intent_id, attempt_number, provider,"
          + " provider_idempotency_key, status, provider_reference, decline_code, error_code, routing_rule,"
          + " routing_candidates, created_at, updated_at)"
          + " select written.id, v.* from written, (values ");
      for (int i = 0; i < attempts.size(); i++) {
        Attempt a = attempts.get(i);
        int n = i;
        sql.append(i == 0 ? "" : ", ").append("(:n").append(i).append(", :provider").append(i)
            .append(", :akey").append(i).append(", :astatus").append(i).append(", cast(:ref").append(i)
            .append(" as text), cast(:decline").append(i).append(" as text), cast(:error").append(i)
            .append(" as text), cast(:rule").append(i).append(" as text), :candidates").append(i)
            .append(", :acreated").append(i).append(", :aupdated").append(i).append(')');
        binds.add(spec -> {
          GenericExecuteSpec bound = spec.bind("n" + n, a.number())
              .bind("provider" + n, a.provider())
              .bind("akey" + n, a.idempotencyKey())
              .bind("astatus" + n, a.status().wireName())
              .bind("candidates" + n, Json.of(json.writeValueAsString(a.candidates())))
              .bind("acreated" + n, a.createdAt())
              .bind("aupdated" + n, a.updatedAt());
          bound = bindNullable(bound, "ref" + n, a.providerReference());
          bound = bindNullable(bound, "decline" + n, a.declineCode());
          bound = bindNullable(bound, "error" + n, a.errorCode());
          return bindNullable(bound, "rule" + n, a.routingRule());
        });
      }
      sql.append(") as v(attempt_number, provider, provider_idempotency_key, status, provider_reference,"
          + " decline_code, error_code, routing_rule, routing_candidates, created_at, updated_at)"
          + " on conflict (intent_id, attempt_number) do update"
          + " set status = excluded.status, provider_reference = excluded.provider_reference,"
          + " decline_code = excluded.decline_code, error_code = excluded.error_code,"
          + " updated_at = excluded.updated_at)");
    }

    GenericExecuteSpec bindTo(GenericExecuteSpec spec) {
      GenericExecuteSpec bound = spec;
      for (var bind : binds) {
        bound = bind.apply(bound);
      }
      return bound;
    }
  }

  private static GenericExecuteSpec bindNullable(GenericExecuteSpec spec, String name, String value) {
    return value == null ? spec.bindNull(name, String.class) : spec.bind(name, value);
  }

  private static GenericExecuteSpec bindNullable(GenericExecuteSpec spec, String name, Instant value) {
    return value == null ? spec.bindNull(name, Instant.class) : spec.bind(name, value);
  }

  /** Attempts that are new or differ between two states of one intent. */
  static List<Attempt> changedAttempts(List<Attempt> before, List<Attempt> after) {
    List<Attempt> changed = new ArrayList<>();
    for (Attempt attempt : after) {
      int index = attempt.number() - 1;
      if (index >= before.size() || !before.get(index).equals(attempt)) {
        changed.add(attempt);
      }
    }
    return changed;
  }

  private static Map<String, Object> paymentMethod(PaymentMethod method) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("type", method.type());
    map.put("token", method.token());
    map.put("country", method.country());
    return map;
  }

  private Attempt attempt(Readable row) {
    return new Attempt(
        Objects.requireNonNull(row.get("attempt_number", Integer.class)),
        row.get("provider", String.class),
        row.get("provider_idempotency_key", String.class),
        AttemptStatus.fromWireName(row.get("status", String.class)),
        row.get("provider_reference", String.class),
        row.get("decline_code", String.class),
        row.get("error_code", String.class),
        row.get("routing_rule", String.class),
        json.readValue(row.get("routing_candidates", Json.class).asString(), STRING_LIST),
        row.get("created_at", Instant.class),
        row.get("updated_at", Instant.class));
  }

  private IntentRow intentRow(Readable row) {
    Map<String, String> method = json.readValue(row.get("payment_method", Json.class).asString(), STRING_MAP);
    Map<String, String> metadata = new TreeMap<>(json.readValue(row.get("metadata", Json.class).asString(),
        STRING_MAP));
    return new IntentRow(
        row.get("id", String.class),
        row.get("merchant_id", String.class),
        IntentStatus.fromWireName(row.get("status", String.class)),
        new Money(Objects.requireNonNull(row.get("amount", Long.class)), row.get("currency", String.class)),
        new PaymentMethod(method.get("type"), method.get("token"), method.get("country")),
        row.get("reference", String.class),
        metadata,
        row.get("failure_code", String.class),
        row.get("unresolved_reason", String.class),
        row.get("deadline", Instant.class),
        Objects.requireNonNull(row.get("version", Long.class)),
        Objects.requireNonNull(row.get("check_count", Integer.class)),
        row.get("next_check_at", Instant.class),
        row.get("created_at", Instant.class),
        row.get("updated_at", Instant.class));
  }

  private record IntentRow(
      String id,
      String merchantId,
      IntentStatus status,
      Money amount,
      PaymentMethod method,
      String reference,
      Map<String, String> metadata,
      String failureCode,
      String unresolvedReason,
      Instant deadline,
      long version,
      int checkCount,
      Instant nextCheckAt,
      Instant createdAt,
      Instant updatedAt) {

    PaymentIntent toIntent(List<Attempt> attempts) {
      return new PaymentIntent(id, merchantId, amount, method, reference, metadata, status, attempts, failureCode,
          unresolvedReason, deadline, createdAt, updatedAt);
    }
  }
}
