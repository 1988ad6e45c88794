package dev.paymentrouter.testsupport;

import dev.paymentrouter.merchant.domain.ApiKeys;
import dev.paymentrouter.merchant.domain.Merchant;
import dev.paymentrouter.merchant.runtime.MerchantStore;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;

/**
 * Base of tests that run the whole router on a random port against the shared database and simulators. Breakers
 * need 1,000 calls before they judge a provider, so that tests which make a provider fail now and then do not
 * change the routing of the tests after them; tests of the breaker set their own thresholds.
 *
 * <p>{@link #client} talks to the API port; {@link #management} to the management port (random as well, read from
 * {@code local.management.port}), and {@link #operator} to it with the test operator's token.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@TestPropertySource(properties = {
    // A random port, on loopback: the management server does not take server.address over, it binds to every
    // interface unless told otherwise.
    "management.server.port=0",
    "management.server.address=127.0.0.1",
    // Cached contexts close together when the test JVM exits; each one's Netty event loops would wait their 2 s
    // quiet period one after the other, and 30-odd contexts outlast Surefire's 30 s exit timeout.
    "spring.reactor.netty.shutdown-quiet-period=0s",
    "payment-router.operator.tokens." + RouterIntegrationTest.OPERATOR + "=" + RouterIntegrationTest.OPERATOR_TOKEN,
    "payment-router.providers.alpha.circuit-breaker.sliding-window-size=1000",
    "payment-router.providers.alpha.circuit-breaker.minimum-calls=1000",
    "payment-router.providers.beta.circuit-breaker.sliding-window-size=1000",
    "payment-router.providers.beta.circuit-breaker.minimum-calls=1000",
    "payment-router.providers.gamma.circuit-breaker.sliding-window-size=1000",
    "payment-router.providers.gamma.circuit-breaker.minimum-calls=1000"
})
public abstract class RouterIntegrationTest {

  private static final AtomicLong MERCHANTS = new AtomicLong();
  private static final SplittableRandom RANDOM = new SplittableRandom();

  /** The operator the tests act as, and their token. */
  protected static final String OPERATOR = "test-operator";
  protected static final String OPERATOR_TOKEN = "op_test_operator_token_0123456789";

  /** The API port. */
  protected WebTestClient client;

  @Value("${local.server.port}")
  int serverPort;

  /** The management port, anonymous. */
  protected WebTestClient management;

  /** The management port, as {@link #OPERATOR}. */
  protected WebTestClient operator;

  /** Where {@link #management} goes: the API's own port when a test shares it with the endpoints. */
  @Value("${local.management.port:${local.server.port}}")
  protected int managementPort;

  @Autowired
  protected MerchantStore merchants;

  @Autowired
  protected DatabaseClient db;

  static {
    TestEnvironment.publish();
  }

  /** Each application context gets a database of its own (see {@link TestEnvironment#isolatedDatabase()}). */
  @DynamicPropertySource
  static void isolatedDatabase(DynamicPropertyRegistry registry) {
    TestEnvironment.isolatedDatabase().forEach((key, value) -> registry.add(key, () -> value));
  }

  @BeforeEach
  void resetProviders() {
    TestEnvironment.resetSimulators();
    client = http("http://127.0.0.1:" + serverPort);
    management = http("http://127.0.0.1:" + managementPort);
    operator = management.mutate().defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + OPERATOR_TOKEN).build();
  }

  /**
   * A client of one port. Every response body is read in full and released as soon as it arrives: a test that
   * asserts only the status never reads the body, and WebTestClient then leaves its Netty buffers unreleased, which
   * Netty's paranoid leak detection (on in every test run) reports, rightly, as a leak.
   */
  public static WebTestClient http(String baseUrl) {
    return WebTestClient.bindToServer(new ReactorClientHttpConnector(HttpClient.create()))
        .baseUrl(baseUrl)
        .responseTimeout(Duration.ofSeconds(30))
        .filter(ExchangeFilterFunction.ofResponseProcessor(response -> response.bodyToMono(byte[].class)
            .defaultIfEmpty(new byte[0])
            .map(bytes -> response.mutate()
                .body(Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(bytes)))
                .build())))
        .build();
  }

  /** A fresh merchant; returns its API key. */
  protected String newMerchant() {
    return newMerchant("m_" + getClass().getSimpleName() + "_" + MERCHANTS.incrementAndGet() + "_" + System.nanoTime());
  }

  /** A fresh merchant with this id; returns its API key. */
  protected String newMerchant(String id) {
    String key = ApiKeys.generate(RANDOM.split());
    merchants.ensureMerchant(new Merchant(id, id))
        .then(merchants.addKey(id, ApiKeys.hash(key), ApiKeys.displayPrefix(key)))
        .block(Duration.ofSeconds(10));
    return key;
  }

  /** Rows in a table, as a check that nothing was written. */
  protected long count(String table) {
    return db.sql("select count(*) as n from " + table).map(row -> row.get("n", Long.class)).one()
        .block(Duration.ofSeconds(10));
  }

  /** Rows of this table for a merchant's intents. */
  protected long countIntentsOf(String apiKey) {
    return db.sql("""
            select count(*) as n from payment_intents i join api_keys k on k.merchant_id = i.merchant_id
             where k.key_hash = :hash""")
        .bind("hash", ApiKeys.hash(apiKey))
        .map(row -> row.get("n", Long.class))
        .one()
        .block(Duration.ofSeconds(10));
  }
}
