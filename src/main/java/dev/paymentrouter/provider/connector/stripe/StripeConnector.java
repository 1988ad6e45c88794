package dev.paymentrouter.provider.connector.stripe;

import dev.paymentrouter.provider.connector.ConnectorSettings;
import dev.paymentrouter.provider.connector.ProviderConnector;
import dev.paymentrouter.provider.connector.TransportErrors;
import dev.paymentrouter.provider.connector.stripe.StripeHttp.Answer;
import dev.paymentrouter.provider.domain.ChargeStatus;
import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.ModificationRequest;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.provider.domain.ProviderRequest;
import dev.paymentrouter.provider.domain.StatusQuery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Connector for Stripe's PaymentIntents API. A charge is one {@code POST /v1/payment_intents} that creates and
 * confirms a PaymentIntent under the attempt's {@code Idempotency-Key}; {@link StripeClassification} says what each
 * answer proves. An unknown outcome is reconciled, in this order: by retrieving the PaymentIntent when an earlier
 * answer named it; else by replaying the identical request under the same key while Stripe still keeps the key;
 * else by searching PaymentIntents for the attempt's key in their metadata. Captures, cancels and refunds are posted
 * under the modification's own key ({@link StripeModifications} is their table) and reconciled by looking first, then
 * replaying ({@link StripeModifier}).
 */
public final class StripeConnector implements ProviderConnector {

  /**
   * The API version every request pins ({@code Stripe-Version}), so that an upgrade of the account's default version
   * cannot change the shapes the classification reads. The latest dated version of Stripe's published OpenAPI spec
   * when this connector was written; raise it deliberately, after checking the changelog against the table.
   */
  static final String STRIPE_VERSION = "2026-07-29.dahlia";

  /**
   * Stripe keeps an idempotency key for at least 24 hours; after that a replay would be a new charge. One hour of
   * margin covers clock skew and a replay that is itself slow.
   */
  static final Duration REPLAY_WINDOW = Duration.ofHours(23);

  static final String FORM = StripeHttp.FORM;

  private static final Logger log = LoggerFactory.getLogger(StripeConnector.class);

  private final StripeHttp http;
  private final StripeModifier modifier;
  private final JsonMapper json;
  private final Clock clock;

  /** Opens nothing yet: connections are made on first use. */
  public StripeConnector(ConnectorSettings settings, JsonMapper json, Clock clock) {
    this.json = json;
    this.clock = clock;
    this.http = new StripeHttp(settings);
    this.modifier = new StripeModifier(http, json);
  }

  @Override
  public Mono<ProviderOutcome> authorize(ProviderRequest request) {
    return create(request)
        .map(this::outcomeOf)
        .onErrorResume(TransportErrors::isTransportError, error -> Mono.just(TransportErrors.outcome(error)));
  }

  @Override
  public Mono<ChargeStatus> status(StatusQuery query) {
    Mono<ChargeStatus> status;
    if (query.providerReference() != null) {
      status = retrieve(query.providerReference(), query.reference());
    } else if (query.charge() != null
        && Duration.between(query.sentAt(), clock.instant()).compareTo(REPLAY_WINDOW) < 0) {
      status = replay(query.charge());
    } else {
      // No request to replay (its token is gone) or Stripe may have forgotten the key: a replay could charge anew.
      status = search(query.reference());
    }
    return status.onErrorResume(TransportErrors::isTransportError,
        error -> Mono.just(new ChargeStatus.Unavailable(TransportErrors.reason(error))));
  }

  @Override
  public Mono<ModificationOutcome> modify(ModificationRequest request) {
    return modifier.modify(request);
  }

  /**
   * See {@link StripeModifier#modificationStatus}: it reads Stripe's records first, which is safe at any age, so
   * {@code sentAt} is not needed.
   */
  @Override
  public Mono<ModificationOutcome> modificationStatus(ModificationRequest request, Instant sentAt) {
    return modifier.modificationStatus(request, sentAt);
  }

  @Override
  public void close() {
    http.close();
  }

  private Mono<Answer> create(ProviderRequest request) {
    return http.post("/v1/payment_intents", request.idempotencyKey(), StripeForm.paymentIntent(request));
  }

  private ProviderOutcome outcomeOf(Answer answer) {
    JsonNode body = StripeJson.tree(json, answer.body());
    if (answer.status() != 200) {
      return StripeClassification.forError(answer.status(), StripeError.ofAnswer(body));
    }
    StripePaymentIntent intent = StripePaymentIntent.of(body);
    if (intent == null) {
      // A 200 we cannot read (truncated, an HTML page, another object): Stripe may well have charged.
      return new ProviderOutcome.Unknown(body == null ? "malformed_response" : "unexpected_response");
    }
    return StripeClassification.forPaymentIntent(intent);
  }

  /** Step 1: Stripe named the PaymentIntent earlier, so it is asked directly. */
  private Mono<ChargeStatus> retrieve(String paymentIntentId, String reference) {
    return http.get(StripeForm.retrievePath(paymentIntentId)).map(answer -> {
      if (answer.status() != 200) {
        // Even a 404: Stripe named this id once, so "not found" here is a wrong key or account, not "no charge".
        return new ChargeStatus.Unavailable("provider_status_" + answer.status());
      }
      StripePaymentIntent intent = StripePaymentIntent.of(StripeJson.tree(json, answer.body()));
      if (intent == null) {
        return new ChargeStatus.Unavailable("malformed_response");
      }
      if (intent.attempt() != null && !intent.attempt().equals(reference)) {
        // Never book another attempt's payment to this one.
        return new ChargeStatus.Unavailable("provider_reference_mismatch");
      }
      return StripeClassification.statusOf(intent);
    });
  }

  /**
   * Step 2: the same request under the same key. If Stripe executed the original it answers with the stored result
   * (marked replayed); if the original never arrived, this executes it now, and its answer is the attempt's outcome.
   */
  private Mono<ChargeStatus> replay(ProviderRequest charge) {
    return create(charge).flatMap(answer -> {
      ChargeStatus status = replayStatus(answer);
      return status != null ? Mono.just(status) : search(charge.idempotencyKey());
    });
  }

  /** What a replayed answer says, or null when only a search can tell. */
  private ChargeStatus replayStatus(Answer answer) {
    JsonNode body = StripeJson.tree(json, answer.body());
    if (answer.status() == 200) {
      StripePaymentIntent intent = StripePaymentIntent.of(body);
      if (intent != null) {
        return StripeClassification.statusOf(intent);
      }
      return unreadable(answer, body == null ? "malformed_response" : "unexpected_response");
    }
    StripeError error = StripeError.ofAnswer(body);
    return switch (answer.status()) {
      // A decline, stored or fresh: no charge.
      case 402 -> error != null && "card_error".equals(error.type())
          ? ChargeStatus.of(StripeClassification.forError(402, error))
          : unreadable(answer, "provider_status_402");
      // The original (or another replay) is executing right now: a search could miss what it is creating.
      case 409 -> new ChargeStatus.Unavailable("provider_idempotency_key_in_use");
      // Not executed now, and a search would be limited too: ask again later.
      case 429 -> new ChargeStatus.Unavailable("provider_rate_limited");
      // The key is not usable for asking (and no other request would be either).
      case 401, 403 -> new ChargeStatus.Unavailable("provider_status_" + answer.status());
      default -> answer.status() >= 500
          ? unreadable(answer, "provider_status_" + answer.status())
          // A refused replay (a validation error, the key bound to other parameters) executed nothing: whatever
          // exists under the key, the search finds.
          : null;
    };
  }

  /**
   * An answer that says nothing about the charge. When Stripe replayed it, it is the stored answer of an earlier
   * execution (Stripe stores even its 500s), and the search finds what that execution left. When it is fresh, this
   * replay executed the charge just now and failed somewhere: a search could miss a PaymentIntent created a moment
   * ago (search indexing lags), so we ask again later instead.
   */
  private static ChargeStatus unreadable(Answer answer, String reason) {
    return answer.replayed() ? null : new ChargeStatus.Unavailable(reason);
  }

  /**
   * Step 3: PaymentIntents whose metadata names this attempt. Stripe's search index lags writes by up to a minute;
   * the router counts "not found" only after its settle time (60 s by default) since the attempt started, which
   * covers that lag.
   */
  private Mono<ChargeStatus> search(String reference) {
    return http.get(StripeForm.searchPath(reference)).map(answer -> {
      if (answer.status() != 200) {
        return new ChargeStatus.Unavailable("provider_status_" + answer.status());
      }
      JsonNode body = StripeJson.tree(json, answer.body());
      JsonNode data = body == null ? null : body.path("data");
      if (data == null || !"search_result".equals(StripeJson.text(body.path("object"))) || !data.isArray()) {
        return new ChargeStatus.Unavailable("malformed_response");
      }
      List<StripePaymentIntent> found = new ArrayList<>();
      for (JsonNode item : data) {
        StripePaymentIntent intent = StripePaymentIntent.of(item);
        if (intent == null) {
          // Something we cannot read may be the charge: never conclude "not found" past it.
          return new ChargeStatus.Unavailable("malformed_response");
        }
        if (reference.equals(intent.attempt())) {
          found.add(intent);
        }
      }
      return searchStatus(reference, found);
    });
  }

  private static ChargeStatus searchStatus(String reference, List<StripePaymentIntent> found) {
    if (found.isEmpty()) {
      return new ChargeStatus.NotFound();
    }
    List<ChargeStatus> statuses = found.stream().map(StripeClassification::statusOf)
        .sorted(Comparator.comparingInt(StripeConnector::weight)).toList();
    if (found.size() > 1) {
      // One key cannot create two PaymentIntents while Stripe keeps it; several mean a replay after expiry or a
      // creation outside the router. The charge wins, so the intent never fails over from money taken.
      log.warn("Stripe search found {} PaymentIntents for attempt {}: {}; taking {}", found.size(), reference,
          found.stream().map(StripePaymentIntent::id).toList(), statuses.getFirst());
    }
    return statuses.getFirst();
  }

  /** Which of several answers speaks for the attempt: money taken, then money that may still be taken, then none. */
  private static int weight(ChargeStatus status) {
    return switch (status) {
      case ChargeStatus.Charged charged -> 0;
      case ChargeStatus.ActionRequired action -> 1;
      case ChargeStatus.Unavailable unavailable -> 2;
      case ChargeStatus.NotAsked notAsked -> 2;
      case ChargeStatus.Declined declined -> 3;
      case ChargeStatus.NotFound notFound -> 4;
    };
  }
}
