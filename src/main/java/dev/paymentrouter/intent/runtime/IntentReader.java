package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.intent.domain.Attempt;
import dev.paymentrouter.intent.domain.AttemptStatus;
import dev.paymentrouter.intent.domain.CaptureMethod;
import dev.paymentrouter.intent.domain.IntentStatus;
import dev.paymentrouter.intent.domain.Modification;
import dev.paymentrouter.intent.domain.Money;
import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.intent.domain.PaymentMethod;
import dev.paymentrouter.intent.runtime.IntentStore.StoredIntent;
import dev.paymentrouter.platform.PageQuery;
import dev.paymentrouter.process.LogFields;
import dev.paymentrouter.provider.domain.ModificationRequest;
import dev.paymentrouter.tokens.TokenCipher;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The read side of {@link IntentStore}: one intent with its attempts and its tokens (for its owner), and pages of a
 * merchant's intents (for the merchant, without tokens). Rows are mapped inside the driver's mapping function, the
 * only place they are readable.
 */
public final class IntentReader {

  private static final Logger log = LoggerFactory.getLogger(IntentReader.class);
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
  private static final TypeReference<List<String>> STRING_LIST = new TypeReference<>() {};
  private static final String INTENT_COLUMNS = """
      id, merchant_id, status, amount, currency, payment_method, payment_token, payment_token_key, reference,
      metadata, failure_code, unresolved_reason, deadline, version, check_count, next_check_at, created_at,
      updated_at, capture_method, description,
      (select e.payload ->> 'parkedSince' from intent_events e
        where e.intent_id = payment_intents.id and e.sequence = payment_intents.version
          and e.type = 'intent_parked') as parked_since""";
  private static final String MODIFICATION_COLUMNS = """
      intent_id, modification_id, kind, amount, provider, provider_idempotency_key, status, provider_reference,
      failure_code, reason, created_at, updated_at, metadata""";
  private static final String ATTEMPT_COLUMNS = """
      intent_id, attempt_number, provider, provider_idempotency_key, status, provider_reference, decline_code,
      error_code, routing_rule, routing_candidates, created_at, updated_at""";

  /** The most intents one page may hold. */
  public static final int MAX_PAGE = 100;

  /**
   * Which of a merchant's intents to list: at most {@code limit}, newest first, older than the intent
   * {@code startingAfter} (the last one of the previous page) when given, and matching every filter given.
   *
   * @param merchantId    whose intents
   * @param limit         1 to {@link #MAX_PAGE}
   * @param startingAfter an intent id: the page starts after it, or null for the newest
   * @param status        only intents in this status, or null
   * @param reference     only intents with this merchant reference, or null
   * @param createdGte    only intents created at or after this moment, or null
   * @param createdLt     only intents created before this moment, or null
   * @param endingBefore  an intent id: the page is the one just before it (the newer intents nearest to it, still
   *                      newest first), or null; not with {@code startingAfter}
   */
  public record Query(String merchantId, int limit, String startingAfter, IntentStatus status, String reference,
      Instant createdGte, Instant createdLt, String endingBefore) {

    public Query {
      Objects.requireNonNull(merchantId, "merchantId");
      if (limit < 1 || limit > MAX_PAGE) {
        throw new IllegalArgumentException("limit must be between 1 and " + MAX_PAGE);
      }
      if (startingAfter != null && endingBefore != null) {
        throw new IllegalArgumentException("a page starts after one intent or ends before one, not both");
      }
    }

    /** A page newest first from the newest, or after {@code startingAfter}. */
    public Query(String merchantId, int limit, String startingAfter, IntentStatus status, String reference,
        Instant createdGte, Instant createdLt) {
      this(merchantId, limit, startingAfter, status, reference, createdGte, createdLt, null);
    }

    /**
     * The statement and its positional values. Intent ids grow with time (their first characters are the creation
     * time), so "newest first, after the cursor" is one descending range of the (merchant_id, id) index: a page
     * costs the same however deep it is, and intents created while a client pages never shift its pages.
     */
    String sql(List<Object> values) {
      StringBuilder where = new StringBuilder("merchant_id = $1");
      values.add(merchantId);
      if (startingAfter != null) {
        values.add(startingAfter);
        where.append(" and id < $").append(values.size());
      }
      if (endingBefore != null) {
        values.add(endingBefore);
        where.append(" and id > $").append(values.size());
      }
      if (status != null) {
        values.add(status.wireName());
        where.append(" and status = $").append(values.size());
      }
      if (reference != null) {
        values.add(reference);
        where.append(" and reference = $").append(values.size());
      }
      if (createdGte != null) {
        values.add(createdGte);
        where.append(" and created_at >= $").append(values.size());
      }
      if (createdLt != null) {
        values.add(createdLt);
        where.append(" and created_at < $").append(values.size());
      }
      // One more than the page, to know whether another page follows. Before a cursor, the range runs the other way
      // (the nearest newer ones first), and the page is turned round once read.
      return "select " + INTENT_COLUMNS + " from payment_intents where " + where + " order by id "
          + (endingBefore == null ? "desc" : "asc") + " limit " + (limit + 1);
    }
  }

  /** A page: the intents, newest first, and whether older ones match too. */
  public record Page(List<PaymentIntent> data, boolean hasMore) {}

  private final DatabaseClient db;
  private final JsonMapper json;
  private final StoredTokens storedTokens;
  private final TokenCipher tokens;

  IntentReader(DatabaseClient db, JsonMapper json, TokenCipher tokens) {
    this.db = db;
    this.json = json;
    this.storedTokens = new StoredTokens(json);
    this.tokens = tokens;
  }

  /** The intent with this id, if stored, with its tokens (opened) for its owner. */
  Mono<StoredIntent> find(String id) {
    return findAll(List.of(id)).mapNotNull(found -> found.get(id));
  }

  /** One page of a merchant's intents with their attempts: two statements, whatever the page's size. */
  Mono<Page> list(Query query) {
    List<Object> values = new ArrayList<>();
    String sql = query.sql(values);
    return PageQuery.read(db, sql, values, query.limit(), row -> intentRow(row, false)).flatMap(slice -> {
      boolean hasMore = slice.hasMore();
      List<IntentRow> page = query.endingBefore() == null ? slice.rows() : slice.rows().reversed();
      if (page.isEmpty()) {
        return Mono.just(new Page(List.of(), false));
      }
      String[] ids = page.stream().map(IntentRow::id).toArray(String[]::new);
      return children(ids).map(children -> new Page(page.stream()
          .map(row -> row.toIntent(children.attempts(row.id()), children.modifications(row.id())))
          .toList(), hasMore));
    });
  }

  /**
   * The intents with these ids that exist, with their tokens (opened) for their owners: their rows, then (only for
   * those found) their attempts and modifications; three statements whatever their number, one when none exists.
   */
  Mono<Map<String, StoredIntent>> findAll(List<String> ids) {
    // A parked intent's last event is its park: when its wait began comes from there (no column of its own).
    return db.sql("select " + INTENT_COLUMNS + " from payment_intents where id = any($1)")
        .bind(0, ids.toArray(String[]::new))
        // A row is only readable inside the mapping function: its buffer is released right after.
        .map(row -> intentRow(row, true))
        .all()
        .collectList()
        .flatMap(rows -> rows.isEmpty() ? Mono.just(Map.<String, StoredIntent>of())
            : children(rows.stream().map(IntentRow::id).toArray(String[]::new)).map(children -> {
              Map<String, StoredIntent> found = new LinkedHashMap<>();
              for (IntentRow row : rows) {
                found.put(row.id(), new StoredIntent(row.toIntent(children.attempts(row.id()),
                    children.modifications(row.id())), row.version(), row.checkCount(), row.nextCheckAt()));
              }
              return found;
            }));
  }

  /** The attempts and modifications of several intents, by intent. */
  private record Children(Map<String, List<Attempt>> attemptsById, Map<String, List<Modification>> modificationsById) {
    List<Attempt> attempts(String id) {
      return attemptsById.getOrDefault(id, List.of());
    }

    List<Modification> modifications(String id) {
      return modificationsById.getOrDefault(id, List.of());
    }
  }

  private Mono<Children> children(String[] ids) {
    Mono<Map<String, List<Attempt>>> attempts = db.sql("select " + ATTEMPT_COLUMNS
            + " from payment_attempts where intent_id = any($1) order by intent_id, attempt_number")
        .bind(0, ids)
        .map(row -> Map.entry(row.get("intent_id", String.class), attempt(row)))
        .all()
        .collectList()
        .map(IntentReader::byIntent);
    Mono<Map<String, List<Modification>>> modifications = db.sql("select " + MODIFICATION_COLUMNS
            + " from payment_modifications where intent_id = any($1) order by intent_id, created_at,"
            + " modification_id")
        .bind(0, ids)
        .map(row -> Map.entry(row.get("intent_id", String.class), modification(row)))
        .all()
        .collectList()
        .map(IntentReader::byIntent);
    return Mono.zip(attempts, modifications, Children::new);
  }

  private static <T> Map<String, List<T>> byIntent(List<Map.Entry<String, T>> rows) {
    Map<String, List<T>> byIntent = new LinkedHashMap<>();
    rows.forEach(entry -> byIntent.computeIfAbsent(entry.getKey(), key -> new ArrayList<>()).add(entry.getValue()));
    return byIntent;
  }

  /** A modification row ({@code MODIFICATION_COLUMNS}) as the domain sees it. */
  Modification modification(Readable row) {
    return new Modification(
        row.get("modification_id", String.class),
        ModificationRequest.Kind.valueOf(row.get("kind", String.class).toUpperCase(Locale.ROOT)),
        Objects.requireNonNull(row.get("amount", Long.class)),
        row.get("provider", String.class),
        row.get("provider_idempotency_key", String.class),
        Modification.Status.valueOf(row.get("status", String.class).toUpperCase(Locale.ROOT)),
        row.get("provider_reference", String.class),
        row.get("failure_code", String.class),
        row.get("reason", String.class),
        row.get("created_at", Instant.class),
        row.get("updated_at", Instant.class),
        json.readValue(row.get("metadata", Json.class).asString(), STRING_MAP));
  }

  /**
   * The token of a stored intent: opened from its sealed form; or, for a row written before tokens were
   * encrypted (V4) whose intent is still open, its plain token; or null: erased because the intent is final, or
   * unreadable, which is logged (intent and key id, never the data) and ends the intent's attempts not sent.
   */
  private String token(String intentId, IntentStatus status, byte[] sealed, String keyId, String legacy) {
    if (sealed != null) {
      return switch (tokens.open(intentId, keyId, sealed)) {
        case TokenCipher.Opened.Token token -> token.value();
        case TokenCipher.Opened.Unreadable unreadable -> {
          // unknown_key: the key was removed from payment-router.token-encryption.keys while intents still used it.
          LogFields.with(log.atError(), LogFields.INTENT_ID, intentId).log("Intent {}: its payment token cannot be "
              + "decrypted with key '{}' ({}); its attempts end not sent (payment_method_unavailable)", intentId, keyId,
              unreadable.reason());
          yield null;
        }
      };
    }
    if (legacy == null && !status.isFinal()) {
      LogFields.with(log.atError(), LogFields.INTENT_ID, intentId).log("Intent {}: no payment token is stored for "
          + "this open intent; its attempts end not sent (payment_method_unavailable)", intentId);
    }
    return legacy;
  }

  private Attempt attempt(Readable row) {
    // A list of candidates, or (with providers skipped for the payment method) an object with both: see the encoder.
    JsonNode routing = json.readTree(row.get("routing_candidates", Json.class).asString());
    return new Attempt(
        Objects.requireNonNull(row.get("attempt_number", Integer.class)),
        row.get("provider", String.class),
        row.get("provider_idempotency_key", String.class),
        AttemptStatus.fromWireName(row.get("status", String.class)),
        row.get("provider_reference", String.class),
        row.get("decline_code", String.class),
        row.get("error_code", String.class),
        row.get("routing_rule", String.class),
        routingCandidates(routing),
        routingSkipped(routing),
        row.get("created_at", Instant.class),
        row.get("updated_at", Instant.class));
  }

  private List<String> routingCandidates(JsonNode routing) {
    return json.treeToValue(routing.isArray() ? routing : routing.path("candidates"), STRING_LIST);
  }

  private Map<String, String> routingSkipped(JsonNode routing) {
    return routing.isObject() ? json.treeToValue(routing.path("skipped"), STRING_MAP) : Map.of();
  }

  private IntentRow intentRow(Readable row, boolean withTokens) {
    Map<String, String> method = json.readValue(row.get("payment_method", Json.class).asString(), STRING_MAP);
    Map<String, String> metadata = new TreeMap<>(json.readValue(row.get("metadata", Json.class).asString(),
        STRING_MAP));
    String id = row.get("id", String.class);
    IntentStatus status = IntentStatus.fromWireName(row.get("status", String.class));
    // A listing shows no token: it neither decrypts one nor logs one it could not.
    String token = withTokens ? token(id, status, row.get("payment_token", byte[].class),
        row.get("payment_token_key", String.class), method.get("token")) : null;
    return new IntentRow(
        id,
        row.get("merchant_id", String.class),
        status,
        new Money(Objects.requireNonNull(row.get("amount", Long.class)), row.get("currency", String.class)),
        withTokens
            ? storedTokens.decode(new PaymentMethod(method.get("type"), null, method.get("country")), token)
            : new PaymentMethod(method.get("type"), null, method.get("country")),
        row.get("reference", String.class),
        metadata,
        row.get("failure_code", String.class),
        row.get("unresolved_reason", String.class),
        row.get("deadline", Instant.class),
        Objects.requireNonNull(row.get("version", Long.class)),
        Objects.requireNonNull(row.get("check_count", Integer.class)),
        row.get("next_check_at", Instant.class),
        row.get("created_at", Instant.class),
        row.get("updated_at", Instant.class),
        parseInstant(row.get("parked_since", String.class)),
        CaptureMethod.valueOf(row.get("capture_method", String.class).toUpperCase(Locale.ROOT)),
        row.get("description", String.class));
  }

  private static Instant parseInstant(String text) {
    return text == null ? null : Instant.parse(text);
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
      Instant updatedAt,
      Instant parkedSince,
      CaptureMethod captureMethod,
      String description) {

    PaymentIntent toIntent(List<Attempt> attempts, List<Modification> modifications) {
      return new PaymentIntent(id, merchantId, amount, method, reference, metadata, status, attempts, failureCode,
          unresolvedReason, deadline, createdAt, updatedAt, parkedSince, captureMethod, modifications, description);
    }
  }
}
