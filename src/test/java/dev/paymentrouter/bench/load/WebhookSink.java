package dev.paymentrouter.bench.load;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;

/**
 * The webhook scenario's merchant receiver and its baseline. {@code serve <port>}: takes every POST with 204 and counts
 * it, noting the first and last arrival; {@code GET /stats} answers {@code {"received", "firstMillis", "lastMillis"}}.
 * {@code blast <url> <count> <concurrency> <bodyBytes>}: POSTs {@code count} bodies of that size to the receiver at
 * that concurrency, as fast as it takes them, and prints {@code {"count", "seconds", "perSecond"}}: what the receiver
 * and the machine allow without the router, measured in the same run as the router's delivery.
 */
public final class WebhookSink {

  private WebhookSink() {}

  public static void main(String[] args) throws InterruptedException {
    switch (args.length > 0 ? args[0] : "") {
      case "serve" -> serve(Integer.parseInt(args[1]));
      case "blast" -> blast(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
      default -> throw new IllegalArgumentException("usage: serve <port> | blast <url> <count> <concurrency> <bytes>");
    }
  }

  private static void serve(int port) throws InterruptedException {
    AtomicLong received = new AtomicLong();
    AtomicLong first = new AtomicLong();
    AtomicLong last = new AtomicLong();
    DisposableServer server = HttpServer.create().host("127.0.0.1").port(port)
        .route(routes -> routes
            .get("/stats", (request, response) -> response.header("Content-Type", "application/json")
                .sendString(Mono.fromSupplier(() -> String.format(Locale.ROOT,
                    "{\"received\": %d, \"firstMillis\": %d, \"lastMillis\": %d}", received.get(), first.get(),
                    last.get()))))
            .post("/**", (request, response) -> request.receive().then(Mono.defer(() -> {
              long now = System.currentTimeMillis();
              first.compareAndSet(0, now);
              last.set(now);
              received.incrementAndGet();
              return response.status(HttpResponseStatus.NO_CONTENT).send().then();
            }))))
        .bindNow();
    System.out.println("webhook sink listening on " + server.port());
    server.onDispose().block();
  }

  private static void blast(String url, int count, int concurrency, int bytes) {
    String body = "{\"pad\": \"" + "x".repeat(Math.max(0, bytes - 12)) + "\"}";
    ConnectionProvider pool = ConnectionProvider.builder("blast").maxConnections(concurrency).build();
    HttpClient client = HttpClient.create(pool).responseTimeout(Duration.ofSeconds(10));
    long started = System.nanoTime();
    Long ok = Flux.range(0, count)
        .flatMap(i -> client.headers(headers -> headers.set("Content-Type", "application/json"))
            .post().uri(url)
            .send(ByteBufFlux.fromString(Mono.just(body), StandardCharsets.UTF_8, io.netty.buffer.ByteBufAllocator.DEFAULT))
            .responseSingle((response, content) -> content.then(Mono.just(response.status().code())))
            .onErrorReturn(0), concurrency)
        .filter(status -> status == 204)
        .count()
        .block();
    double seconds = (System.nanoTime() - started) / 1e9;
    pool.dispose();
    System.out.printf(Locale.ROOT, "{\"count\": %d, \"seconds\": %.3f, \"perSecond\": %.1f}%n", ok, seconds,
        ok / seconds);
  }
}
