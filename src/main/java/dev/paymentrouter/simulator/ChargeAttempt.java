package dev.paymentrouter.simulator;

import java.util.Objects;

/**
 * A validated charge in no dialect's words, as a front end hands it to {@link SimulatorEngine}.
 *
 * @param idempotencyKey the header as received, null when the dialect allows none (nothing is then stored)
 * @param reference      the router's attempt reference, for the ledger
 * @param token          the magic token, or any other payment-method text (a random draw decides)
 * @param request        the dialect's parsed request: its equality is what "same parameters" means for a replay
 * @param manualCapture  authorize only: an approval is recorded as {@code authorized}, money held until captured
 */
record ChargeAttempt(String idempotencyKey, String reference, long amount, String currency, String token,
    Object request, boolean manualCapture) {
  ChargeAttempt {
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(currency, "currency");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(request, "request");
  }
}
