package dev.paymentrouter.notification;

import dev.paymentrouter.intent.domain.IntentCommand;
import dev.paymentrouter.intent.domain.RouteOptions;
import dev.paymentrouter.intent.runtime.IntentLifecycle;
import dev.paymentrouter.intent.runtime.IntentLifecycle.NotifyResult;
import dev.paymentrouter.notification.domain.Notice;
import dev.paymentrouter.process.LogFields;
import dev.paymentrouter.provider.domain.ChargeStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Where verified notifications go: each is stored once under its provider event id, matched to an intent, and handed
 * to that intent's owner process as a reconciliation ({@link IntentLifecycle#notify}). One for an intent we do not
 * know is stored, counted and logged; a dispute is stored and logged and changes nothing.
 */
final class NotificationInbox {

  private static final Logger log = LoggerFactory.getLogger(NotificationInbox.class);

  /** What an authorization's end that says nothing about the attempt is to the attempt: nothing to decide. */
  private static final NotifyResult NOT_ABOUT_AN_ATTEMPT = new NotifyResult.Ignored("not_about_an_attempt");

  private final NotificationStore store;
  private final IntentLifecycle lifecycle;
  private final Clock clock;
  private final MeterRegistry meters;
  private final Counter unknownIntents;

  NotificationInbox(NotificationStore store, IntentLifecycle lifecycle, Clock clock, MeterRegistry meters) {
    this.store = store;
    this.lifecycle = lifecycle;
    this.clock = clock;
    this.meters = meters;
    this.unknownIntents = Counter.builder("payment_router.provider_notifications.unknown_intent")
        .description("Verified provider notifications that named no intent of ours (stored, not dropped)")
        .register(meters);
  }

  /** Stores and hands over every notification of one request, in order. */
  Mono<Void> receive(String provider, List<ProviderNotification> notifications) {
    return Flux.fromIterable(notifications).concatMap(n -> receive(provider, n)).then();
  }

  private Mono<Void> receive(String provider, ProviderNotification notification) {
    Instant now = clock.instant();
    return intentOf(provider, notification.notice())
        .map(java.util.Optional::of)
        .defaultIfEmpty(java.util.Optional.empty())
        .flatMap(intent -> store.store(provider, notification.eventId(), notification.type(), intent.orElse(null),
                notification.json(), now)
            .flatMap(open -> open ? handOver(provider, notification, intent.orElse(null))
                : Mono.fromRunnable(() -> count(provider, "replayed"))));
  }

  /** The intent a notice names: by our attempt key, or our modification key, or the provider's payment id. */
  private Mono<String> intentOf(String provider, Notice notice) {
    return switch (notice) {
      case Notice.AttemptVerdict verdict -> Mono.justOrEmpty(notice.intentId());
      case Notice.ModificationVerdict verdict -> verdict.modificationKey() == null ? Mono.empty()
          : store.intentOfModification(verdict.modificationKey());
      case Notice.AuthorizationEnded ended -> Mono.justOrEmpty(notice.intentId())
          .switchIfEmpty(ended.modificationKey() == null ? Mono.empty()
              : store.intentOfModification(ended.modificationKey()));
      case Notice.Dispute dispute -> Mono.justOrEmpty(notice.intentId())
          .switchIfEmpty(dispute.providerReference() == null ? Mono.empty()
              : store.intentOfPayment(provider, dispute.providerReference()));
      case Notice.Informational info -> Mono.justOrEmpty(notice.intentId())
          .switchIfEmpty(info.providerReference() == null ? Mono.empty()
              : store.intentOfPayment(provider, info.providerReference()));
    };
  }

  private Mono<Void> handOver(String provider, ProviderNotification notification, String intentId) {
    Instant now = clock.instant();
    if (intentId == null) {
      unknownIntents.increment();
      log.warn("Provider {}: notification {} ({}) names no intent of ours; stored for an operator", provider,
          notification.eventId(), notification.type());
      return finish(provider, notification, "unknown_intent", true, now);
    }
    return switch (notification.notice()) {
      case Notice.AttemptVerdict verdict -> attemptVerdict(intentId, notification.notice(), verdict.status(), now)
          .flatMap(result -> settled(provider, notification, intentId, result, now));
      case Notice.ModificationVerdict verdict -> lifecycle.notify(intentId, new IntentCommand.ReconcileModification(
              verdict.modificationKey(), verdict.outcome(), now))
          .flatMap(result -> settled(provider, notification, intentId, result, now));
      // The attempt's verdict first (its meaning when the attempt is still unknown); refused, the authorization's end
      // goes to the intent's open capture or cancel, if it has one.
      case Notice.AuthorizationEnded ended -> (ended.charge() == null ? Mono.just(NOT_ABOUT_AN_ATTEMPT)
              : attemptVerdict(intentId, ended, ended.charge(), now))
          .flatMap(result -> result instanceof NotifyResult.Ignored
              ? lifecycle.notify(intentId, new IntentCommand.ReconcileAuthorization(ended.end(), ended.amountMinor(),
                  ended.modificationKey(), ended.providerReference(), now))
              : Mono.just(result))
          .flatMap(result -> settled(provider, notification, intentId, result, now));
      case Notice.Dispute dispute -> {
        about(log.atWarn(), provider, intentId).log("Provider {}: dispute or chargeback {} ({}) on intent {}; "
            + "recorded, the intent is unchanged", provider, notification.eventId(), notification.type(), intentId);
        yield finish(provider, notification, "dispute_recorded", true, now);
      }
      case Notice.Informational info -> finish(provider, notification, "recorded", true, now);
    };
  }

  /** A line about an intent, with its fields (these lines run where no intent's fields are open). */
  private static LoggingEventBuilder about(LoggingEventBuilder line, String provider, String intentId) {
    return LogFields.with(LogFields.with(line, LogFields.INTENT_ID, intentId), LogFields.PROVIDER, provider);
  }

  /** The verdict on the notice's attempt, decided as a status query's answer would be. */
  private Mono<NotifyResult> attemptVerdict(String intentId, Notice notice, ChargeStatus status, Instant now) {
    return lifecycle.notify(intentId, new IntentCommand.Reconcile(notice.attemptNumber(), status, Duration.ZERO,
        new RouteOptions(List.of(), 1), now));
  }

  private Mono<Void> settled(String provider, ProviderNotification notification, String intentId,
      NotifyResult result, Instant now) {
    return switch (result) {
      case NotifyResult.Applied applied -> {
        about(log.atInfo(), provider, intentId).log("Provider {}: notification {} ({}) resolved intent {}", provider,
            notification.eventId(), notification.type(), intentId);
        yield finish(provider, notification, "applied", true, now);
      }
      // Already known (the call's own answer or a status query got there first): nothing to do, as it should be.
      case NotifyResult.Ignored ignored -> finish(provider, notification, "ignored:" + ignored.code(), true, now);
      case NotifyResult.NotFound notFound -> {
        unknownIntents.increment();
        about(log.atWarn(), provider, intentId).log("Provider {}: notification {} ({}) names intent {}, which does "
            + "not exist here", provider, notification.eventId(), notification.type(), intentId);
        yield finish(provider, notification, "unknown_intent", true, now);
      }
      // Left open: a retry of the notification is handed over again, and the intent's own reconciliation goes on.
      case NotifyResult.Unavailable unavailable ->
          finish(provider, notification, "unavailable:" + unavailable.reason(), false, now);
    };
  }

  private Mono<Void> finish(String provider, ProviderNotification notification, String outcome, boolean processed,
      Instant now) {
    count(provider, outcome.contains(":") ? outcome.substring(0, outcome.indexOf(':')) : outcome);
    return store.outcome(provider, notification.eventId(), outcome, processed, now);
  }

  private void count(String provider, String outcome) {
    meters.counter("payment_router.provider_notifications", "provider", provider, "outcome", outcome).increment();
  }
}
