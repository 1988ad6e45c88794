package dev.paymentrouter.provider.connector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.provider.domain.ChargeStatus;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.provider.domain.ProviderRequest;
import dev.paymentrouter.provider.domain.StatusQuery;
import dev.paymentrouter.simulator.SimulatorBehaviour;
import io.netty.channel.Channel;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.json.JsonMapper;

/** Provider calls over HTTP/2 (h2c with prior knowledge) to the simulator, which still speaks HTTP/1.1 too. */
class ProviderHttp2Test extends SimulatorConnectorFixture {

  @Test
  void chargesThroughTheSimulatorOverH2c() {
    connector = new SimulatorConnector(settings(true, 8), JsonMapper.builder().build());

    assertThat(connector.authorize(request("tok_visa")).block(WAIT)).isInstanceOf(ProviderOutcome.Approved.class);
    assertThat(connector.authorize(request("tok_decline")).block(WAIT))
        .isEqualTo(new ProviderOutcome.Declined("insufficient_funds", false));
  }

  @Test
  void theClientSpeaksHttp2WhenToldAndHttp11Otherwise() {
    assertThat(protocolOfAnAnswer(settings(true, 8))).isEqualTo("HTTP/2.0");
    assertThat(protocolOfAnAnswer(settings(false, 8))).isEqualTo("HTTP/1.1");
  }

  @Test
  void concurrentCallsShareOneMultiplexedConnection() {
    // 20 calls at once, each held 300 ms by the provider: over HTTP/1.1 they would need 20 connections.
    simulator.update(SimulatorBehaviour.reliable().withLatencyMs(300));
    ConnectorSettings settings = settings(true, 20);
    Set<Channel> connections = ConcurrentHashMap.newKeySet();
    try (ProviderChannels channels = ProviderChannels.of(settings)) {
      HttpClient client = ProviderHttp.bearerClient(settings, channels)
          // Each call is a stream of its own channel; count the connections that carry them.
          .doOnConnected(connection -> connections.add(connectionOf(connection.channel())));
      List<Integer> statuses = Flux.range(0, 20)
          .flatMap(i -> client.get().uri("/v1/charges?reference=none-" + i)
              .responseSingle((response, body) -> body.asByteArray().thenReturn(response.status().code())), 20)
          .collectList()
          .block(WAIT);
      assertThat(statuses).hasSize(20).containsOnly(404);
    }
    assertThat(connections).hasSize(1);
  }

  @Test
  void aStreamResetAfterTheRequestWasSentIsUnknown() {
    // The simulator takes the charge, then resets the stream instead of answering (closing an HTTP/2 stream's
    // channel sends RST_STREAM): the provider saw the request, so the outcome must stay unknown, never not-sent.
    simulator.update(SimulatorBehaviour.reliable().withHangDuration(Duration.ofMillis(100)));
    connector = new SimulatorConnector(settings(true, 8), JsonMapper.builder().build());
    ProviderRequest request = request("tok_lost_response");

    ProviderOutcome outcome = connector.authorize(request).block(WAIT);

    assertThat(outcome).isEqualTo(new ProviderOutcome.Unknown("connection_closed"));
    assertThat(connector.status(StatusQuery.byReference(request.idempotencyKey(), Instant.now())).block(WAIT))
        .isInstanceOf(ChargeStatus.Charged.class);
    // Only that stream was reset: the next call goes through.
    assertThat(connector.authorize(request("tok_visa")).block(WAIT)).isInstanceOf(ProviderOutcome.Approved.class);
  }

  private static Channel connectionOf(Channel channel) {
    return channel.parent() == null ? channel : channel.parent();
  }

  private static String protocolOfAnAnswer(ConnectorSettings settings) {
    try (ProviderChannels channels = ProviderChannels.of(settings)) {
      return ProviderHttp.bearerClient(settings, channels).get().uri("/v1/charges?reference=none")
          .responseSingle((response, body) -> body.asByteArray().thenReturn(response.version().text()))
          .block(WAIT);
    }
  }

  private static ConnectorSettings settings(boolean http2, int calls) {
    return new ConnectorSettings("sim", URI.create(simulator.baseUrl()), "psp_secret", null, Duration.ofSeconds(1),
        Duration.ofSeconds(5), calls, false, http2, 0);
  }

  private static ProviderRequest request(String token) {
    String intent = "pi_" + UUID.randomUUID().toString().replace("-", "");
    return new ProviderRequest(intent, 1, "sim", intent + "_1", 1299, "EUR", token);
  }
}
