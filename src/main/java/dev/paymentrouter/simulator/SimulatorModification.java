package dev.paymentrouter.simulator;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * A capture, cancel (void) or refund the simulated provider recorded against one of its charges, the same shape in
 * every dialect, so an auditor can sum per charge what was captured, released and given back.
 *
 * @param id             the dialect's id of the modification ({@code cp_/cn_/rf_...} native, {@code re_...} or the
 *                       PaymentIntent's id stripe, a new pspReference adyen)
 * @param chargeId       the id of the charge it changes
 * @param idempotencyKey the {@code Idempotency-Key} header as received; empty when the dialect allowed none
 * @param reference      the router's reference of the modification (native and adyen {@code reference}; stripe the
 *                       idempotency key); empty when none was given
 * @param kind           what it does
 * @param amount         minor units moved: captured, released (the whole authorization for a cancel) or refunded
 * @param currency       ISO 4217 code of the charge, upper case
 * @param status         {@link #SUCCEEDED}, or {@link #REFUSED} where the dialect records a refusal (Adyen only
 *                       tells it later, so its ledger keeps it)
 * @param code           the refusal code, null when it succeeded
 * @param reason         why, as the request gave it (a refund's or a cancellation's reason), or null
 * @param createdAt      when the provider recorded it
 */
public record SimulatorModification(
    String id,
    String chargeId,
    String idempotencyKey,
    String reference,
    Kind kind,
    long amount,
    String currency,
    String status,
    String code,
    String reason,
    Instant createdAt) {

  public static final String SUCCEEDED = "succeeded";
  public static final String REFUSED = "refused";

  /** What a modification does to its charge. */
  public enum Kind {
    /** Takes (part of) an authorization; a smaller capture releases the rest. */
    CAPTURE,
    /** Releases a whole authorization. */
    CANCEL,
    /** Gives (part of) a captured amount back. */
    REFUND;

    /** The lower-case name shown on the wire and in {@code /_sim/ledger}. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public SimulatorModification {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(chargeId, "chargeId");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(currency, "currency");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /** Only a succeeded modification moved money; a recorded refusal is history, not money. */
  public boolean succeeded() {
    return SUCCEEDED.equals(status);
  }
}
