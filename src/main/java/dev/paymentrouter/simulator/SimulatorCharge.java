package dev.paymentrouter.simulator;

import java.time.Instant;
import java.util.Objects;

/**
 * A charge the simulated provider recorded: approved (money taken) or declined.
 *
 * @param id             provider charge id, {@code ch_...}
 * @param idempotencyKey key the charge was created under
 * @param reference      merchant-side reference sent by the router
 * @param amount         amount in minor units
 * @param currency       ISO 4217 code
 * @param status         {@link #APPROVED} or {@link #DECLINED}
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
    public static final String DECLINED = "declined";

    public SimulatorCharge {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(currency, "currency");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    public boolean approved() {
        return APPROVED.equals(status);
    }
}
