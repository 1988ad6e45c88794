package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.intent.domain.Modification;
import dev.paymentrouter.intent.domain.PaymentIntent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * The merchant's commands on an intent after its creation (capture, cancel, refund), each sent to the intent's own
 * process, and the refunds' read side. A command is idempotent under the merchant's {@code Idempotency-Key}: the key
 * is reserved, with the request's hash and the modification it names, before the command reaches the process, so
 * that a retry under it names the same modification and the provider is asked once.
 */
public final class IntentLifecycle {

  /** What became of a command. */
  public sealed interface CommandResult {
    /**
     * The command was taken, now or under this key before ({@code replayed}): the intent as it stands after waiting
     * up to the caller's wait, and the modification the command started (null for a cancel that needed no provider).
     */
    record Done(PaymentIntent intent, String modificationId, boolean replayed) implements CommandResult {}

    /** The intent's state refuses the command; nothing changed. {@code code} is a domain rejection code. */
    record Rejected(String code, String message) implements CommandResult {}

    /** No such intent for this merchant (or no such refund). */
    record NotFound() implements CommandResult {}

    /** The key was used before with a different request. */
    record KeyReused() implements CommandResult {}

    /** The intent cannot take a command now (another node holds it, or this node is full): retry later. */
    record Unavailable(String reason) implements CommandResult {}
  }

  /** A refund with the intent it belongs to. */
  public record StoredRefund(String intentId, String currency, Modification refund) {}

  /** A page of refunds, newest first. */
  public record RefundPage(List<StoredRefund> data, boolean hasMore) {}

  /** Captures {@code amountMinor} (0: all) of an authorized intent. */
  public Mono<CommandResult> capture(String merchantId, String intentId, long amountMinor, String idempotencyKey,
      String requestHash, Duration wait) {
    throw new UnsupportedOperationException("being built");
  }

  /** Cancels an intent; an authorization is released at its provider first. */
  public Mono<CommandResult> cancel(String merchantId, String intentId, String reason, String idempotencyKey,
      String requestHash, Duration wait) {
    throw new UnsupportedOperationException("being built");
  }

  /** Refunds {@code amountMinor} (0: all that is left) of a paid intent. */
  public Mono<CommandResult> refund(String merchantId, String intentId, long amountMinor, String reason,
      Map<String, String> metadata, String idempotencyKey, String requestHash, Duration wait) {
    throw new UnsupportedOperationException("being built");
  }

  /** The merchant's refund with this id, if any. */
  public Mono<StoredRefund> findRefund(String merchantId, String refundId) {
    throw new UnsupportedOperationException("being built");
  }

  /**
   * A page of the merchant's refunds, newest first: of one intent when {@code intentId} is set; after the refund
   * {@code startingAfter} when set.
   */
  public Mono<RefundPage> listRefunds(String merchantId, String intentId, int limit, String startingAfter) {
    throw new UnsupportedOperationException("being built");
  }
}
