package dev.paymentrouter.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.platform.EventLoopLag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The admission decision taken in the Netty pipeline ({@link AdmissionGate}), on a real Reactor Netty server running
 * WebFlux behind {@link AdmissionFilter}, with a fixed limit of one write held until its answer: a write beyond it is
 * answered 503 without reaching WebFlux, on a connection that stays usable, and the connection's next requests, let
 * in, are answered in full. Plain sockets, so that no client library retries or pools behind the test's back.
 */
class AdmissionGateTest {

  private final AdmissionDoor door = new AdmissionDoor(new AdmissionProperties(true,
      AdmissionProperties.Algorithm.FIXED, 1, 1, 1, AdmissionProperties.HoldUntil.ANSWER, Duration.ofSeconds(1)),
      api(), new EventLoopLag(() -> null, Duration.ofMillis(20)), new SimpleMeterRegistry());
  private final Sinks.Empty<Void> held = Sinks.empty();
  private final AtomicInteger reachedWebFlux = new AtomicInteger();
  private DisposableServer server;

  @AfterEach
  void stop() {
    held.tryEmitEmpty();
    if (server != null) {
      server.disposeNow();
    }
  }

  @Test
  void refusesBeyondTheLimitInThePipelineAndKeepsTheConnectionServing() throws IOException {
    start();
    try (Socket holder = connect(); Socket client = connect()) {
      send(holder, post("hang", "{}"));
      awaitInFlight(1);
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> reachedWebFlux.get() == 1);

      // Refused before WebFlux: 503 with Retry-After and the caller's request id, the body read and dropped.
      send(client, post("ok", "{\"amount\":1000}"));
      String refused = readAnswer(client.getInputStream()).toLowerCase();
      assertThat(refused).startsWith("http/1.1 503 ").contains("retry-after: 1").contains("x-request-id: gate-test")
          .contains("\"code\":\"overloaded\"").contains("\"instance\":\"/v1/payment-intents\"");
      assertThat(reachedWebFlux).hasValue(1);

      // Reads are never refused, and the same connection serves them.
      send(client, "GET /v1/payment-intents/pi_1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      assertThat(readAnswer(client.getInputStream())).startsWith("HTTP/1.1 200 ");

      // Once the held write is answered, the same connection's next write is let in and answered.
      held.tryEmitEmpty();
      assertThat(readAnswer(holder.getInputStream())).startsWith("HTTP/1.1 201 ");
      awaitInFlight(0);
      for (int i = 0; i < 3; i++) {
        send(client, post("ok", "{\"amount\":1000}"));
        assertThat(readAnswer(client.getInputStream())).startsWith("HTTP/1.1 201 ");
      }
      assertThat(door.admission().inFlight()).isZero();
    }
  }

  private void start() {
    // Class initialisation reads jars; done here, not on an event loop (BlockHound would fail the request).
    ServerCodecConfigurer.create();
    door.refusalBody("/");
    HttpHandler handler = WebHttpHandlerBuilder.webHandler(this::application)
        .filter(new AdmissionFilter(door)).build();
    ServerBounds bounds = new ServerBounds(new ConnectionProperties(100, 16, Duration.ofSeconds(10), 100), door);
    server = bounds.apply(HttpServer.create().host("127.0.0.1").port(0))
        .handle(new ReactorHttpHandlerAdapter(handler))
        .bindNow();
  }

  private Mono<Void> application(ServerWebExchange exchange) {
    reachedWebFlux.incrementAndGet();
    String behaviour = exchange.getRequest().getHeaders().getFirst("X-Behaviour");
    Mono<Void> bodyRead = exchange.getRequest().getBody().doOnNext(DataBufferUtils::release).then();
    if ("hang".equals(behaviour)) {
      return bodyRead.then(held.asMono()).then(status(exchange, HttpStatus.CREATED));
    }
    HttpStatus status = exchange.getRequest().getMethod().name().equals("GET") ? HttpStatus.OK : HttpStatus.CREATED;
    return bodyRead.then(status(exchange, status));
  }

  private static Mono<Void> status(ServerWebExchange exchange, HttpStatus status) {
    exchange.getResponse().setStatusCode(status);
    return exchange.getResponse().writeWith(Mono.just(exchange.getResponse().bufferFactory()
        .wrap("{}".getBytes(StandardCharsets.US_ASCII))));
  }

  private void awaitInFlight(int expected) {
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> door.admission().inFlight() == expected);
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", server.port());
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static String post(String behaviour, String body) {
    return "POST /v1/payment-intents HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: gate-test\r\nX-Behaviour: "
        + behaviour + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
  }

  private static void send(Socket socket, String request) throws IOException {
    socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
  }

  /** One answer: its head, then as many body bytes as its content-length says. */
  private static String readAnswer(InputStream in) throws IOException {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    while (!received.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int next = in.read();
      if (next == -1) {
        break;
      }
      received.write(next);
    }
    String head = received.toString(StandardCharsets.US_ASCII);
    int length = head.lines().filter(line -> line.toLowerCase().startsWith("content-length:"))
        .map(line -> Integer.parseInt(line.substring(line.indexOf(':') + 1).trim())).findFirst().orElse(0);
    received.write(in.readNBytes(length));
    return received.toString(StandardCharsets.US_ASCII);
  }

  private static ApiProperties api() {
    return new ApiProperties(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(1),
        Duration.ofSeconds(5), Duration.ofMillis(200));
  }
}
