package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.platform.PageQuery;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The merchants' events as the outbox holds them: one by id, or a page newest first (ids grow with time). */
public final class OutboxReader {

  /** An event: its id ({@code evt_...}), type, the resource it carries, when it happened. */
  public record StoredEvent(String id, String type, JsonNode data, Instant createdAt) {}

  /** A page of events, newest first. */
  public record EventPage(List<StoredEvent> data, boolean hasMore) {}

  private final DatabaseClient db;
  private final JsonMapper json;

  public OutboxReader(DatabaseClient db, JsonMapper json) {
    this.db = db;
    this.json = json;
  }

  /** The merchant's event with this id, if any. */
  public Mono<StoredEvent> find(String merchantId, String eventId) {
    return db.sql("select id, type, data, created_at from webhook_events where merchant_id = $1 and id = $2")
        .bind(0, merchantId)
        .bind(1, eventId)
        .map(this::event)
        .one();
  }

  /** A page of the merchant's events, of one type when {@code type} is set, after {@code startingAfter} when set. */
  public Mono<EventPage> list(String merchantId, String type, int limit, String startingAfter) {
    List<Object> values = new ArrayList<>();
    values.add(merchantId);
    StringBuilder sql = new StringBuilder(
        "select id, type, data, created_at from webhook_events where merchant_id = $1");
    if (type != null) {
      values.add(type);
      sql.append(" and type = $").append(values.size());
    }
    if (startingAfter != null) {
      values.add(startingAfter);
      sql.append(" and id < $").append(values.size());
    }
    values.add(limit + 1);
    sql.append(" order by id desc limit $").append(values.size());
    return PageQuery.read(db, sql.toString(), values, limit, this::event)
        .map(slice -> new EventPage(slice.rows(), slice.hasMore()));
  }

  private StoredEvent event(Readable row) {
    return new StoredEvent(row.get("id", String.class), row.get("type", String.class),
        json.readTree(row.get("data", Json.class).asString()), row.get("created_at", Instant.class));
  }
}
