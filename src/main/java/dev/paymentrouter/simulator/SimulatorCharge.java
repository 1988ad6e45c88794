package dev.paymentrouter.simulator;

import java.time.Instant;
import java.util.Objects;

/**
 * A charge the simulated provider recorded, the same shape in every dialect: approved (money taken), declined,
 * or waiting (for the customer, or for the provider's own decision), which is not money yet.
 *
 * @param id             the dialect's id: {@code ch_...} native, {@code pi_...} stripe, a 16-character
 *                       pspReference adyen
 * @param idempotencyKey the {@code Idempotency-Key} header as received; empty when a dialect that makes the
 *                       header optional got none
 * @param reference      the router's attempt reference (native and adyen {@code reference}, stripe
 *                       {@code metadata[payment_router_attempt]}; empty when a stripe request had none)
 * @param amount         amount in minor units
 * @param currency       ISO 4217 code, upper case
 * @param status         {@link #APPROVED}, {@link #AUTHORIZED}, {@link #DECLINED}, {@link #REQUIRES_ACTION} or
 *                       {@link #PENDING}; the status at authorization: what captures, cancels and refunds did
 *                       since is in the ledger's modifications and totals
 * @param declineCode    reason of a decline, null when approved
 * @param createdAt      when the provider recorded it
 */
public record SimulatorCharge(
        String id,
        String idempotencyKey,
        String reference,
        long amount,
        String currency,
        String status,
        String declineCode,
        Instant createdAt) {

    public static final String APPROVED = "approved";
    /** Authorized only (manual capture): the money is held, and is money only once captured. */
    public static final String AUTHORIZED = "authorized";
    public static final String DECLINED = "declined";
    /** The provider waits for the customer (3-D Secure): nothing charged yet. */
    public static final String REQUIRES_ACTION = "requires_action";
    /** The provider accepted the payment but has not decided it: nothing charged yet. */
    public static final String PENDING = "pending";

    public SimulatorCharge {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(currency, "currency");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** Only an approval is money at once; the chaos audit counts these per reference and key. */
    public boolean approved() {
        return APPROVED.equals(status);
    }

    /** A hold waiting for a capture or a cancel. */
    public boolean authorized() {
        return AUTHORIZED.equals(status);
    }
}
