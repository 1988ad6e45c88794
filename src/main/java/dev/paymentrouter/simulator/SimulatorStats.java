package dev.paymentrouter.simulator;

/**
 * Snapshot of what a simulated provider has seen since start or the last reset.
 *
 * @param requests      {@code POST /v1/charges} requests received, whatever their outcome
 * @param approved      approved charges recorded (including those whose response was then lost)
 * @param declined      declined charges recorded
 * @param rateLimited   429 answers, from the rate limit or {@code tok_rate_limited}
 * @param unavailable   503 answers
 * @param errors        500 answers
 * @param hangs         requests held without an answer and without a charge
 * @param lostResponses requests whose charge was approved and whose response was never sent
 * @param replays       stored responses replayed for a known idempotency key
 * @param statusQueries  {@code GET /v1/charges?reference=...} status queries received
 */
public record SimulatorStats(
        long requests,
        long approved,
        long declined,
        long rateLimited,
        long unavailable,
        long errors,
        long hangs,
        long lostResponses,
        long replays,
        long statusQueries) {
}
