package dev.paymentrouter.provider.connector;

import dev.paymentrouter.provider.domain.ChargeStatus;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.provider.domain.ProviderRequest;
import dev.paymentrouter.provider.domain.StatusQuery;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.timeout.ReadTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.internal.shaded.reactor.pool.PoolAcquirePendingLimitException;
import reactor.netty.internal.shaded.reactor.pool.PoolAcquireTimeoutException;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Connector for the bundled provider simulator's API ({@code POST /v1/charges} with an {@code Idempotency-Key},
 * {@code GET /v1/charges?reference=}). Each connector owns its connection pool, so a slow provider can only
 * exhaust its own connections. It speaks Reactor Netty's client directly: every intent makes this call, and a
 * request in flight should hold little more than its connection.
 */
public final class SimulatorConnector implements ProviderConnector {

  private static final byte[] EMPTY = new byte[0];

  private final ConnectionProvider connections;
  private final HttpClient client;
  private final JsonMapper json;

  /** Opens nothing yet: connections are made on first use. */
  public SimulatorConnector(ConnectorSettings settings, JsonMapper json) {
    this.json = json;
    this.connections = ConnectionProvider.builder("provider-" + settings.provider())
        .maxConnections(settings.maxConnections())
        .pendingAcquireMaxCount(settings.maxConnections())
        .pendingAcquireTimeout(settings.connectTimeout())
        .maxIdleTime(Duration.ofSeconds(20))
        .build();
    String authorization = settings.apiKey() == null || settings.apiKey().isBlank()
        ? null
        : "Bearer " + settings.apiKey();
    this.client = HttpClient.create(connections)
        .baseUrl(settings.baseUrl().toString())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(settings.connectTimeout().toMillis()))
        .responseTimeout(settings.readTimeout())
        .headers(headers -> {
          if (authorization != null) {
            headers.set(HttpHeaderNames.AUTHORIZATION, authorization);
          }
        });
  }

  @Override
  public Mono<ProviderOutcome> authorize(ProviderRequest request) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("amount", request.amountMinor());
    body.put("currency", request.currency());
    body.put("token", request.paymentToken());
    body.put("reference", request.idempotencyKey());
    byte[] payload = json.writeValueAsBytes(body);
    return client
        .headers(headers -> headers
            .set("Idempotency-Key", request.idempotencyKey())
            .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON))
        .post()
        .uri("/v1/charges")
        .send(ByteBufFlux.fromInbound(Mono.just(payload)))
        .responseSingle((response, content) -> content.asByteArray().defaultIfEmpty(EMPTY)
            .map(bytes -> classifyCharge(response.status().code(), bytes)))
        .onErrorResume(SimulatorConnector::isTransportError, error -> Mono.just(classifyTransportError(error)));
  }

  @Override
  public Mono<ChargeStatus> status(StatusQuery query) {
    return client.get()
        .uri("/v1/charges?reference=" + URLEncoder.encode(query.reference(), StandardCharsets.UTF_8))
        .responseSingle((response, content) -> content.asByteArray().defaultIfEmpty(EMPTY)
            .map(bytes -> classifyStatus(response.status().code(), bytes)))
        .onErrorResume(SimulatorConnector::isTransportError,
            error -> Mono.just(new ChargeStatus.Unavailable(transportReason(error))));
  }

  @Override
  public void close() {
    connections.dispose();
  }

  private ProviderOutcome classifyCharge(int status, byte[] body) {
    if (status != 200 && status != 201) {
      return SimulatorClassification.forErrorStatus(status);
    }
    JsonNode charge = json.readTree(body);
    return switch (charge.path("status").asString("")) {
      case "approved" -> new ProviderOutcome.Approved(charge.path("id").asString(""));
      case "declined" -> {
        String code = charge.path("declineCode").asString("declined");
        yield new ProviderOutcome.Declined(code, SimulatorClassification.retryableElsewhere(code));
      }
      default -> new ProviderOutcome.Unknown("unexpected_charge_status");
    };
  }

  private ChargeStatus classifyStatus(int status, byte[] body) {
    if (status == 404) {
      return new ChargeStatus.NotFound();
    }
    if (status != 200) {
      return new ChargeStatus.Unavailable("provider_status_" + status);
    }
    JsonNode charge = json.readTree(body);
    return switch (charge.path("status").asString("")) {
      case "approved" -> new ChargeStatus.Charged(charge.path("id").asString(""));
      case "declined" -> {
        String code = charge.path("declineCode").asString("declined");
        yield new ChargeStatus.Declined(code, SimulatorClassification.retryableElsewhere(code));
      }
      default -> new ChargeStatus.Unavailable("unexpected_charge_status");
    };
  }

  /** What the network or the provider's answer did, as opposed to a bug in this connector. */
  private static boolean isTransportError(Throwable error) {
    return findCause(error, IOException.class) != null || findCause(error, ChannelException.class) != null
        || findCause(error, TimeoutException.class) != null || findCause(error, JacksonException.class) != null
        || findCause(error, PoolAcquireTimeoutException.class) != null
        || findCause(error, PoolAcquirePendingLimitException.class) != null;
  }

  /** A transport failure: before the request left us it is not sent, after that the outcome is unknown. */
  static ProviderOutcome classifyTransportError(Throwable error) {
    String reason = transportReason(error);
    return neverSent(error) ? new ProviderOutcome.NotSent(reason) : new ProviderOutcome.Unknown(reason);
  }

  private static boolean neverSent(Throwable error) {
    return findCause(error, ConnectException.class) != null
        || findCause(error, ConnectTimeoutException.class) != null
        || findCause(error, UnknownHostException.class) != null
        || findCause(error, NoRouteToHostException.class) != null
        || findCause(error, PoolAcquireTimeoutException.class) != null
        || findCause(error, PoolAcquirePendingLimitException.class) != null;
  }

  private static String transportReason(Throwable error) {
    if (findCause(error, ConnectException.class) != null || findCause(error, NoRouteToHostException.class) != null) {
      return "connection_refused";
    }
    if (findCause(error, ConnectTimeoutException.class) != null) {
      return "connect_timeout";
    }
    if (findCause(error, UnknownHostException.class) != null) {
      return "unknown_host";
    }
    if (findCause(error, PoolAcquireTimeoutException.class) != null
        || findCause(error, PoolAcquirePendingLimitException.class) != null) {
      return "connection_pool_exhausted";
    }
    if (findCause(error, ReadTimeoutException.class) != null || findCause(error, TimeoutException.class) != null) {
      return "timeout";
    }
    if (findCause(error, PrematureCloseException.class) != null) {
      return "connection_closed";
    }
    if (findCause(error, JacksonException.class) != null) {
      return "malformed_response";
    }
    return "transport_error";
  }

  private static <T extends Throwable> T findCause(Throwable error, Class<T> type) {
    for (Throwable current = error; current != null; current = current.getCause()) {
      if (type.isInstance(current)) {
        return type.cast(current);
      }
      if (current.getCause() == current) {
        break;
      }
    }
    return null;
  }
}
