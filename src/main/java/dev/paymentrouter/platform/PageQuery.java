package dev.paymentrouter.platform;

import io.r2dbc.spi.Readable;
import java.util.List;
import java.util.function.Function;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import reactor.core.publisher.Mono;

/**
 * One page of a list endpoint read from PostgreSQL: a statement whose positional values ({@code $1, $2, ...}) are
 * given in order and that asks for one row more than the page holds, so that the extra row says whether more follow.
 * Every list (intents, refunds, events, webhook endpoints, deliveries) reads its pages this way.
 */
public final class PageQuery {

  /** The rows of a page, at most its limit, and whether more follow. */
  public record Slice<T>(List<T> rows, boolean hasMore) {}

  private PageQuery() {}

  /** Runs {@code sql} (which fetches at most {@code limit + 1} rows) with {@code values} bound in order. */
  public static <T> Mono<Slice<T>> read(DatabaseClient db, String sql, List<Object> values, int limit,
      Function<Readable, T> row) {
    GenericExecuteSpec spec = db.sql(sql);
    for (int i = 0; i < values.size(); i++) {
      spec = spec.bind(i, values.get(i));
    }
    return spec.map(row).all().collectList().map(rows -> rows.size() > limit
        ? new Slice<>(List.copyOf(rows.subList(0, limit)), true)
        : new Slice<>(rows, false));
  }
}
