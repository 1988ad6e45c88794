package dev.paymentrouter.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The HTTP server's own bounds, on a real Reactor Netty server on loopback: a connection beyond the cap is closed
 * without an answer, and a connection that pipelines more unanswered requests than allowed is closed, while one
 * within the bound is answered in full. Sockets are plain {@link Socket}s so that no client library retries or
 * pools behind the test's back; their read timeout only keeps a broken server from hanging the build.
 */
class ServerBoundsTest {

  private DisposableServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.disposeNow();
    }
  }

  @Test
  void closesAConnectionBeyondTheCap() throws IOException {
    start(1, 16);
    try (Socket first = connect(); Socket second = connect()) {
      // The first connection is served and stays open (keep-alive): it holds the one place.
      send(first, get("/ok"));
      assertThat(readAnswers(first.getInputStream(), 1)).contains("HTTP/1.1 200 OK");

      assertThat(closedWithoutAnswer(second)).isTrue();

      // The first connection is unaffected.
      send(first, get("/ok"));
      assertThat(readAnswers(first.getInputStream(), 1)).contains("HTTP/1.1 200 OK");
    }
  }

  @Test
  void closesAConnectionThatPipelinesTooManyUnansweredRequests() throws IOException {
    start(100, 2);
    try (Socket socket = connect()) {
      // Three requests the application never answers, sent at once: the third is one too many.
      send(socket, get("/hang") + get("/hang") + get("/hang"));

      assertThat(closedWithoutAnswer(socket)).isTrue();
    }
  }

  @Test
  void answersPipelinedRequestsWithinTheBound() throws IOException {
    start(100, 2);
    try (Socket socket = connect()) {
      send(socket, get("/ok") + get("/ok"));

      String answers = readAnswers(socket.getInputStream(), 2);
      assertThat(answers.split("HTTP/1.1 200 OK", -1)).hasSize(3);
    }
  }

  /**
   * A request that arrives while the one before it is still finishing is queued by Reactor Netty and answered after
   * it; when that queued request is answered at once, Reactor Netty 1.3.6 no longer asks the connection for more, and
   * the client's next request on it waits forever (reactor/reactor-netty#4361). The bounds ask for more after every
   * answer, so the connection goes on being read.
   */
  @Test
  void goesOnReadingAfterAQueuedRequestAnsweredAtOnce() throws IOException {
    start(100, 16);
    try (Socket socket = connect()) {
      socket.setSoTimeout(3_000);
      for (int round = 0; round < 5; round++) {
        // The second arrives while the first, answered late, is still under way: it is queued, then answered at once.
        send(socket, get("/late") + get("/ok"));
        assertThat(readAnswers(socket.getInputStream(), 2).split("HTTP/1.1 200 OK", -1)).hasSize(3);
        // The next request on the same connection is read and answered.
        send(socket, get("/ok"));
        assertThat(readAnswers(socket.getInputStream(), 1)).contains("HTTP/1.1 200 OK");
      }
    }
  }

  private void start(int maxConnections, int maxPending) {
    ServerBounds bounds = new ServerBounds(new ConnectionProperties(maxConnections, maxPending, Duration.ofSeconds(10),
        100), null);
    server = bounds.apply(HttpServer.create().host("127.0.0.1").port(0))
        .route(routes -> routes
            .get("/ok", (request, response) -> response.sendString(Mono.just("ok")))
            .get("/late", (request, response) -> response.sendString(Mono.delay(Duration.ofMillis(50))
                .thenReturn("ok")))
            .get("/hang", (request, response) -> Mono.never()))
        .bindNow();
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", server.port());
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static String get(String path) {
    return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  }

  private static void send(Socket socket, String requests) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(requests.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** True when the server ends the connection (end of stream or reset) without sending a byte. */
  private static boolean closedWithoutAnswer(Socket socket) throws IOException {
    try {
      send(socket, get("/ok"));
      return socket.getInputStream().read() == -1;
    } catch (SocketException reset) {
      return true;
    }
  }

  /** Reads until {@code count} answers of "ok" (content-length 2) have arrived. */
  private static String readAnswers(InputStream in, int count) throws IOException {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    int seen = 0;
    while (seen < count) {
      int next = in.read();
      if (next == -1) {
        break;
      }
      received.write(next);
      String text = received.toString(StandardCharsets.US_ASCII);
      if (text.endsWith("\r\n\r\nok")) {
        seen++;
      }
    }
    return received.toString(StandardCharsets.US_ASCII);
  }
}
