package dev.paymentrouter.simulator;

import io.netty.buffer.Unpooled;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;
import reactor.util.Logger;
import reactor.util.Loggers;
import reactor.util.retry.Retry;

/**
 * Posts a simulated provider's webhook notifications to one target, after the fact and off the request path: each
 * recorded charge or modification is queued (bounded; a full queue drops it and counts it), sent after a small delay
 * so the API answer usually arrives first as with a real provider, and retried once. A real provider retries for
 * days; the router does not depend on a notification arriving (its reconciliation asks), so one retry is enough to
 * ride out a receiver that was busy, and a lost notification is what the router must survive anyway.
 */
final class SimulatorNotifier implements LedgerListener {

  /** What the notifier did since start; never reset, so a test can wait for a count. */
  record Counts(long sent, long failed, long dropped) {}

  static final int CAPACITY = 1_000;
  static final Duration DELAY = Duration.ofMillis(50);
  private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(5);
  private static final int MAX_CONNECTIONS = 4;
  private static final Logger LOG = Loggers.getLogger(SimulatorNotifier.class);

  private final String name;
  private final int capacity;
  private final URI target;
  private final WebhookDialect webhooks;
  private final Clock clock;
  private final AtomicInteger queued = new AtomicInteger();
  private final LongAdder sent = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final Object clientLock = new Object();

  private boolean open = true;
  private LoopResources loops;
  private ConnectionProvider connections;
  private HttpClient client;

  SimulatorNotifier(String name, URI target, WebhookDialect webhooks, Clock clock) {
    this(name, target, webhooks, clock, CAPACITY);
  }

  SimulatorNotifier(String name, URI target, WebhookDialect webhooks, Clock clock, int capacity) {
    this.name = name;
    this.capacity = capacity;
    this.target = target;
    this.webhooks = webhooks;
    this.clock = clock;
  }

  @Override
  public void charged(SimulatorLedger.Entry entry) {
    try {
      webhooks.charged(entry).ifPresent(this::enqueue);
    } catch (RuntimeException e) {
      // A rendering bug must not fail the provider's decision: the charge is recorded either way.
      LOG.error("Provider simulator " + name + " could not render a notification", e);
    }
  }

  @Override
  public void modified(SimulatorLedger.ModificationEntry entry) {
    try {
      webhooks.modified(entry).ifPresent(this::enqueue);
    } catch (RuntimeException e) {
      LOG.error("Provider simulator " + name + " could not render a notification", e);
    }
  }

  Counts counts() {
    return new Counts(sent.sum(), failed.sum(), dropped.sum());
  }

  /** Sends again after {@link #close()}: the simulator was restarted. */
  void open() {
    synchronized (clientLock) {
      open = true;
    }
  }

  /**
   * Frees the connections and threads; until {@link #open()} every try fails (a provider that is down sends
   * nothing), so no delivery still waiting for its delay opens them again.
   */
  void close() {
    synchronized (clientLock) {
      open = false;
      if (client == null) {
        return;
      }
      connections.dispose();
      loops.dispose();
      client = null;
      connections = null;
      loops = null;
    }
  }

  private void enqueue(String body) {
    if (queued.incrementAndGet() > capacity) {
      queued.decrementAndGet();
      dropped.increment();
      LOG.warn("Provider simulator " + name + " dropped a notification: " + capacity + " are waiting");
      return;
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    // Each try signs anew (a Stripe signature carries its own time); the delay runs on Reactor's timer, never on
    // the thread that decided the charge.
    Mono.defer(() -> post(bytes))
        .delaySubscription(DELAY)
        .retryWhen(Retry.fixedDelay(1, DELAY))
        .doFinally(signal -> queued.decrementAndGet())
        .subscribe(status -> sent.increment(), error -> {
          failed.increment();
          // The host only: a target URL may carry credentials in its user info.
          LOG.warn("Provider simulator " + name + " could not deliver a notification to " + target.getHost() + ": "
              + (error.getCause() == null ? error : error.getCause()));
        });
  }

  private Mono<Integer> post(byte[] body) {
    return client()
        .headers(headers -> webhooks.headers(body, clock.instant()).forEach(headers::set))
        .post()
        .uri(target)
        .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body)))
        // The receiver's answer is read to the end (and released) whatever it is; only a 2xx counts as delivered.
        .responseSingle((response, content) -> content.asString().defaultIfEmpty("")
            .map(ignored -> response.status().code()))
        .flatMap(status -> status >= 200 && status < 300 ? Mono.just(status)
            : Mono.error(new IllegalStateException("the receiver answered " + status)));
  }

  private HttpClient client() {
    synchronized (clientLock) {
      if (!open) {
        throw new IllegalStateException("the simulator is closed");
      }
      if (client == null) {
        // Own resources, as the server has: a Spring context shutting down disposes Reactor Netty's global ones.
        loops = LoopResources.create("sim-notify-" + name, 1, true);
        connections = ConnectionProvider.create("sim-notify-" + name, MAX_CONNECTIONS);
        client = HttpClient.create(connections).runOn(loops).responseTimeout(RESPONSE_TIMEOUT);
      }
      return client;
    }
  }
}
