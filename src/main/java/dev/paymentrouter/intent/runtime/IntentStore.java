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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Intents in PostgreSQL. Each transition is one statement, hence one round trip and one commit: the state row
 * (guarded by version and owner), the changed attempt rows and the appended events; transitions of many intents
 * that are ready together share that statement (group commit, see {@link IntentWriter}). No transaction is ever
 * held across a provider call.
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
  private final IntentWriter<NewIntent, Transition> writer;

  /** A store whose writes go out in batches of at most {@code maxBatch}, {@code writers} statements at once. */
  public IntentStore(DatabaseClient db, JsonMapper json, int writers, int maxBatch, int maxPendingCreates) {
    this.db = db;
    this.json = json;
    this.writer = new IntentWriter<>(new IntentWriter.Statements<>() {
      @Override
      public Mono<Set<String>> insertAll(List<NewIntent> writes) {
        return IntentStore.this.insertAll(writes);
      }

      @Override
      public Mono<Set<String>> appendAll(List<Transition> writes) {
        return IntentStore.this.appendAll(writes);
      }
    }, writers, maxBatch, maxPendingCreates);
  }

  /** A store with the default batching (see {@link StorageProperties}). */
  public IntentStore(DatabaseClient db, JsonMapper json) {
    this(db, json, StorageProperties.DEFAULT_WRITERS, StorageProperties.DEFAULT_MAX_BATCH,
        StorageProperties.DEFAULT_MAX_PENDING_CREATES);
  }

  /**
   * Stores a new intent with its first events and attempt, unless the merchant already used the idempotency key:
   * then nothing is written and the existing intent is named. Concurrent inserts with one key serialize on the
   * unique constraint, so exactly one wins. Written by one statement, usually together with other new intents
   * (see {@link IntentWriter}): one commit for all of them.
   */
  public Mono<Insertion> insert(PaymentIntent intent, List<IntentEvent> events, String idempotencyKey,
      String requestHash, Ownership ownership) {
    return writer.insert(new NewIntent(intent, events, idempotencyKey, requestHash, ownership))
        .flatMap(inserted -> inserted
            ? Mono.just((Insertion) new Insertion.Inserted())
            : findIdempotent(intent.merchantId(), idempotencyKey));
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
      Ownership ownership) implements IntentWriter.Keyed {
    @Override
    public String intentId() {
      return intent.id();
    }
  }

  record Transition(PaymentIntent before, PaymentIntent after, long expectedVersion, List<IntentEvent> events,
      Ownership ownership) implements IntentWriter.Keyed {
    @Override
    public String intentId() {
      return after.id();
    }
  }

  private static final String INSERT_INTENTS = """
      with input as (
        select * from unnest(cast(:ids as text[]), cast(:merchants as text[]), cast(:keys as text[]),
            cast(:hashes as text[]), cast(:statuses as text[]), cast(:amounts as int8[]), cast(:currencies as text[]),
            cast(:methods as text[]), cast(:refs as text[]), cast(:metadata as text[]), cast(:failures as text[]),
            cast(:versions as int8[]), cast(:deadlines as text[]), cast(:owners as text[]), cast(:leases as text[]),
            cast(:nexts as text[]), cast(:checks as int4[]), cast(:created as text[]), cast(:updated as text[]))
          as t(id, merchant_id, idempotency_key, request_hash, status, amount, currency, payment_method, reference,
               metadata, failure_code, version, deadline, owner, lease_until, next_check_at, check_count,
               created_at, updated_at)),
      written as (
        insert into payment_intents (id, merchant_id, idempotency_key, request_hash, status, amount, currency,
            payment_method, reference, metadata, failure_code, version, deadline, owner, lease_until,
            next_check_at, check_count, created_at, updated_at)
        select id, merchant_id, idempotency_key, request_hash, status, amount, currency, cast(payment_method as jsonb),
            reference, cast(metadata as jsonb), failure_code, version, cast(deadline as timestamptz), owner,
            cast(lease_until as timestamptz), cast(next_check_at as timestamptz), check_count,
            cast(created_at as timestamptz), cast(updated_at as timestamptz)
          from input
        on conflict (merchant_id, idempotency_key) do nothing
        returning id)""";

  private static final String APPEND_TRANSITIONS = """
      with input as (
        select * from unnest(cast(:ids as text[]), cast(:expected as int8[]), cast(:owners as text[]),
            cast(:statuses as text[]), cast(:failures as text[]), cast(:unresolved as text[]),
            cast(:versions as int8[]), cast(:updated as text[]), cast(:leases as text[]), cast(:nexts as text[]),
            cast(:checks as int4[]))
          as t(id, expected, owner, status, failure_code, unresolved_reason, version, updated_at, lease_until,
               next_check_at, check_count)),
      written as (
        update payment_intents p
           set status = i.status, failure_code = i.failure_code, unresolved_reason = i.unresolved_reason,
               version = i.version, updated_at = cast(i.updated_at as timestamptz),
               lease_until = cast(i.lease_until as timestamptz), next_check_at = cast(i.next_check_at as timestamptz),
               check_count = i.check_count
          from input i
         where p.id = i.id and p.version = i.expected and p.owner = i.owner
        returning p.id)""";

  private static final String WRITE_EVENTS_AND_ATTEMPTS = """
      ,
      events as (
        insert into intent_events (intent_id, sequence, type, payload, occurred_at)
        select e.intent_id, e.sequence, e.type, cast(e.payload as jsonb), cast(e.occurred_at as timestamptz)
          from unnest(cast(:eventIntents as text[]), cast(:eventSequences as int8[]), cast(:eventTypes as text[]),
              cast(:eventPayloads as text[]), cast(:eventTimes as text[]))
            as e(intent_id, sequence, type, payload, occurred_at)
         where e.intent_id in (select id from written)),
      attempts as (
        insert into payment_attempts (intent_id, attempt_number, provider, provider_idempotency_key, status,
            provider_reference, decline_code, error_code, routing_rule, routing_candidates, created_at, updated_at)
        select a.intent_id, a.attempt_number, a.provider, a.provider_idempotency_key, a.status, a.provider_reference,
            a.decline_code, a.error_code, a.routing_rule, cast(a.routing_candidates as jsonb),
            cast(a.created_at as timestamptz), cast(a.updated_at as timestamptz)
          from unnest(cast(:attemptIntents as text[]), cast(:attemptNumbers as int4[]),
              cast(:attemptProviders as text[]), cast(:attemptKeys as text[]), cast(:attemptStatuses as text[]),
              cast(:attemptReferences as text[]), cast(:attemptDeclines as text[]), cast(:attemptErrors as text[]),
              cast(:attemptRules as text[]), cast(:attemptCandidates as text[]), cast(:attemptCreated as text[]),
              cast(:attemptUpdated as text[]))
            as a(intent_id, attempt_number, provider, provider_idempotency_key, status, provider_reference,
                 decline_code, error_code, routing_rule, routing_candidates, created_at, updated_at)
         where a.intent_id in (select id from written)
        on conflict (intent_id, attempt_number) do update
           set status = excluded.status, provider_reference = excluded.provider_reference,
               decline_code = excluded.decline_code, error_code = excluded.error_code,
               updated_at = excluded.updated_at)
      select id from written""";

  /**
   * New intents in one statement; the ids of those stored. Sorted by idempotency key, so that two batches that
   * share keys lock them in the same order and wait for each other instead of deadlocking.
   */
  Mono<Set<String>> insertAll(List<NewIntent> writes) {
    List<NewIntent> sorted = new ArrayList<>(writes);
    sorted.sort(Comparator.comparing((NewIntent w) -> w.intent().merchantId()).thenComparing(NewIntent::idempotencyKey));
    int n = sorted.size();
    String[] ids = new String[n];
    String[] merchants = new String[n];
    String[] keys = new String[n];
    String[] hashes = new String[n];
    String[] statuses = new String[n];
    Long[] amounts = new Long[n];
    String[] currencies = new String[n];
    String[] methods = new String[n];
    String[] refs = new String[n];
    String[] metadata = new String[n];
    String[] failures = new String[n];
    Long[] versions = new Long[n];
    String[] deadlines = new String[n];
    String[] owners = new String[n];
    String[] leases = new String[n];
    String[] nexts = new String[n];
    Integer[] checks = new Integer[n];
    String[] created = new String[n];
    String[] updated = new String[n];
    Children children = new Children();
    for (int i = 0; i < n; i++) {
      NewIntent w = sorted.get(i);
      PaymentIntent intent = w.intent();
      ids[i] = intent.id();
      merchants[i] = intent.merchantId();
      keys[i] = w.idempotencyKey();
      hashes[i] = w.requestHash();
      statuses[i] = intent.status().wireName();
      amounts[i] = intent.amount().amountMinor();
      currencies[i] = intent.amount().currency();
      methods[i] = json.writeValueAsString(paymentMethod(intent.paymentMethod()));
      refs[i] = intent.reference();
      metadata[i] = json.writeValueAsString(intent.metadata());
      failures[i] = intent.failureCode();
      versions[i] = (long) w.events().size();
      deadlines[i] = text(intent.deadline());
      owners[i] = w.ownership().owner();
      leases[i] = text(w.ownership().leaseUntil());
      nexts[i] = text(w.ownership().nextCheckAt());
      checks[i] = w.ownership().checkCount();
      created[i] = text(intent.createdAt());
      updated[i] = text(intent.updatedAt());
      children.add(intent.id(), 0, w.events(), changedAttempts(List.of(), intent.attempts()));
    }
    GenericExecuteSpec spec = db.sql(INSERT_INTENTS + WRITE_EVENTS_AND_ATTEMPTS)
        .bind("ids", ids).bind("merchants", merchants).bind("keys", keys).bind("hashes", hashes)
        .bind("statuses", statuses).bind("amounts", amounts).bind("currencies", currencies)
        .bind("methods", methods).bind("refs", refs).bind("metadata", metadata).bind("failures", failures)
        .bind("versions", versions).bind("deadlines", deadlines).bind("owners", owners).bind("leases", leases)
        .bind("nexts", nexts).bind("checks", checks).bind("created", created).bind("updated", updated);
    return written(children.bindTo(spec));
  }

  /** Transitions in one statement; the ids of those whose guard held. */
  Mono<Set<String>> appendAll(List<Transition> writes) {
    List<Transition> sorted = new ArrayList<>(writes);
    sorted.sort(Comparator.comparing(Transition::intentId));
    int n = sorted.size();
    String[] ids = new String[n];
    Long[] expected = new Long[n];
    String[] owners = new String[n];
    String[] statuses = new String[n];
    String[] failures = new String[n];
    String[] unresolved = new String[n];
    Long[] versions = new Long[n];
    String[] updated = new String[n];
    String[] leases = new String[n];
    String[] nexts = new String[n];
    Integer[] checks = new Integer[n];
    Children children = new Children();
    for (int i = 0; i < n; i++) {
      Transition w = sorted.get(i);
      PaymentIntent after = w.after();
      ids[i] = after.id();
      expected[i] = w.expectedVersion();
      owners[i] = w.ownership().owner();
      statuses[i] = after.status().wireName();
      failures[i] = after.failureCode();
      unresolved[i] = after.unresolvedReason();
      versions[i] = w.expectedVersion() + w.events().size();
      updated[i] = text(after.updatedAt());
      leases[i] = text(w.ownership().leaseUntil());
      nexts[i] = text(w.ownership().nextCheckAt());
      checks[i] = w.ownership().checkCount();
      children.add(after.id(), w.expectedVersion(), w.events(), changedAttempts(w.before().attempts(),
          after.attempts()));
    }
    GenericExecuteSpec spec = db.sql(APPEND_TRANSITIONS + WRITE_EVENTS_AND_ATTEMPTS)
        .bind("ids", ids).bind("expected", expected).bind("owners", owners).bind("statuses", statuses)
        .bind("failures", failures).bind("unresolved", unresolved).bind("versions", versions)
        .bind("updated", updated).bind("leases", leases).bind("nexts", nexts).bind("checks", checks);
    return written(children.bindTo(spec));
  }

  private static Mono<Set<String>> written(GenericExecuteSpec spec) {
    return spec.map(row -> row.get("id", String.class)).all().collect(Collectors.toSet());
  }

  /** Timestamps travel as ISO-8601 text in arrays; PostgreSQL reads them back exactly (to the microsecond). */
  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  /** The event and attempt rows of a batch, as parallel arrays. */
  private final class Children {
    private final List<String> eventIntents = new ArrayList<>();
    private final List<Long> eventSequences = new ArrayList<>();
    private final List<String> eventTypes = new ArrayList<>();
    private final List<String> eventPayloads = new ArrayList<>();
    private final List<String> eventTimes = new ArrayList<>();
    private final List<String> attemptIntents = new ArrayList<>();
    private final List<Integer> attemptNumbers = new ArrayList<>();
    private final List<String> attemptProviders = new ArrayList<>();
    private final List<String> attemptKeys = new ArrayList<>();
    private final List<String> attemptStatuses = new ArrayList<>();
    private final List<String> attemptReferences = new ArrayList<>();
    private final List<String> attemptDeclines = new ArrayList<>();
    private final List<String> attemptErrors = new ArrayList<>();
    private final List<String> attemptRules = new ArrayList<>();
    private final List<String> attemptCandidates = new ArrayList<>();
    private final List<String> attemptCreated = new ArrayList<>();
    private final List<String> attemptUpdated = new ArrayList<>();

    void add(String intentId, long previousVersion, List<IntentEvent> events, List<Attempt> attempts) {
      for (int i = 0; i < events.size(); i++) {
        IntentEvent event = events.get(i);
        eventIntents.add(intentId);
        eventSequences.add(previousVersion + i + 1);
        eventTypes.add(EventPayloads.type(event));
        eventPayloads.add(json.writeValueAsString(EventPayloads.payload(event)));
        eventTimes.add(text(event.at()));
      }
      for (Attempt a : attempts) {
        attemptIntents.add(intentId);
        attemptNumbers.add(a.number());
        attemptProviders.add(a.provider());
        attemptKeys.add(a.idempotencyKey());
        attemptStatuses.add(a.status().wireName());
        attemptReferences.add(a.providerReference());
        attemptDeclines.add(a.declineCode());
        attemptErrors.add(a.errorCode());
        attemptRules.add(a.routingRule());
        attemptCandidates.add(json.writeValueAsString(a.candidates()));
        attemptCreated.add(text(a.createdAt()));
        attemptUpdated.add(text(a.updatedAt()));
      }
    }

    GenericExecuteSpec bindTo(GenericExecuteSpec spec) {
      return spec.bind("eventIntents", eventIntents.toArray(String[]::new))
          .bind("eventSequences", eventSequences.toArray(Long[]::new))
          .bind("eventTypes", eventTypes.toArray(String[]::new))
          .bind("eventPayloads", eventPayloads.toArray(String[]::new))
          .bind("eventTimes", eventTimes.toArray(String[]::new))
          .bind("attemptIntents", attemptIntents.toArray(String[]::new))
          .bind("attemptNumbers", attemptNumbers.toArray(Integer[]::new))
          .bind("attemptProviders", attemptProviders.toArray(String[]::new))
          .bind("attemptKeys", attemptKeys.toArray(String[]::new))
          .bind("attemptStatuses", attemptStatuses.toArray(String[]::new))
          .bind("attemptReferences", attemptReferences.toArray(String[]::new))
          .bind("attemptDeclines", attemptDeclines.toArray(String[]::new))
          .bind("attemptErrors", attemptErrors.toArray(String[]::new))
          .bind("attemptRules", attemptRules.toArray(String[]::new))
          .bind("attemptCandidates", attemptCandidates.toArray(String[]::new))
          .bind("attemptCreated", attemptCreated.toArray(String[]::new))
          .bind("attemptUpdated", attemptUpdated.toArray(String[]::new));
    }
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
