package dev.paymentrouter.stripeapi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of the router that loses the answer to the first request: it forwards that request (so the
 * router does the work and answers), reads the router's whole answer, and sends the client nothing, until the client
 * gives up waiting and closes. Every later connection is relayed byte for byte. What a client sees when a connection
 * breaks after its request was sent: it cannot tell whether the request was carried out.
 */
final class ResponseDroppingProxy implements AutoCloseable {

  private final ServerSocket server;
  private final int target;
  private final AtomicBoolean dropped = new AtomicBoolean();
  private final AtomicInteger connections = new AtomicInteger();
  private final Thread acceptor;

  ResponseDroppingProxy(int targetPort) {
    this.target = targetPort;
    try {
      this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.acceptor = Thread.ofPlatform().daemon().name("dropping-proxy").start(this::accept);
  }

  int port() {
    return server.getLocalPort();
  }

  /** Connections the proxy took, the dropped one included. */
  int connections() {
    return connections.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        connections.incrementAndGet();
        Thread.ofPlatform().daemon().start(() -> handle(client));
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void handle(Socket client) {
    try (client; Socket router = new Socket(InetAddress.getLoopbackAddress(), target)) {
      if (dropped.compareAndSet(false, true)) {
        forwardAndSwallow(client, router);
        return;
      }
      Thread upstream = Thread.ofPlatform().daemon().start(() -> copy(client, router));
      copy(router, client);
      upstream.join();
    } catch (IOException | InterruptedException ignored) {
      // the client or the router went away: so does the relay
    }
  }

  /** Forwards one request, asking the router to close after its answer; reads the answer whole; answers nothing. */
  private static void forwardAndSwallow(Socket client, Socket router) throws IOException {
    InputStream in = client.getInputStream();
    String head = readHead(in);
    int length = contentLength(head);
    byte[] body = in.readNBytes(length);
    String closing = head.replaceFirst("(?i)\r\nconnection:[^\r]*", "")
        .replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n");
    OutputStream out = router.getOutputStream();
    out.write(closing.getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
    router.getInputStream().readAllBytes();
    // The answer is lost: the client waits until its read timeout, then closes.
    while (client.getInputStream().read() >= 0) {
      // nothing more is expected on this connection
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < end.length) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("the request ended before its headers did");
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : b == '\r' ? 1 : 0;
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        return Integer.parseInt(line.substring("content-length:".length()).trim());
      }
    }
    return 0;
  }

  private static void copy(Socket from, Socket to) {
    try {
      from.getInputStream().transferTo(to.getOutputStream());
      to.shutdownOutput();
    } catch (IOException ignored) {
      // one side closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    acceptor.interrupt();
  }
}
