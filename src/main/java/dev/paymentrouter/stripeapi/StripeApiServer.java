package dev.paymentrouter.stripeapi;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.http.server.reactive.HttpHandler;

/**
 * The door's own HTTP server: Reactor Netty on the API's event loops, with the API server's bounds
 * ({@code MerchantApiDoor#serverBounds}) and shutdown mode, started and stopped with the API's own server. The port it bound to is
 * {@link #port()} and the property {@code local.stripe-api.port} (the one to read when it was configured as 0).
 */
final class StripeApiServer implements SmartLifecycle {

  /** The property that names the bound port once the door listens. */
  static final String PORT_PROPERTY = "local.stripe-api.port";

  private static final Logger log = LoggerFactory.getLogger(StripeApiServer.class);

  private final NettyReactiveWebServerFactory factory;
  private final HttpHandler handler;
  private final ConfigurableEnvironment environment;
  private volatile WebServer server;

  StripeApiServer(NettyReactiveWebServerFactory factory, HttpHandler handler, ConfigurableEnvironment environment) {
    this.factory = factory;
    this.handler = handler;
    this.environment = environment;
  }

  @Override
  public void start() {
    WebServer started = factory.getWebServer(handler);
    started.start();
    server = started;
    environment.getPropertySources().addFirst(new MapPropertySource("stripe-api-port",
        Map.of(PORT_PROPERTY, started.getPort())));
    log.info("Stripe-compatible API listening on port {} (a Stripe client's API base: http://<host>:{})",
        started.getPort(), started.getPort());
  }

  @Override
  public void stop() {
    WebServer running = server;
    if (running != null) {
      running.stop();
      server = null;
    }
  }

  /**
   * As the API's own server stops (with {@code server.shutdown: graceful}, Spring Boot's default): no new requests,
   * those in flight answered first, within the shutdown phase's time.
   */
  @Override
  public void stop(Runnable callback) {
    WebServer running = server;
    if (running == null) {
      callback.run();
      return;
    }
    running.shutDownGracefully(result -> {
      stop();
      callback.run();
    });
  }

  @Override
  public boolean isRunning() {
    return server != null;
  }

  /** With the API's own server: after the providers and intents are up, and stopped before them. */
  @Override
  public int getPhase() {
    return WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE;
  }

  /** The port the door listens on, or -1 while it does not. */
  int port() {
    WebServer running = server;
    return running == null ? -1 : running.getPort();
  }
}
