package dev.paymentrouter.chaos;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.EmptyWebhookSecretException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * A merchant's webhook receiver for the delivery run, on a fixed loopback port so that it can go down (connections
 * refused) and come back. It verifies every delivery with the Standard Webhooks reference library, answers the first
 * try of some events 503 (so that retries happen), and keeps what it saw: tries and acceptances per {@code webhook-id}
 * and any id that was in flight on two requests at the same moment.
 */
final class WebhookReceiver implements AutoCloseable {

  private final int port;
  private final Webhook verifier;
  private final Predicate<String> refuseFirstTry;
  private final ExecutorService executor = Executors.newFixedThreadPool(16, MerchantLoad.daemon("webhook-receiver-"));
  private final Map<String, Integer> tries = new ConcurrentHashMap<>();
  private final Map<String, Integer> accepted = new ConcurrentHashMap<>();
  private final Map<String, Integer> inFlight = new ConcurrentHashMap<>();
  private final List<String> overlaps = new CopyOnWriteArrayList<>();
  private final List<String> badSignatures = new CopyOnWriteArrayList<>();
  private final LongAdder requests = new LongAdder();
  private HttpServer server;

  /** {@code refuseFirstTry}: the event ids whose first try is answered 503. */
  WebhookReceiver(int port, String secret, Predicate<String> refuseFirstTry) {
    this.port = port;
    try {
      this.verifier = new Webhook(secret);
    } catch (EmptyWebhookSecretException e) {
      throw new IllegalArgumentException("no secret", e);
    }
    this.refuseFirstTry = refuseFirstTry;
  }

  /** Starts taking requests; retries the bind for a while, as the port of a receiver just stopped may linger. */
  synchronized void up() throws InterruptedException {
    for (int tries = 0; server == null; tries++) {
      try {
        HttpServer started = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        started.createContext("/", this::handle);
        started.setExecutor(executor);
        started.start();
        server = started;
      } catch (BindException busy) {
        if (tries > 50) {
          throw new UncheckedIOException(busy);
        }
        Thread.sleep(200);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Stops at once: connections are refused until {@link #up}. */
  synchronized void down() {
    if (server != null) {
      server.stop(0);
      server = null;
    }
  }

  @Override
  public void close() {
    down();
    executor.shutdownNow();
  }

  /** Requests taken, answered or not. */
  long requests() {
    return requests.sum();
  }

  /** Per event id, how many requests carried it. */
  Map<String, Integer> tries() {
    return Map.copyOf(tries);
  }

  /** Per event id, how many of its requests were answered 2xx. */
  Map<String, Integer> accepted() {
    return Map.copyOf(accepted);
  }

  /** Event ids that arrived while a request of the same id was still in flight. */
  List<String> overlaps() {
    return List.copyOf(overlaps);
  }

  /** Event ids whose signature the reference library refused. */
  List<String> badSignatures() {
    return List.copyOf(badSignatures);
  }

  private void handle(HttpExchange exchange) throws IOException {
    requests.increment();
    String body;
    try (InputStream in = exchange.getRequestBody()) {
      body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String id = String.valueOf(exchange.getRequestHeaders().getFirst("webhook-id"));
    if (inFlight.merge(id, 1, Integer::sum) > 1) {
      overlaps.add(id);
    }
    int status;
    try {
      verifier.verify(body, HttpHeaders.of(exchange.getRequestHeaders(), (name, value) -> true));
      boolean first = tries.merge(id, 1, Integer::sum) == 1;
      // A little work per delivery, so that a second send of the same id meanwhile would be seen.
      Thread.sleep(5);
      status = first && refuseFirstTry.test(id) ? 503 : 204;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      status = 503;
    } catch (Exception badSignature) {
      badSignatures.add(id);
      status = 400;
    } finally {
      inFlight.merge(id, -1, Integer::sum);
    }
    if (status == 204) {
      accepted.merge(id, 1, Integer::sum);
    }
    exchange.sendResponseHeaders(status, -1);
    exchange.close();
  }
}
