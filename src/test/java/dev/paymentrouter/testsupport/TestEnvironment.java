package dev.paymentrouter.testsupport;

import dev.paymentrouter.simulator.ProviderSimulator;
import dev.paymentrouter.simulator.SimulatorBehaviour;
import dev.paymentrouter.simulator.SimulatorSettings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every integration test runs against, started once per test JVM: one embedded PostgreSQL and three provider
 * simulators (alpha, beta, gamma) on random loopback ports.
 */
public final class TestEnvironment {

  /** The token-encryption key id of every test router. */
  public static final String TOKEN_KEY_ID = "test";

  /** The token-encryption key of every test router (base64 of 32 bytes); fixed, so restarts can read old rows. */
  public static final String TOKEN_KEY = "dGVzdC1rZXktZm9yLXBheW1lbnQtdG9rZW5zLTMyYnk=";

  private static EmbeddedDatabase database;
  private static Map<String, ProviderSimulator> simulators;

  private TestEnvironment() {}

  /** The shared database. */
  public static synchronized EmbeddedDatabase database() {
    if (database == null) {
      database = EmbeddedDatabase.start(Path.of("target", "test-postgres"), false, false);
      Runtime.getRuntime().addShutdownHook(new Thread(database::close, "test-postgres-stop"));
    }
    return database;
  }

  private static final java.util.concurrent.atomic.AtomicInteger DATABASES =
      new java.util.concurrent.atomic.AtomicInteger();

  /**
   * A fresh database for one application context: each context runs its own sentinel, which would otherwise take
   * over the intents of the tests of other contexts.
   */
  public static Map<String, Object> isolatedDatabase() {
    String name = database().createDatabase("router_" + DATABASES.incrementAndGet());
    return database().springProperties(name);
  }

  /** The JDBC URL of the database named in {@code properties}. */
  public static String jdbcUrl(Map<String, Object> properties) {
    return properties.get("spring.flyway.url").toString();
  }

  /** The shared simulators by name. */
  public static synchronized Map<String, ProviderSimulator> simulators() {
    if (simulators == null) {
      Map<String, ProviderSimulator> started = new LinkedHashMap<>();
      for (String name : new String[] {"alpha", "beta", "gamma"}) {
        started.put(name, ProviderSimulator.start(SimulatorSettings.local(name)));
      }
      simulators = started;
    }
    return simulators;
  }

  /** One simulator. */
  public static ProviderSimulator simulator(String name) {
    return simulators().get(name);
  }

  /** Puts every simulator back to reliable behaviour and listening; keeps the ledgers. */
  public static void resetSimulators() {
    for (ProviderSimulator simulator : simulators().values()) {
      simulator.update(SimulatorBehaviour.reliable());
    }
  }

  /** The token-encryption settings of every test router: the fixed test key, active. */
  public static Map<String, String> tokenEncryption() {
    return Map.of(
        "payment-router.token-encryption.keys." + TOKEN_KEY_ID, TOKEN_KEY,
        "payment-router.token-encryption.active-key", TOKEN_KEY_ID);
  }

  /**
   * Publishes database and providers as system properties, once. The application then sees them the way it
   * sees a deployment's environment, early enough for its own start-up checks and derived settings.
   */
  public static synchronized void publish() {
    if (System.getProperty("spring.r2dbc.url") != null) {
      return;
    }
    simulators().forEach((name, simulator) -> {
      System.setProperty("payment-router.providers." + name + ".type", "simulator");
      System.setProperty("payment-router.providers." + name + ".base-url", simulator.baseUrl());
    });
    System.setProperty("server.address", "127.0.0.1");
    // System properties have no order, so the preference order is spelled out.
    System.setProperty("payment-router.routing.default", "alpha,beta,gamma");
    tokenEncryption().forEach(System::setProperty);
    database().springProperties().forEach((key, value) -> System.setProperty(key, value.toString()));
  }
}
