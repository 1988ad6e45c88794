package dev.paymentrouter.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** An embedded PostgreSQL on loopback, for local mode and tests; binaries and data stay under {@code target/}. */
public final class EmbeddedDatabase implements AutoCloseable {

  private final EmbeddedPostgres postgres;

  private EmbeddedDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /**
   * Starts PostgreSQL with its data in {@code dataDirectory}.
   *
   * @param keepData reuse existing data (local mode) instead of starting empty (tests)
   * @param durable  keep fsync on; tests turn it off for speed since their data is thrown away
   */
  public static EmbeddedDatabase start(Path dataDirectory, boolean keepData, boolean durable) {
    try {
      Path work = dataDirectory.resolveSibling(dataDirectory.getFileName() + "-binaries");
      Files.createDirectories(work);
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
          .setDataDirectory(dataDirectory)
          .setCleanDataDirectory(!keepData)
          .setOverrideWorkingDirectory(work.toFile())
          .setServerConfig("listen_addresses", "127.0.0.1")
          .setServerConfig("max_connections", "200");
      if (!durable) {
        builder.setServerConfig("fsync", "off")
            .setServerConfig("synchronous_commit", "off")
            .setServerConfig("full_page_writes", "off");
      }
      return new EmbeddedDatabase(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL did not start", e);
    }
  }

  /** The port it listens on (loopback only). */
  public int port() {
    return postgres.getPort();
  }

  /** The R2DBC URL of the {@code postgres} database. */
  public String r2dbcUrl() {
    return r2dbcUrl("postgres");
  }

  /** The JDBC URL of the {@code postgres} database. */
  public String jdbcUrl() {
    return jdbcUrl("postgres");
  }

  /** The R2DBC URL of a database on this server. */
  public String r2dbcUrl(String database) {
    return "r2dbc:postgresql://127.0.0.1:" + port() + "/" + database;
  }

  /** The JDBC URL of a database on this server. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
  }

  /** Creates an empty database and returns its name. */
  public String createDatabase(String name) {
    try (java.sql.Connection connection = java.sql.DriverManager.getConnection(jdbcUrl(), "postgres", "");
         java.sql.Statement statement = connection.createStatement()) {
      statement.execute("create database " + name);
      return name;
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("cannot create database " + name, e);
    }
  }

  /** Spring properties pointing the router (and its migrations) at one database of this server. */
  public Map<String, Object> springProperties(String database) {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("spring.r2dbc.url", r2dbcUrl(database));
    properties.put("spring.r2dbc.username", "postgres");
    properties.put("spring.r2dbc.password", "");
    properties.put("spring.flyway.url", jdbcUrl(database));
    properties.put("spring.flyway.user", "postgres");
    properties.put("spring.flyway.password", "");
    return properties;
  }

  /** Spring properties pointing the router at this database. */
  public Map<String, Object> springProperties() {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("spring.r2dbc.url", r2dbcUrl());
    properties.put("spring.r2dbc.username", "postgres");
    properties.put("spring.r2dbc.password", "");
    return properties;
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
