package dev.paymentrouter.provider.connector;

import dev.paymentrouter.provider.domain.ChargeStatus;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.provider.domain.ProviderRequest;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.springframework.core.codec.DecodingException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientException;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.internal.shaded.reactor.pool.PoolAcquirePendingLimitException;
import reactor.netty.internal.shaded.reactor.pool.PoolAcquireTimeoutException;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.JsonNode;

/**
 * Connector for the bundled provider simulator's API ({@code POST /v1/charges} with an {@code Idempotency-Key},
 * {@code GET /v1/charges?reference=}). Each connector owns its connection pool, so a slow provider can only
 * exhaust its own connections.
 */
public final class SimulatorConnector implements ProviderConnector {

  private final ConnectionProvider connections;
  private final WebClient client;

  /** Opens nothing yet: connections are made on first use. */
  public SimulatorConnector(ConnectorSettings settings, WebClient.Builder builder) {
    this.connections = ConnectionProvider.builder("provider-" + settings.provider())
        .maxConnections(settings.maxConnections())
        .pendingAcquireMaxCount(settings.maxConnections())
        .pendingAcquireTimeout(settings.connectTimeout())
        .maxIdleTime(java.time.Duration.ofSeconds(20))
        .build();
    HttpClient http = HttpClient.create(connections)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(settings.connectTimeout().toMillis()))
        .responseTimeout(settings.readTimeout());
    WebClient.Builder configured = builder.clone()
        .baseUrl(settings.baseUrl().toString())
        .clientConnector(new ReactorClientHttpConnector(http));
    if (settings.apiKey() != null && !settings.apiKey().isBlank()) {
      configured.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + settings.apiKey());
    }
    this.client = configured.build();
  }

  @Override
  public Mono<ProviderOutcome> authorize(ProviderRequest request) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("amount", request.amountMinor());
    body.put("currency", request.currency());
    body.put("token", request.paymentToken());
    body.put("reference", request.idempotencyKey());
    return client.post()
        .uri("/v1/charges")
        .header("Idempotency-Key", request.idempotencyKey())
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body)
        .exchangeToMono(SimulatorConnector::classifyCharge)
        .onErrorResume(SimulatorConnector::isTransportError, error -> Mono.just(classifyTransportError(error)));
  }

  @Override
  public Mono<ChargeStatus> status(String reference) {
    return client.get()
        .uri(uri -> uri.path("/v1/charges").queryParam("reference", reference).build())
        .exchangeToMono(SimulatorConnector::classifyStatus)
        .onErrorResume(SimulatorConnector::isTransportError,
            error -> Mono.just(new ChargeStatus.Unavailable(transportReason(error))));
  }

  @Override
  public void close() {
    connections.dispose();
  }

  private static Mono<ProviderOutcome> classifyCharge(ClientResponse response) {
    int status = response.statusCode().value();
    if (status == 200 || status == 201) {
      return response.bodyToMono(JsonNode.class)
          .map(SimulatorConnector::chargeOutcome)
          .defaultIfEmpty(new ProviderOutcome.Unknown("empty_response"));
    }
    return response.releaseBody().thenReturn(SimulatorClassification.forErrorStatus(status));
  }

  private static ProviderOutcome chargeOutcome(JsonNode charge) {
    String status = charge.path("status").asString("");
    return switch (status) {
      case "approved" -> new ProviderOutcome.Approved(charge.path("id").asString(""));
      case "declined" -> {
        String code = charge.path("declineCode").asString("declined");
        yield new ProviderOutcome.Declined(code, SimulatorClassification.retryableElsewhere(code));
      }
      default -> new ProviderOutcome.Unknown("unexpected_charge_status");
    };
  }

  private static Mono<ChargeStatus> classifyStatus(ClientResponse response) {
    int status = response.statusCode().value();
    if (status == 200) {
      return response.bodyToMono(JsonNode.class)
          .map(SimulatorConnector::chargeStatus)
          .defaultIfEmpty(new ChargeStatus.Unavailable("empty_response"));
    }
    ChargeStatus answer = status == 404
        ? new ChargeStatus.NotFound()
        : new ChargeStatus.Unavailable("provider_status_" + status);
    return response.releaseBody().thenReturn(answer);
  }

  private static ChargeStatus chargeStatus(JsonNode charge) {
    return switch (charge.path("status").asString("")) {
      case "approved" -> new ChargeStatus.Charged(charge.path("id").asString(""));
      case "declined" -> {
        String code = charge.path("declineCode").asString("declined");
        yield new ChargeStatus.Declined(code, SimulatorClassification.retryableElsewhere(code));
      }
      default -> new ChargeStatus.Unavailable("unexpected_charge_status");
    };
  }

  private static boolean isTransportError(Throwable error) {
    return error instanceof WebClientException || error instanceof DecodingException
        || error instanceof TimeoutException || findCause(error, ReadTimeoutException.class) != null
        || findCause(error, PrematureCloseException.class) != null;
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
    if (findCause(error, DecodingException.class) != null) {
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
