package dev.paymentrouter.intent.domain;

import dev.paymentrouter.provider.domain.RouterRefusal;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One try of one provider for an intent.
 *
 * @param number            1-based position among the intent's attempts
 * @param provider          the provider tried
 * @param idempotencyKey    the provider-side idempotency key (also our reference in status queries)
 * @param status            where it stands
 * @param providerReference the provider's id for the payment once approved, or when an unknown or action-required
 *                          answer named one, else null
 * @param declineCode       the provider's decline code when declined, else null
 * @param errorCode         why it was not sent or is unknown, or the action the provider waits for, else null
 * @param routingRule       the routing rule that chose the provider
 * @param candidates        the candidates routing offered when the attempt started, in order
 * @param skipped           providers of the rule routing left out for the payment method, with why
 * @param createdAt         when it started
 * @param updatedAt         when it last changed
 */
public record Attempt(
    int number,
    String provider,
    String idempotencyKey,
    AttemptStatus status,
    String providerReference,
    String declineCode,
    String errorCode,
    String routingRule,
    List<String> candidates,
    Map<String, String> skipped,
    Instant createdAt,
    Instant updatedAt) {

  public Attempt {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    candidates = candidates == null ? List.of() : List.copyOf(candidates);
    // By provider name, so that answers and the trail show them in one order.
    skipped = skipped == null || skipped.isEmpty()
        ? Map.of()
        : Collections.unmodifiableSortedMap(new TreeMap<>(skipped));
  }

  /**
   * Whether the router itself refused to send it: it never left this node, so it neither counts against the
   * intent's attempts nor rules its provider out. Read from the error code, which is how it is stored.
   */
  public boolean refusedByRouter() {
    return status == AttemptStatus.NOT_SENT && RouterRefusal.fromWireName(errorCode).isPresent();
  }

  static Attempt started(IntentEvent.AttemptStarted started) {
    return new Attempt(started.attemptNumber(), started.provider(), started.idempotencyKey(),
        AttemptStatus.IN_FLIGHT, null, null, null, started.routingRule(), started.candidates(), started.skipped(),
        started.at(),
        started.at());
  }

  Attempt approved(String reference, Instant at) {
    return new Attempt(number, provider, idempotencyKey, AttemptStatus.APPROVED, reference, null, errorCode,
        routingRule, candidates, skipped, createdAt, at);
  }

  Attempt declined(String code, Instant at) {
    return new Attempt(number, provider, idempotencyKey, AttemptStatus.DECLINED, null, code, errorCode,
        routingRule, candidates, skipped, createdAt, at);
  }

  Attempt unknown(String error, String reference, Instant at) {
    return new Attempt(number, provider, idempotencyKey, AttemptStatus.UNKNOWN, reference, null, error, routingRule,
        candidates, skipped, createdAt, at);
  }

  Attempt actionRequired(String reference, String action, Instant at) {
    return new Attempt(number, provider, idempotencyKey, AttemptStatus.ACTION_REQUIRED, reference, null, action,
        routingRule, candidates, skipped, createdAt, at);
  }

  Attempt ended(AttemptStatus end, String error, Instant at) {
    return new Attempt(number, provider, idempotencyKey, end, null, null, error, routingRule, candidates, skipped,
        createdAt, at);
  }
}
