package dev.paymentrouter.provider.connector.stripe;

import dev.paymentrouter.process.LogFields;
import dev.paymentrouter.provider.connector.TransportErrors;
import dev.paymentrouter.provider.connector.stripe.StripeHttp.Answer;
import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.ModificationRequest;
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
 * Captures, cancels and refunds at Stripe, and finds out what became of one whose answer was lost; the
 * {@link StripeModifications} table says what each answer proves. The modification side of {@link StripeConnector}.
 */
final class StripeModifier {

  /** Refund list pages read at most when looking for one refund. */
  static final int MAX_REFUND_PAGES = 10;

  private static final Logger log = LoggerFactory.getLogger(StripeModifier.class);

  private final StripeHttp http;
  private final JsonMapper json;

  StripeModifier(StripeHttp http, JsonMapper json) {
    this.http = http;
    this.json = json;
  }

  Mono<ModificationOutcome> modify(ModificationRequest request) {
    return http.post(StripeForm.modificationPath(request), request.idempotencyKey(), StripeForm.modification(request))
        .map(answer -> modificationOutcome(request, answer))
        .onErrorResume(TransportErrors::isTransportError,
            error -> Mono.just(TransportErrors.modificationOutcome(error)));
  }

  /**
   * Looks first, then replays. The request carries no send time, so we cannot tell whether Stripe still keeps its
   * key (24 hours); looking first is right at any age. A capture or cancel reads the PaymentIntent, whose status
   * says whether it happened; only while it still could happen is the identical request replayed (a PaymentIntent
   * is captured or canceled at most once, so the replay cannot move money twice; and a refusal of a replay past the
   * key's retention cannot be mistaken for the original's answer, because the PaymentIntent was read first). A
   * refund is looked up in the PaymentIntent's refund list (read from Stripe's records, not a lagging search index)
   * by the key in its metadata; only when it is not there is it replayed: while the key is kept Stripe answers the
   * replay with the original's stored result or refuses it while that one still runs, and once the key is gone the
   * original cannot still be running, so the list not showing it proves there is none, and the replay makes the
   * one refund. Never {@code NotSent}: a replay turned away says nothing about the original. Reading first makes this
   * safe at any age, so {@code sentAt} is not needed here.
   */
  Mono<ModificationOutcome> modificationStatus(ModificationRequest request, Instant sentAt) {
    Mono<ModificationOutcome> status = switch (request.kind()) {
      case CAPTURE, CANCEL -> http.get(StripeForm.retrievePath(request.paymentReference()))
          .flatMap(answer -> afterReading(request, answer));
      case REFUND -> findRefund(request, null, 0);
    };
    return status.map(StripeModifications::forStatus)
        .onErrorResume(TransportErrors::isTransportError,
            error -> Mono.just(new ModificationOutcome.Unknown(TransportErrors.reason(error))));
  }

  private ModificationOutcome modificationOutcome(ModificationRequest request, Answer answer) {
    JsonNode body = StripeJson.tree(json, answer.body());
    if (answer.status() != 200) {
      return StripeModifications.forError(answer.status(), StripeError.ofAnswer(body));
    }
    String unreadable = body == null ? "malformed_response" : "unexpected_response";
    if (request.kind() == ModificationRequest.Kind.REFUND) {
      StripeRefund refund = StripeRefund.of(body);
      if (refund == null) {
        // A 200 we cannot read: Stripe may well have refunded.
        return new ModificationOutcome.Unknown(unreadable);
      }
      if (refund.modification() != null && !refund.modification().equals(request.idempotencyKey())
          || refund.paymentIntent() != null && !refund.paymentIntent().equals(request.paymentReference())) {
        // Never book another modification's refund to this one.
        return new ModificationOutcome.Unknown("provider_reference_mismatch");
      }
      return StripeModifications.forRefund(refund);
    }
    StripePaymentIntent intent = StripePaymentIntent.of(body);
    if (intent == null) {
      return new ModificationOutcome.Unknown(unreadable);
    }
    if (!intent.id().equals(request.paymentReference())) {
      return new ModificationOutcome.Unknown("provider_reference_mismatch");
    }
    return request.kind() == ModificationRequest.Kind.CAPTURE
        ? StripeModifications.forCapture(intent)
        : StripeModifications.forCancel(intent);
  }

  /** A capture's or a cancel's reconciliation, once the PaymentIntent has been read. */
  private Mono<ModificationOutcome> afterReading(ModificationRequest request, Answer answer) {
    if (answer.status() != 200) {
      // Even a 404: Stripe named this PaymentIntent once, so "not found" is a wrong key or account, not "nothing".
      return Mono.just(new ModificationOutcome.Unknown("provider_status_" + answer.status()));
    }
    StripePaymentIntent intent = StripePaymentIntent.of(StripeJson.tree(json, answer.body()));
    if (intent == null) {
      return Mono.just(new ModificationOutcome.Unknown("malformed_response"));
    }
    if (!intent.id().equals(request.paymentReference())) {
      return Mono.just(new ModificationOutcome.Unknown("provider_reference_mismatch"));
    }
    ModificationOutcome read = request.kind() == ModificationRequest.Kind.CAPTURE
        ? StripeModifications.capturedAlready(intent, request.amountMinor())
        : StripeModifications.canceledAlready(intent);
    return read != null ? Mono.just(read) : replayModification(request);
  }

  /** The identical modification under the same key: Stripe's stored answer, or the modification done now. */
  private Mono<ModificationOutcome> replayModification(ModificationRequest request) {
    return http.post(StripeForm.modificationPath(request), request.idempotencyKey(), StripeForm.modification(request))
        .map(answer -> modificationOutcome(request, answer));
  }

  /**
   * Pages through the PaymentIntent's refunds for the one carrying this modification's key; replays the refund when
   * none does. A PaymentIntent is refunded a handful of times, so one page nearly always holds them all; the bound
   * only keeps a runaway list from looping.
   */
  private Mono<ModificationOutcome> findRefund(ModificationRequest request, String after, int page) {
    if (page >= MAX_REFUND_PAGES) {
      return Mono.just(new ModificationOutcome.Unknown("refund_list_too_long"));
    }
    return http.get(StripeForm.refundListPath(request.paymentReference(), after)).flatMap(answer -> {
      if (answer.status() != 200) {
        return Mono.just(new ModificationOutcome.Unknown("provider_status_" + answer.status()));
      }
      JsonNode body = StripeJson.tree(json, answer.body());
      JsonNode data = body == null ? null : body.path("data");
      if (data == null || !"list".equals(StripeJson.text(body.path("object"))) || !data.isArray()) {
        return Mono.just(new ModificationOutcome.Unknown("malformed_response"));
      }
      StripeRefund last = null;
      List<StripeRefund> found = new ArrayList<>();
      for (JsonNode item : data) {
        StripeRefund refund = StripeRefund.of(item);
        if (refund == null) {
          // Something we cannot read may be this refund: never replay past it.
          return Mono.just(new ModificationOutcome.Unknown("malformed_response"));
        }
        if (request.idempotencyKey().equals(refund.modification())) {
          found.add(refund);
        }
        last = refund;
      }
      if (!found.isEmpty()) {
        return Mono.just(refundFound(request, found));
      }
      if (body.path("has_more").asBoolean(false) && last != null) {
        return findRefund(request, last.id(), page + 1);
      }
      return replayModification(request);
    });
  }

  private static ModificationOutcome refundFound(ModificationRequest request, List<StripeRefund> found) {
    List<ModificationOutcome> outcomes = found.stream().map(StripeModifications::forRefund)
        .sorted(Comparator.comparingInt(StripeModifier::weight)).toList();
    if (found.size() > 1) {
      // One key creates one refund while Stripe keeps it; several mean a refund made outside the router under our
      // metadata. Money given back wins, so the router never refunds again on top of it.
      LogFields.with(log.atWarn(), LogFields.INTENT_ID, request.intentId()).log(
          "Stripe lists {} refunds for modification {}: {}; taking {}", found.size(), request.idempotencyKey(),
          found.stream().map(StripeRefund::id).toList(), outcomes.getFirst());
    }
    return outcomes.getFirst();
  }

  /** Which of several refunds speaks for the modification: money given back, then money that may still be. */
  private static int weight(ModificationOutcome outcome) {
    return switch (outcome) {
      case ModificationOutcome.Succeeded succeeded -> 0;
      case ModificationOutcome.Pending pending -> 1;
      case ModificationOutcome.Unknown unknown -> 2;
      case ModificationOutcome.NotSent notSent -> 3;
      case ModificationOutcome.RouterRefused refused -> 3;
      case ModificationOutcome.Refused refused -> 4;
    };
  }
}
