package dev.paymentrouter.provider.connector;

import dev.paymentrouter.provider.domain.ChargeStatus;
import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.ModificationRequest;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.provider.domain.ProviderRequest;
import dev.paymentrouter.provider.domain.StatusQuery;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.NettyOutbound;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Connector for the bundled provider simulator's native API ({@code POST /v1/charges} with an {@code Idempotency-Key},
 * {@code GET /v1/charges?reference=}; captures, cancels and refunds as {@code POST /v1/charges/{id}/captures|cancels|
 * refunds} under the modification's own key, looked up by {@code GET /v1/modifications?reference=}). Each connector owns its connection pool, so a slow provider can only
 * exhaust its own connections. It speaks Reactor Netty's client directly: every intent makes this call, and a
 * request in flight should hold little more than its connection.
 */
public final class SimulatorConnector implements ProviderConnector {

  private static final byte[] EMPTY = new byte[0];
  private static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  private static final String APPLICATION_JSON = HttpHeaderValues.APPLICATION_JSON.toString();

  private final ProviderChannels channels;
  private final HttpClient client;
  private final JsonMapper json;

  /** Opens nothing yet: connections are made on first use. */
  public SimulatorConnector(ConnectorSettings settings, JsonMapper json) {
    this.json = json;
    this.channels = ProviderChannels.of(settings);
    this.client = ProviderHttp.bearerClient(settings, channels);
  }

  @Override
  public Mono<ProviderOutcome> authorize(ProviderRequest request) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("amount", request.amountMinor());
    body.put("currency", request.currency());
    body.put("token", request.paymentToken());
    body.put("reference", request.idempotencyKey());
    // Labels only (the simulator keeps them out of what makes a replay the same request): the intent and the attempt
    // the charge belongs to, as Stripe's and Adyen's connectors put them into those providers' metadata.
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("payment_router_intent", request.intentId());
    metadata.put("payment_router_attempt", Integer.toString(request.attemptNumber()));
    body.put("metadata", metadata);
    if (request.manualCapture()) {
      body.put("captureMethod", "manual");
    }
    byte[] payload = json.writeValueAsBytes(body);
    return client.post()
        .uri("/v1/charges")
        .send(jsonBody(request.idempotencyKey(), payload))
        .responseSingle((response, content) -> content.asByteArray().defaultIfEmpty(EMPTY)
            .map(bytes -> classifyCharge(response.status().code(), bytes)))
        .onErrorResume(TransportErrors::isTransportError, error -> Mono.just(TransportErrors.outcome(error)));
  }

  @Override
  public Mono<ChargeStatus> status(StatusQuery query) {
    return client.get()
        .uri("/v1/charges?reference=" + URLEncoder.encode(query.reference(), StandardCharsets.UTF_8))
        .responseSingle((response, content) -> content.asByteArray().defaultIfEmpty(EMPTY)
            .map(bytes -> classifyStatus(response.status().code(), bytes)))
        .onErrorResume(TransportErrors::isTransportError,
            error -> Mono.just(new ChargeStatus.Unavailable(TransportErrors.reason(error))));
  }

  @Override
  public Mono<ModificationOutcome> modify(ModificationRequest request) {
    Map<String, Object> body = new LinkedHashMap<>();
    String path = switch (request.kind()) {
      case CAPTURE -> {
        body.put("amount", request.amountMinor());
        yield "captures";
      }
      // A cancel releases the whole authorization: the simulator takes no amount for it.
      case CANCEL -> "cancels";
      case REFUND -> {
        body.put("amount", request.amountMinor());
        yield "refunds";
      }
    };
    body.put("reference", request.idempotencyKey());
    if (request.reason() != null && request.kind() == ModificationRequest.Kind.REFUND) {
      body.put("reason", request.reason());
    }
    byte[] payload = json.writeValueAsBytes(body);
    return client.post()
        .uri("/v1/charges/" + pathSegment(request.paymentReference()) + "/" + path)
        .send(jsonBody(request.idempotencyKey(), payload))
        .responseSingle((response, content) -> content.asByteArray().defaultIfEmpty(EMPTY)
            .map(bytes -> classifyModification(response.status().code(), bytes)))
        .onErrorResume(TransportErrors::isTransportError,
            error -> Mono.just(TransportErrors.modificationOutcome(error)));
  }

  @Override
  public Mono<ModificationOutcome> modificationStatus(ModificationRequest request, Instant sentAt) {
    return client.get()
        .uri("/v1/modifications?reference=" + URLEncoder.encode(request.idempotencyKey(), StandardCharsets.UTF_8))
        .responseSingle((response, content) -> content.asByteArray().defaultIfEmpty(EMPTY)
            .map(bytes -> classifyModificationLookup(response.status().code(), bytes)))
        // Not recorded: the identical request under the same key, which the simulator carries out at most once,
        // answers for it (its stored answer, or the modification done now). A replay turned away says nothing of
        // the first request.
        .flatMap(found -> found instanceof ModificationOutcome.Unknown unknown && "not_found".equals(unknown.reason())
            ? modify(request).map(replayed -> replayed instanceof ModificationOutcome.NotSent notSent
                ? new ModificationOutcome.Unknown(notSent.reason())
                : replayed)
            : Mono.just(found))
        // Even a look-up that never left says nothing about the modification asked about.
        .onErrorResume(TransportErrors::isTransportError,
            error -> Mono.just(new ModificationOutcome.Unknown(TransportErrors.reason(error))));
  }

  @Override
  public void close() {
    channels.close();
  }

  /**
   * A JSON body under an idempotency key. The headers go on the request itself rather than on a client derived per
   * call ({@code client.headers(...)} copies the client's whole configuration and default headers for every call, and
   * a call in flight keeps them); a single-element body is sent as one message with its length, not chunked.
   */
  private static BiFunction<HttpClientRequest, NettyOutbound, Publisher<Void>> jsonBody(String idempotencyKey,
      byte[] payload) {
    return (outgoing, outbound) -> {
      outgoing.header(IDEMPOTENCY_KEY, idempotencyKey).header(HttpHeaderNames.CONTENT_TYPE, APPLICATION_JSON);
      return outbound.sendByteArray(Mono.just(payload));
    };
  }

  private ProviderOutcome classifyCharge(int status, byte[] body) {
    if (status != 200 && status != 201) {
      return SimulatorClassification.forErrorStatus(status);
    }
    JsonNode charge = json.readTree(body);
    return SimulatorClassification.forCharge(charge.path("status").asString(""), charge.path("id").asString(""),
        charge.path("declineCode").asString("declined"));
  }

  private ModificationOutcome classifyModification(int status, byte[] body) {
    if (status == 200 || status == 201) {
      JsonNode modification = json.readTree(body);
      return SimulatorClassification.forModification(modification.path("status").asString(""),
          modification.path("id").asString(""), modification.path("code").asString(""));
    }
    return SimulatorClassification.forModificationError(status, errorCode(body));
  }

  private ModificationOutcome classifyModificationLookup(int status, byte[] body) {
    if (status != 200) {
      return SimulatorClassification.forModificationLookup(status, "", "", "");
    }
    JsonNode modification = json.readTree(body);
    return SimulatorClassification.forModificationLookup(status, modification.path("status").asString(""),
        modification.path("id").asString(""), modification.path("code").asString(""));
  }

  /** The {@code error} code of an error body, or empty when the body is not the simulator's error shape. */
  private String errorCode(byte[] body) {
    try {
      return body.length == 0 ? "" : json.readTree(body).path("error").asString("");
    } catch (JacksonException e) {
      return "";
    }
  }

  /** A provider id as one path segment: ids are URL-safe, anything else is percent-encoded. */
  private static String pathSegment(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private ChargeStatus classifyStatus(int status, byte[] body) {
    if (status == 404) {
      return new ChargeStatus.NotFound();
    }
    if (status != 200) {
      return new ChargeStatus.Unavailable("provider_status_" + status);
    }
    JsonNode charge = json.readTree(body);
    return SimulatorClassification.forStatus(charge.path("status").asString(""), charge.path("id").asString(""),
        charge.path("declineCode").asString("declined"));
  }
}
