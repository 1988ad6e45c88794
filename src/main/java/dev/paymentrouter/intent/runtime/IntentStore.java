package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.intent.domain.IntentEvent;
import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.tokens.TokenCipher;
import io.r2dbc.postgresql.codec.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Intents in PostgreSQL. Each transition is one statement, hence one round trip and one commit: the state row
 * (guarded by version and owner), the changed attempt rows and the appended events; transitions of many intents
 * that are ready together share that statement (group commit, see {@link IntentWriter}). No transaction is ever
 * held across a provider call. The payment token is stored only encrypted ({@link TokenCipher}), and the
 * statement that makes an intent final erases it.
 */
public final class IntentStore {

  /** What happened to an insert. */
  public sealed interface Insertion {
    /** The intent is now stored. */
    record Inserted() implements Insertion {}

    /** The merchant already used this idempotency key, for this intent with this request hash. */
    record Conflict(String existingIntentId, String existingRequestHash) implements Insertion {}

    /** The creator withdrew the write before it was sent: nothing was, or ever will be, stored. */
    record Withdrawn() implements Insertion {}
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


  private final DatabaseClient db;
  private final IntentReader reader;
  private final IntentBatchEncoder encoder;
  private final IntentWriter<NewIntent, Transition> writer;

  /**
   * A store whose writes go out in batches, as {@code storage} says (see {@link IntentWriter}), whose payment
   * tokens are sealed by {@code tokens}, and whose transitions write the merchant's events they owe, each with an id
   * from {@code ids} and the resource as {@code renderer} shows it.
   */
  public IntentStore(DatabaseClient db, JsonMapper json, StorageProperties storage, TokenCipher tokens,
      IntentIds ids, ResourceRenderer renderer) {
    this.db = db;
    this.reader = new IntentReader(db, json, tokens);
    this.encoder = new IntentBatchEncoder(json, tokens, new OutboxEvents(ids, renderer));
    this.writer = new IntentWriter<>(new IntentWriter.Statements<>() {
      @Override
      public Mono<Set<String>> insertAll(List<NewIntent> writes) {
        return IntentStore.this.insertAll(writes);
      }

      @Override
      public Mono<Set<String>> appendAll(List<Transition> writes) {
        return IntentStore.this.appendAll(writes);
      }
    }, storage.writers(), storage.maxBatch(), storage.maxPendingCreates());
  }

  /**
   * Stores a new intent with its first events and attempt, unless the merchant already used the idempotency key:
   * then nothing is written and the existing intent is named. Concurrent inserts with one key serialize on the
   * unique constraint, so exactly one wins. Written by one statement, usually together with other new intents
   * (see {@link IntentWriter}): one commit for all of them.
   */
  public Mono<Insertion> insert(PaymentIntent intent, List<IntentEvent> events, String idempotencyKey,
      String requestHash, Ownership ownership) {
    return insert(intent, events, idempotencyKey, requestHash, ownership, () -> true);
  }

  /**
   * As {@link #insert(PaymentIntent, List, String, String, Ownership)}, for a write its creator may withdraw:
   * {@code send} is asked once, when the write is about to go to the database; if it says no (the creator gave up
   * waiting), nothing is written and the answer is {@link Insertion.Withdrawn}.
   */
  public Mono<Insertion> insert(PaymentIntent intent, List<IntentEvent> events, String idempotencyKey,
      String requestHash, Ownership ownership, BooleanSupplier send) {
    return writer.insert(new NewIntent(intent, events, idempotencyKey, requestHash, ownership, send))
        .flatMap(inserted -> inserted
            ? Mono.just((Insertion) new Insertion.Inserted())
            : findIdempotent(intent.merchantId(), idempotencyKey))
        .defaultIfEmpty(new Insertion.Withdrawn());
  }

  /**
   * Appends a transition and the owner's new schedule, in one statement (shared with other intents' transitions);
   * fails with {@link ConcurrentUpdateException} if the version moved or another node took the intent over (then
   * nothing of it is written).
   */
  public Mono<Void> append(PaymentIntent before, PaymentIntent after, long expectedVersion, List<IntentEvent> events,
      Ownership ownership) {
    return writer.append(new Transition(before, after, expectedVersion, events, ownership))
        .flatMap(written -> written
            ? Mono.<Void>empty()
            : Mono.error(new ConcurrentUpdateException(after.id(), expectedVersion)));
  }

  /** Whether new intents may be taken in: false while too many wait for the database (see {@link IntentWriter}). */
  public boolean acceptsNewIntents() {
    return writer.acceptsNewIntents();
  }

  /** New intents waiting for their statement. */
  public int pendingCreates() {
    return writer.pendingCreates();
  }

  record NewIntent(PaymentIntent intent, List<IntentEvent> events, String idempotencyKey, String requestHash,
      Ownership ownership, BooleanSupplier sendable) implements IntentWriter.Keyed {
    @Override
    public String intentId() {
      return intent.id();
    }

    @Override
    public boolean send() {
      return sendable.getAsBoolean();
    }
  }

  record Transition(PaymentIntent before, PaymentIntent after, long expectedVersion, List<IntentEvent> events,
      Ownership ownership) implements IntentWriter.Keyed {
    @Override
    public String intentId() {
      return after.id();
    }
  }

  /**
   * New intents in one statement; the ids of those stored. Sorted by idempotency key, so that two batches that
   * share keys lock them in the same order and wait for each other instead of deadlocking.
   */
  Mono<Set<String>> insertAll(List<NewIntent> writes) {
    List<NewIntent> sorted = new ArrayList<>(writes);
    sorted.sort(Comparator.comparing((NewIntent w) -> w.intent().merchantId())
        .thenComparing(NewIntent::idempotencyKey));
    return written("select payment_router_insert_intents(:batch) as id", encoder.newIntents(sorted));
  }

  /** Transitions in one statement; the ids of those whose guard held. */
  Mono<Set<String>> appendAll(List<Transition> writes) {
    List<Transition> sorted = new ArrayList<>(writes);
    sorted.sort(Comparator.comparing(Transition::intentId));
    return written("select payment_router_append_transitions(:batch) as id", encoder.transitions(sorted));
  }

  private Mono<Set<String>> written(String sql, String batch) {
    return db.sql(sql)
        .bind("batch", Json.of(batch))
        .map(row -> row.get("id", String.class))
        .all()
        .collect(Collectors.toSet());
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
   * Takes over an open intent whose lease has run out (its owner died, or let it go to wait for reconciliation), or
   * one with a check due (an open capture, cancel or refund; an authorization to expire). Empty when there is nothing
   * to recover or another node holds it. Only one of several racing claimants wins.
   */
  public Mono<StoredIntent> claim(String id, String owner, Instant leaseUntil, Instant now) {
    return claim(id, owner, leaseUntil, now, null);
  }

  /**
   * As {@link #claim(String, String, Instant, Instant)}; with {@code askedBefore} set, only when its provider was
   * last asked about it no later than that (so polling cannot turn into a stream of status queries). Every claim
   * records {@code now} as the time of the status query the new owner is about to make.
   */
  public Mono<StoredIntent> claim(String id, String owner, Instant leaseUntil, Instant now, Instant askedBefore) {
    GenericExecuteSpec update = db.sql(askedBefore == null
            ? CLAIM + RECOVERABLE
            : CLAIM + RECOVERABLE + " and (last_status_query_at is null or last_status_query_at <= :asked_before)")
        .bind("owner", owner)
        .bind("lease", leaseUntil)
        .bind("id", id)
        .bind("now", now);
    if (askedBefore != null) {
      update = update.bind("asked_before", askedBefore);
    }
    return claimed(id, update);
  }

  /**
   * Takes over an intent, whatever its status, for a merchant's command (a capture, cancel or refund): empty only
   * when another owner's lease runs.
   */
  public Mono<StoredIntent> claimForCommand(String id, String owner, Instant leaseUntil, Instant now) {
    return claimed(id, db.sql(CLAIM)
        .bind("owner", owner)
        .bind("lease", leaseUntil)
        .bind("id", id)
        .bind("now", now));
  }

  private Mono<StoredIntent> claimed(String id, GenericExecuteSpec update) {
    return update.fetch()
        .rowsUpdated()
        .flatMap(claimed -> claimed == 1 ? find(id) : Mono.empty());
  }

  private static final String CLAIM = """
      update payment_intents set owner = :owner, lease_until = :lease, last_status_query_at = :now
       where id = :id and (lease_until is null or lease_until < :now)""";

  /** What recovery takes up: an open intent, or one with a check due (see {@link #claimDue}). */
  private static final String RECOVERABLE = " and (status in ('pending', 'processing') or next_check_at is not null)";

  /** Lets go of every lease this node holds, so that other nodes may take its open intents over at once. */
  public Mono<Long> releaseAll(String owner, Instant now) {
    return db.sql("""
            update payment_intents set lease_until = :now
             where owner = :owner and lease_until > :now""")
        .bind("owner", owner)
        .bind("now", now)
        .fetch()
        .rowsUpdated();
  }

  /**
   * Claims for {@code owner}, in one statement, up to {@code limit} intents that nobody owns and that are due for a
   * look, oldest due first: open ones (their owner died, or their next reconciliation is due), and others with a
   * check due (an unknown or pending capture, cancel or refund; an authorization that expires). Served by the
   * partial index {@code payment_intents_recoverable} and locked with {@code FOR UPDATE SKIP LOCKED}: nodes claiming
   * at the same time split them instead of queueing on one another's rows. Due times and leases are judged by the
   * database's clock, and the new lease runs {@code lease} from it, so a node's clock never decides whether another
   * node's lease is over. The ids claimed.
   */
  public Flux<String> claimDue(String owner, int limit, Duration lease) {
    return db.sql("""
            with due as (
              select id from payment_intents
               where unresolved_reason is null and (status in ('pending', 'processing') or next_check_at is not null)
                 and (next_check_at is null or next_check_at <= statement_timestamp())
                 and (lease_until is null or lease_until < statement_timestamp())
               order by next_check_at nulls first
               limit :limit
               for update skip locked)
            update payment_intents p
               set owner = :owner, lease_until = statement_timestamp() + make_interval(secs => :lease),
                   last_status_query_at = statement_timestamp()
              from due
             where p.id = due.id
            returning p.id""")
        .bind("limit", limit)
        .bind("owner", owner)
        .bind("lease", lease.toNanos() / 1e9)
        .map(row -> row.get("id", String.class))
        .all();
  }

  /** Lets go at once of the leases {@code owner} holds on these intents (claimed, then not taken up). */
  public Mono<Long> release(List<String> ids, String owner) {
    return db.sql("update payment_intents set lease_until = statement_timestamp() where id = any($1) and owner = $2")
        .bind(0, ids.toArray(String[]::new))
        .bind(1, owner)
        .fetch()
        .rowsUpdated();
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

  /** Reads intents and their children (shared with the refunds' read side). */
  IntentReader reader() {
    return reader;
  }

  /** The database (shared with the merchant's command keys and the refunds' read side). */
  DatabaseClient db() {
    return db;
  }

  /** The intent with this id, if stored. */
  public Mono<StoredIntent> find(String id) {
    return reader.find(id);
  }

  /** The stored intents with these ids (those that exist), in three statements whatever their number. */
  public Mono<Map<String, StoredIntent>> findAll(List<String> ids) {
    return reader.findAll(ids);
  }

  /** A page of one merchant's intents, newest first, without their tokens. */
  public Mono<IntentReader.Page> list(IntentReader.Query query) {
    return reader.list(query);
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

  private static GenericExecuteSpec bindNullable(GenericExecuteSpec spec, String name, Instant value) {
    return value == null ? spec.bindNull(name, Instant.class) : spec.bind(name, value);
  }
}
