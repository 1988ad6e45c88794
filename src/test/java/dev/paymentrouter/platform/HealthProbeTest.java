package dev.paymentrouter.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.simulator.ProviderSimulator;
import dev.paymentrouter.simulator.SimulatorSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The containers' health check: healthy only for a 2xx answer in time. */
class HealthProbeTest {

  static ProviderSimulator server;

  @BeforeAll
  static void start() {
    server = ProviderSimulator.start(SimulatorSettings.local("probed"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void healthyWhenTheUrlAnswers2xx() {
    assertThat(HealthProbe.check(URI.create(server.baseUrl() + "/_sim/stats"), Duration.ofSeconds(5)).healthy())
        .isTrue();
  }

  @Test
  void unhealthyWhenTheUrlAnswersAnError() {
    HealthProbe.Result result = HealthProbe.check(URI.create(server.baseUrl() + "/no-such-path"),
        Duration.ofSeconds(5));
    assertThat(result.healthy()).isFalse();
    assertThat(result.message()).startsWith("404");
  }

  @Test
  void unhealthyWhenNothingListens() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    assertThat(HealthProbe.check(URI.create("http://127.0.0.1:" + port + "/"), Duration.ofSeconds(2)).healthy())
        .isFalse();
  }

  @Test
  void unhealthyWhenTheAnswerTakesTooLong() throws IOException {
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      URI url = URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/");
      assertThat(HealthProbe.check(url, Duration.ofMillis(300)).healthy()).isFalse();
    }
  }
}
