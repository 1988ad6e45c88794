package dev.paymentrouter.provider.connector;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;

/** What the connectors' contract tests share: the stub bodies on the test classpath, and a port nobody listens on. */
public final class ContractStubs {

  private ContractStubs() {}

  /** The stub body at this classpath path (e.g. {@code /stripe/payment-intent-succeeded.json}). */
  public static String body(String path) {
    try (InputStream in = ContractStubs.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no stub " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A loopback port that was free a moment ago: a connection to it is refused. */
  public static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
