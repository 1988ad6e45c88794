package dev.paymentrouter.simulator;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * A fake payment service provider on a real HTTP port, with magic tokens, injected faults and a ledger, speaking
 * one provider's wire format ({@link SimulatorDialect}). This class is the server and its lifecycle; the
 * {@link SimulatorEngine} decides, a {@link Dialect} translates, {@link SimulatorAdmin} serves {@code /_sim/*}.
 *
 * <p>Charge processing order, in every dialect: availability, authentication, rate limit, request validation,
 * idempotency replay, latency, outcome.
 *
 * <p>{@link #start}, {@link #close} and {@link #restart} wait for the socket to be bound or released, so
 * call them from a test or main thread, not from an event loop.
 */
public final class ProviderSimulator implements AutoCloseable {

  private static final Logger LOG = Loggers.getLogger(ProviderSimulator.class);
  private static final Duration LIFECYCLE_TIMEOUT = Duration.ofSeconds(10);
  /** Streams one HTTP/2 connection may carry at once: more than a router's client opens (it keeps to fewer). */
  private static final int MAX_CONCURRENT_STREAMS = 1000;

  private final SimulatorSettings settings;
  private final SimulatorEngine engine;
  private final Dialect dialect;
  private final SimulatorAdmin admin;
  private final SimulatorNotifier notifier;
  private final Set<Channel> openChannels = ConcurrentHashMap.newKeySet();
  private final Object lifecycleLock = new Object();

  private volatile int port;
  private DisposableServer server;
  private LoopResources loops;

  private ProviderSimulator(SimulatorSettings settings, Clock clock, RandomGenerator random) {
    this.settings = settings;
    this.engine = new SimulatorEngine(settings.name(), settings.behaviour(), clock, random);
    this.dialect = Dialect.of(settings, engine);
    this.admin = new SimulatorAdmin(engine, settings.dialect());
    WebhookDialect webhooks = settings.notificationTarget() == null ? null : WebhookDialect.of(settings, engine);
    this.notifier = webhooks == null ? null
        : new SimulatorNotifier(settings.name(), settings.notificationTarget(), webhooks, clock);
    engine.listen(notifier);
    this.port = settings.port();
  }

  /** Starts a simulator on the system clock with an unseeded random generator. */
  public static ProviderSimulator start(SimulatorSettings settings) {
    return start(settings, Clock.systemUTC(), RandomGenerator.getDefault());
  }

  /** Starts a simulator whose timestamps, rate-limit refill and random outcomes come from the given sources. */
  public static ProviderSimulator start(SimulatorSettings settings, Clock clock, RandomGenerator random) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(random, "random");
    ProviderSimulator simulator = new ProviderSimulator(settings, clock, random);
    synchronized (simulator.lifecycleLock) {
      simulator.bind();
    }
    return simulator;
  }

  /** The bound port; still the last one after {@link #close()}. */
  public int port() {
    return port;
  }

  /** {@code http://host:port}, with a wildcard bind address replaced by the loopback one. */
  public String baseUrl() {
    String host = settings.host();
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0")) {
      host = "127.0.0.1";
    } else if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + port;
  }

  public String name() {
    return settings.name();
  }

  /** The wire format this simulator speaks. */
  public SimulatorDialect dialect() {
    return settings.dialect();
  }

  public SimulatorLedger ledger() {
    return engine.ledger();
  }

  public SimulatorBehaviour behaviour() {
    return engine.behaviour();
  }

  /** Counters since start or the last {@link #reset()}. */
  public SimulatorStats stats() {
    return engine.stats();
  }

  /** Charge requests past validation whose outcome is not decided yet; lets tests wait for that state. */
  int inFlightCount() {
    return engine.inFlightCount();
  }

  /** What the webhook notifier sent, failed to send and dropped; all zero without a notification target. */
  SimulatorNotifier.Counts notificationCounts() {
    return notifier == null ? new SimulatorNotifier.Counts(0, 0, 0) : notifier.counts();
  }

  /** Clears the ledger, the stored idempotent answers and the counters, like {@code POST /_sim/reset}. */
  public void reset() {
    engine.reset();
  }

  /** Replaces the behaviour for requests that arrive from now on; a new rate limit starts with a full bucket. */
  public void update(SimulatorBehaviour next) {
    engine.update(next);
  }

  /**
   * Stops listening and drops every open connection, so callers see refused connections and resets, like a
   * provider outage. Safe to call twice.
   */
  @Override
  public void close() {
    synchronized (lifecycleLock) {
      if (server == null) {
        return;
      }
      if (notifier != null) {
        notifier.close();
      }
      DisposableServer closingServer = server;
      LoopResources closingLoops = loops;
      server = null;
      loops = null;
      boolean mayBlock = !Schedulers.isInNonBlockingThread();
      if (mayBlock) {
        closingServer.disposeNow(LIFECYCLE_TIMEOUT);
      } else {
        closingServer.dispose();
      }
      // Disposing the server only closes the listening socket; pooled keep-alive connections stay open.
      openChannels.forEach(Channel::close);
      Mono<Void> loopsDisposed = closingLoops.disposeLater(Duration.ZERO, LIFECYCLE_TIMEOUT);
      if (mayBlock) {
        loopsDisposed.block(LIFECYCLE_TIMEOUT.multipliedBy(2));
      } else {
        loopsDisposed.subscribe();
      }
    }
  }

  /** Binds again on the same port, closing first if still running. Ledger, stored answers, counters survive. */
  public void restart() {
    synchronized (lifecycleLock) {
      close();
      bind();
    }
  }

  private void bind() {
    // Own event loops: a Spring context shutting down disposes Reactor Netty's global ones.
    LoopResources newLoops = LoopResources.create("sim-" + settings.name(), 1, 2, true);
    try {
      server = HttpServer.create()
          .runOn(newLoops)
          .host(settings.host())
          .port(port)
          .option(ChannelOption.SO_REUSEADDR, true)
          // HTTP/1.1 as before, and h2c (prior knowledge) for routers told that this provider speaks HTTP/2.
          .protocol(HttpProtocol.HTTP11, HttpProtocol.H2C)
          .http2Settings(h2 -> h2.maxConcurrentStreams(MAX_CONCURRENT_STREAMS))
          .doOnConnection(connection -> track(connection.channel()))
          .handle(this::handle)
          .bindNow(LIFECYCLE_TIMEOUT);
    } catch (RuntimeException e) {
      newLoops.dispose();
      throw e;
    }
    loops = newLoops;
    port = server.port();
    if (notifier != null) {
      notifier.open();
    }
  }

  private void track(Channel stream) {
    // Over HTTP/2 each request is a stream of its own channel; an outage must drop the connection that carries it.
    Channel channel = stream.parent() == null ? stream : stream.parent();
    if (!openChannels.add(channel)) {
      return;
    }
    channel.closeFuture().addListener(future -> openChannels.remove(channel));
  }

  private Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
    return Mono.defer(() -> route(request, response))
        .onErrorResume(error -> {
          LOG.error("Provider simulator " + settings.name() + " failed on " + request.method() + " "
              + new QueryStringDecoder(request.uri()).path(), error);
          return response.hasSentHeaders() ? Mono.empty() : dialect.internalError(response);
        });
  }

  private Mono<Void> route(HttpServerRequest request, HttpServerResponse response) {
    QueryStringDecoder uri = new QueryStringDecoder(request.uri());
    return admin.route(request, response, uri.path())
        .or(() -> dialect.route(request, response, uri))
        .orElseGet(() -> SimulatorHttp.body(request).then(Mono.defer(() -> dialect.notFound(response))));
  }
}
