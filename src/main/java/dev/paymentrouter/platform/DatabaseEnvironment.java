package dev.paymentrouter.platform;

import io.r2dbc.spi.ConnectionFactoryOptions;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * One database setting for everything: from {@code spring.r2dbc.url} (+ username, password) it derives the JDBC
 * settings Flyway needs, unless they are given. Without any database URL the application refuses to start:
 * production never falls back to an embedded database.
 */
public final class DatabaseEnvironment implements EnvironmentPostProcessor {

  static final String SOURCE = "paymentRouterDerivedDatabase";

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
    String r2dbcUrl = environment.getProperty("spring.r2dbc.url");
    if (r2dbcUrl == null || r2dbcUrl.isBlank()) {
      throw new DatabaseNotConfiguredException();
    }
    Map<String, Object> derived = new HashMap<>();
    if (environment.getProperty("spring.flyway.url") == null) {
      derived.put("spring.flyway.url", jdbcUrl(r2dbcUrl));
      String user = environment.getProperty("spring.r2dbc.username",
          optionString(r2dbcUrl, ConnectionFactoryOptions.USER));
      String password = environment.getProperty("spring.r2dbc.password",
          optionString(r2dbcUrl, ConnectionFactoryOptions.PASSWORD));
      if (user != null && environment.getProperty("spring.flyway.user") == null) {
        derived.put("spring.flyway.user", user);
      }
      if (password != null && environment.getProperty("spring.flyway.password") == null) {
        derived.put("spring.flyway.password", password);
      }
    }
    if (!derived.isEmpty()) {
      environment.getPropertySources().addLast(new MapPropertySource(SOURCE, derived));
    }
  }

  /** {@code r2dbc:postgresql://host:port/db?opts} to {@code jdbc:postgresql://host:port/db?opts}. */
  static String jdbcUrl(String r2dbcUrl) {
    ConnectionFactoryOptions options = ConnectionFactoryOptions.parse(r2dbcUrl);
    Object driver = options.getValue(ConnectionFactoryOptions.DRIVER);
    if (!"postgresql".equals(driver) && !"postgres".equals(driver)) {
      throw new IllegalStateException("spring.r2dbc.url must use the postgresql driver, not " + driver);
    }
    StringBuilder url = new StringBuilder("jdbc:postgresql://").append(options.getRequiredValue(
        ConnectionFactoryOptions.HOST));
    Object port = options.getValue(ConnectionFactoryOptions.PORT);
    if (port != null) {
      url.append(':').append(port);
    }
    Object database = options.getValue(ConnectionFactoryOptions.DATABASE);
    url.append('/').append(database == null ? "" : database);
    int query = r2dbcUrl.indexOf('?');
    if (query >= 0) {
      url.append(r2dbcUrl.substring(query));
    }
    return url.toString();
  }

  private static String optionString(String r2dbcUrl, io.r2dbc.spi.Option<?> option) {
    Object value = ConnectionFactoryOptions.parse(r2dbcUrl).getValue(option);
    return value == null ? null : value.toString();
  }

  /** Start-up without a database URL. */
  public static final class DatabaseNotConfiguredException extends IllegalStateException {
    DatabaseNotConfiguredException() {
      super("No database configured: set spring.r2dbc.url (environment SPRING_R2DBC_URL, e.g. "
          + "r2dbc:postgresql://db:5432/payment_router) with SPRING_R2DBC_USERNAME and SPRING_R2DBC_PASSWORD. "
          + "The embedded database exists only in local mode (./mvnw spring-boot:run).");
    }
  }
}
