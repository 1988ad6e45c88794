package dev.paymentrouter.provider.connector.adyen;

import dev.paymentrouter.provider.connector.ConnectorSettings;
import dev.paymentrouter.provider.connector.ProviderChannels;
import dev.paymentrouter.provider.connector.ProviderConnector;
import dev.paymentrouter.provider.connector.ProviderHttp;
import dev.paymentrouter.provider.connector.TransportErrors;
import dev.paymentrouter.provider.domain.ChargeStatus;
import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.ModificationRequest;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.provider.domain.ProviderRequest;
import dev.paymentrouter.provider.domain.StatusQuery;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Connector for Adyen's Checkout API v71: {@code POST {base-url}/v71/payments} with Adyen's {@code Idempotency-Key}.
 * Adyen has no lookup of a payment by our reference, so a status query replays the same request under the same key,
 * which Adyen answers from its store while it keeps the key. Captures, cancels and refunds go to
 * {@code /v71/payments/{pspReference}/...} under their own keys and are reconciled the same way. Each connector owns
 * its connection pool.
 */
public final class AdyenConnector implements ProviderConnector {

  /** The path under the configured Checkout root (which carries the live prefix's {@code /checkout} itself). */
  static final String PAYMENTS_PATH = "/v71/payments";

  /**
   * How long after the first request a replay is still answered from Adyen's store. Adyen's API idempotency page
   * promises at least 31 days today; we keep to 7, well inside it, because a replay after the key is gone would be
   * a new payment, perhaps a second charge. Past it, only Adyen's webhooks (a later issue) can tell the outcome.
   */
  static final Duration IDEMPOTENCY_WINDOW = Duration.ofDays(7);

  private static final byte[] EMPTY = new byte[0];

  private final ProviderChannels channels;
  private final HttpClient client;
  private final JsonMapper json;
  private final Clock clock;
  private final String merchantAccount;

  /** Opens nothing yet: connections are made on first use. */
  public AdyenConnector(ConnectorSettings settings, JsonMapper json, Clock clock) {
    this.json = json;
    this.clock = clock;
    this.merchantAccount = settings.merchantAccount();
    this.channels = ProviderChannels.of(settings);
    String apiKey = settings.apiKey();
    this.client = ProviderHttp.client(settings, channels)
        .headers(headers -> {
          if (apiKey != null && !apiKey.isBlank()) {
            headers.set("X-API-Key", apiKey);
          }
        });
  }

  @Override
  public Mono<ProviderOutcome> authorize(ProviderRequest request) {
    if (merchantAccount == null || merchantAccount.isBlank()) {
      // The factory's configuration check refuses this at start-up; if it gets here, nothing is sent.
      return Mono.just(new ProviderOutcome.NotSent("merchant_account_missing", true));
    }
    Optional<AdyenToken> token = AdyenToken.parse(request.paymentToken(), json);
    if (token.isEmpty()) {
      // Routing offers Adyen only tokens it can use; one it cannot is not sent.
      return Mono.just(new ProviderOutcome.NotSent("unusable_payment_token"));
    }
    return send(AdyenPaymentRequest.of(request, token.get(), merchantAccount, json), this::classifyPayment)
        .onErrorResume(TransportErrors::isTransportError, error -> Mono.just(TransportErrors.outcome(error)));
  }

  @Override
  public Mono<ChargeStatus> status(StatusQuery query) {
    if (query.charge() == null) {
      // Without the request as it was sent, a replay would be another payment.
      return Mono.just(new ChargeStatus.Unavailable("cannot_replay"));
    }
    if (!clock.instant().isBefore(query.sentAt().plus(IDEMPOTENCY_WINDOW))) {
      // Adyen may have forgotten the key: a replay could charge a second time. Webhooks close this gap later.
      return Mono.just(new ChargeStatus.Unavailable("idempotency_window_passed"));
    }
    Optional<AdyenToken> token = AdyenToken.parse(query.charge().paymentToken(), json);
    if (token.isEmpty() || merchantAccount == null || merchantAccount.isBlank()) {
      return Mono.just(new ChargeStatus.Unavailable("cannot_replay"));
    }
    return send(AdyenPaymentRequest.of(query.charge(), token.get(), merchantAccount, json), this::classifyReplay)
        .onErrorResume(TransportErrors::isTransportError,
            error -> Mono.just(new ChargeStatus.Unavailable(TransportErrors.reason(error))));
  }

  @Override
  public Mono<ModificationOutcome> modify(ModificationRequest request) {
    if (merchantAccount == null || merchantAccount.isBlank()) {
      // The factory's configuration check refuses this at start-up; if it gets here, nothing is sent.
      return Mono.just(new ModificationOutcome.NotSent("merchant_account_missing", true));
    }
    Optional<AdyenModificationRequest> modification = AdyenModificationRequest.of(request, merchantAccount, json);
    if (modification.isEmpty()) {
      // The payment reference cannot name an Adyen payment: nothing is sent, for this modification only.
      return Mono.just(new ModificationOutcome.NotSent("invalid_payment_reference"));
    }
    return send(modification.get().path(), modification.get().idempotencyKey(), modification.get().body(),
        this::classifyModification)
        .onErrorResume(TransportErrors::isTransportError,
            error -> Mono.just(TransportErrors.modificationOutcome(error)));
  }

  /**
   * What became of a modification first sent at {@code sentAt}: the identical request replayed under the same key,
   * which Adyen answers from its store (and carries out, once, if the first never arrived). Never "not sent" or
   * refused: a replay turned away says nothing about the first request.
   */
  @Override
  public Mono<ModificationOutcome> modificationStatus(ModificationRequest request, Instant sentAt) {
    if (!clock.instant().isBefore(sentAt.plus(IDEMPOTENCY_WINDOW))) {
      // Adyen may have forgotten the key: a replay could move the money a second time. Webhooks close this gap.
      return Mono.just(new ModificationOutcome.Unknown("idempotency_window_passed"));
    }
    Optional<AdyenModificationRequest> modification = merchantAccount == null || merchantAccount.isBlank()
        ? Optional.empty()
        : AdyenModificationRequest.of(request, merchantAccount, json);
    if (modification.isEmpty()) {
      // Not the request that was sent (modify refuses these without sending), so no replay of it exists.
      return Mono.just(new ModificationOutcome.Unknown("cannot_replay"));
    }
    return send(modification.get().path(), modification.get().idempotencyKey(), modification.get().body(),
        answer -> AdyenModifications.forReplay(classifyModification(answer)))
        .onErrorResume(TransportErrors::isTransportError,
            error -> Mono.just(new ModificationOutcome.Unknown(TransportErrors.reason(error))));
  }

  @Override
  public void close() {
    channels.close();
  }

  private <T> Mono<T> send(AdyenPaymentRequest payment, Function<Answer, T> classify) {
    return send(PAYMENTS_PATH, payment.idempotencyKey(), payment.body(), classify);
  }

  private <T> Mono<T> send(String path, String idempotencyKey, byte[] body, Function<Answer, T> classify) {
    // Headers on the request, not on a client derived per call: that would copy the client's configuration and
    // default headers for every call, and a call in flight keeps them. A single-element body goes with its length.
    return client.post()
        .uri(path)
        .send((outgoing, outbound) -> {
          outgoing.header("Idempotency-Key", idempotencyKey)
              .header(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
          return outbound.sendByteArray(Mono.just(body));
        })
        .responseSingle((response, content) -> content.asByteArray().defaultIfEmpty(EMPTY)
            .map(bytes -> classify.apply(new Answer(response.status().code(), bytes))));
  }

  private ProviderOutcome classifyPayment(Answer answer) {
    if (answer.status() != 200) {
      ServiceError error = serviceError(answer.body());
      return AdyenClassification.forError(answer.status(), error.errorCode(), error.pspReference());
    }
    if (answer.body().length == 0) {
      // A 200 without a body: the payment may have been made, its answer was lost.
      return new ProviderOutcome.Unknown("empty_response");
    }
    // Unreadable JSON throws a JacksonException: unknown, like any broken answer (TransportErrors).
    JsonNode payment = json.readTree(answer.body());
    return AdyenClassification.forPayment(text(payment, "resultCode"), text(payment, "refusalReasonCode"),
        text(payment, "pspReference"));
  }

  private ChargeStatus classifyReplay(Answer answer) {
    if (answer.status() != 200) {
      ServiceError error = serviceError(answer.body());
      return AdyenClassification.statusForError(answer.status(), error.errorCode(), error.pspReference());
    }
    if (answer.body().length == 0) {
      return new ChargeStatus.Unavailable("empty_response");
    }
    JsonNode payment = json.readTree(answer.body());
    return AdyenClassification.statusForPayment(text(payment, "resultCode"), text(payment, "refusalReasonCode"),
        text(payment, "pspReference"));
  }

  private ModificationOutcome classifyModification(Answer answer) {
    if (answer.status() != 200 && answer.status() != 201) {
      return AdyenModifications.forError(answer.status(), serviceError(answer.body()).errorCode());
    }
    if (answer.body().length == 0) {
      // Accepted without a body: Adyen may have taken the modification, its answer was lost.
      return new ModificationOutcome.Unknown("empty_response");
    }
    // Unreadable JSON throws a JacksonException: unknown, like any broken answer (TransportErrors).
    JsonNode accepted = json.readTree(answer.body());
    return AdyenModifications.forAccepted(text(accepted, "status"), text(accepted, "pspReference"));
  }

  /** Adyen's error body, or empty fields when the body is not one (an HTML page from something in between). */
  private ServiceError serviceError(byte[] body) {
    if (body.length == 0) {
      return new ServiceError("", "");
    }
    try {
      JsonNode error = json.readTree(body);
      return new ServiceError(text(error, "errorCode"), text(error, "pspReference"));
    } catch (JacksonException e) {
      return new ServiceError("", "");
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    // Adyen sends these as strings; a number is read as its digits.
    return value.isString() || value.isNumber() ? value.asString() : "";
  }

  private record Answer(int status, byte[] body) {}

  private record ServiceError(String errorCode, String pspReference) {}
}
