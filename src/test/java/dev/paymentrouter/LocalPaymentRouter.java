package dev.paymentrouter;

import dev.paymentrouter.simulator.ProviderSimulator;
import dev.paymentrouter.simulator.SimulatorBehaviour;
import dev.paymentrouter.simulator.SimulatorDialect;
import dev.paymentrouter.simulator.SimulatorSettings;
import dev.paymentrouter.testsupport.EmbeddedDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Local mode, started by {@code ./mvnw spring-boot:run}: an embedded PostgreSQL (data under
 * {@code target/local-postgres}; the router keeps the key of its card tokens beside it, in
 * {@code target/local-token-encryption.key}), three simulated providers of different character on ports 9101-9103,
 * one per dialect (alpha speaks Stripe's API and is reached through the Stripe connector, beta Adyen's through the
 * Adyen connector, gamma the simulator's own), a demo merchant whose API key is printed, a local operator whose token
 * is printed, and the router on port 8080 or {@code server.port} (its management port, 8081, on 127.0.0.1 only, and its
 * Stripe-compatible API on 8082, whose base URL is printed); the Stripe and Adyen simulators send their webhooks to the
 * router's port. Lives on the test classpath
 * so that the packaged application never contains an embedded database.
 */
public final class LocalPaymentRouter {

  /** The simulated providers' credentials: public, and good for these simulators only. */
  static final String PROVIDER_KEY = "sk_test_localSimulatedProviders";
  static final String MERCHANT_ACCOUNT = "LocalModeECOM";
  /**
   * The webhook secrets both sides share, public like the keys above: alpha signs Stripe's way with the endpoint
   * secret, beta Adyen's way with the hex HMAC key. Beta's captures, cancels and refunds stay pending until its
   * notification confirms them, as at Adyen.
   */
  static final String STRIPE_WEBHOOK_SECRET = "whsec_localSimulatedProviders";
  static final String ADYEN_HMAC_KEY = "4C4F43414C4D4F44455349474E494E474B4559464F5253494D554C41544F5221";
  /** The router's port when nothing sets {@code server.port}. */
  static final int DEFAULT_ROUTER_PORT = 8080;

  private LocalPaymentRouter() {}

  /**
   * The port the router will listen on, found before it starts: the simulators start first and send their webhooks
   * there, so they are told it, not asked. {@code server.port} as Spring resolves it from these arguments, system
   * properties, the environment and the application's config files (profiles included), else 8080; for 0 (any
   * port) a free one is chosen here, and {@link #main} gives the router that one.
   */
  static int routerPort(String[] args) {
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().addFirst(new SimpleCommandLinePropertySource(args));
    ConfigDataEnvironmentPostProcessor.applyTo(environment);
    int port = Binder.get(environment).bind("server.port", Integer.class).orElse(DEFAULT_ROUTER_PORT);
    return port == 0 ? freeLoopbackPort() : port;
  }

  private static int freeLoopbackPort() {
    try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A simulator of local mode on {@code port}; the Stripe and Adyen ones notify a router on {@code routerPort}. */
  static SimulatorSettings provider(String name, int port, SimulatorDialect dialect, int routerPort) {
    SimulatorSettings settings = SimulatorSettings.local(name).withPort(port).withDialect(dialect)
        .withApiKey(PROVIDER_KEY).withMerchantAccount(MERCHANT_ACCOUNT);
    return switch (dialect) {
      case STRIPE -> settings.withNotifications(webhookUrl(routerPort, "stripe", name), STRIPE_WEBHOOK_SECRET);
      case ADYEN -> settings.withNotifications(webhookUrl(routerPort, "adyen", name), ADYEN_HMAC_KEY);
      case NATIVE -> settings;
    };
  }

  private static URI webhookUrl(int routerPort, String dialect, String provider) {
    return URI.create("http://127.0.0.1:" + routerPort + "/webhooks/" + dialect + "/" + provider);
  }

  public static void main(String[] args) {
    int routerPort = routerPort(args);
    EmbeddedDatabase database = EmbeddedDatabase.start(Path.of("target", "local-postgres"), true, true);
    List<ProviderSimulator> simulators = List.of(
        // alpha: Stripe's API, fast and reliable, the default first choice
        ProviderSimulator.start(provider("alpha", 9101, SimulatorDialect.STRIPE, routerPort)
            .withBehaviour(SimulatorBehaviour.reliable().withLatencyMs(20).withLatencyJitterMs(20))),
        // beta: Adyen's API, slower, declines some cards that carry no magic token
        ProviderSimulator.start(provider("beta", 9102, SimulatorDialect.ADYEN, routerPort)
            .withBehaviour(SimulatorBehaviour.reliable().withLatencyMs(80).withLatencyJitterMs(80)
                .withDeclineRate(0.05))),
        // gamma: the simulator's own API, quick but strictly rate limited and sometimes unavailable
        ProviderSimulator.start(provider("gamma", 9103, SimulatorDialect.NATIVE, routerPort)
            .withBehaviour(SimulatorBehaviour.reliable().withLatencyMs(10).withRateLimitPerSecond(20)
                .withUnavailableRate(0.02))));

    Map<String, Object> properties = new LinkedHashMap<>(database.springProperties());
    for (ProviderSimulator simulator : simulators) {
      String prefix = "payment-router.providers." + simulator.name() + ".";
      properties.put(prefix + "type", simulator.dialect() == SimulatorDialect.NATIVE
          ? "simulator" : simulator.dialect().wireName());
      properties.put(prefix + "base-url", simulator.baseUrl());
      properties.put(prefix + "api-key", PROVIDER_KEY);
      if (simulator.dialect() == SimulatorDialect.ADYEN) {
        properties.put(prefix + "merchant-account", MERCHANT_ACCOUNT);
        properties.put(prefix + "webhook-hmac-keys[0]", ADYEN_HMAC_KEY);
      }
      if (simulator.dialect() == SimulatorDialect.STRIPE) {
        properties.put(prefix + "webhook-secrets[0]", STRIPE_WEBHOOK_SECRET);
      }
    }
    properties.put("payment-router.routing.default", "alpha,beta,gamma");
    properties.put("payment-router.local-mode", "true");
    properties.put("payment-router.demo-merchant.enabled", "true");
    properties.put("server.address", "127.0.0.1");
    // Health, metrics and the operator endpoints (management.server.port, 8081) are for this machine only.
    properties.put("management.server.address", "127.0.0.1");

    SpringApplicationBuilder application = new SpringApplicationBuilder(PaymentRouterApplication.class)
        .properties(properties)
        // Above every other source: the port the simulators were told (the one chosen for server.port=0 too).
        .initializers(starting -> starting.getEnvironment().getPropertySources().addFirst(
            new MapPropertySource("local-router-port", Map.of("server.port", routerPort))))
        .registerShutdownHook(false);
    ConfigurableApplicationContext context = application.run(args);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      // The router first, so that it finishes its intents while providers and database are still there.
      context.close();
      simulators.forEach(ProviderSimulator::close);
      database.close();
    }, "local-shutdown"));
    System.out.println("Providers: alpha (Stripe's API) on 9101, beta (Adyen's API) on 9102, gamma (the simulator's "
        + "own) on 9103; tokens like tok_visa go to alpha and gamma, beta needs Adyen's form, e.g. "
        + "\"tokens\": {\"beta\": \"shopper-1:tok_visa\"}");
    System.out.println("payment-router is listening on http://127.0.0.1:"
        + context.getEnvironment().getProperty("local.server.port") + " (operators: http://127.0.0.1:"
        + context.getEnvironment().getProperty("local.management.port") + "/actuator)");
    String stripePort = context.getEnvironment().getProperty("local.stripe-api.port");
    if (stripePort != null) {
      System.out.println("Stripe-compatible API on http://127.0.0.1:" + stripePort + " with the same API key: "
          + "Java setApiBase(\"http://127.0.0.1:" + stripePort + "\"), Node {host: '127.0.0.1', port: " + stripePort
          + ", protocol: 'http'}, Python stripe.api_base = \"http://127.0.0.1:" + stripePort + "\"");
    }
  }
}
