package dev.paymentrouter.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * How a simulated provider behaves: latency, fault probabilities, its own rate limit and availability.
 *
 * <p>The rates are probabilities drawn one after the other for each charge whose token is not a magic
 * token, in this order: {@code unavailableRate}, {@code errorRate}, {@code hangRate},
 * {@code lostResponseRate}, {@code declineRate}. Each rate therefore applies only to the requests that
 * earlier draws let through. A rate of 0 consumes no random draw.
 *
 * @param latencyMs          fixed delay before a charge is answered
 * @param latencyJitterMs    extra uniform random delay, {@code 0..latencyJitterMs} inclusive
 * @param declineRate        probability of a {@code card_declined} decline
 * @param errorRate          probability of a 500 with no charge recorded
 * @param unavailableRate    probability of a 503 with no charge recorded
 * @param hangRate           probability of never answering, with no charge recorded
 * @param lostResponseRate   probability of recording an approved charge and then never answering
 * @param rateLimitPerSecond requests per second accepted by {@code POST /v1/charges}; 0 means unlimited
 * @param available          false makes every charge request answer 503 at once
 * @param hangDuration       how long a hanging request is held before its connection is closed
 * @param slowTokenDelay     extra delay for the {@code tok_slow} magic token
 */
public record SimulatorBehaviour(
        long latencyMs,
        long latencyJitterMs,
        double declineRate,
        double errorRate,
        double unavailableRate,
        double hangRate,
        double lostResponseRate,
        int rateLimitPerSecond,
        boolean available,
        Duration hangDuration,
        Duration slowTokenDelay) {

    /** Default hold time of a hanging request: longer than any sane client timeout. */
    public static final Duration DEFAULT_HANG_DURATION = Duration.ofSeconds(60);

    /** Default extra delay of {@code tok_slow}. */
    public static final Duration DEFAULT_SLOW_TOKEN_DELAY = Duration.ofSeconds(3);

    /** Upper bound of every delay: keeps delay arithmetic far from overflow and a typo from parking a request for days. */
    public static final Duration MAX_DELAY = Duration.ofHours(1);

    public SimulatorBehaviour {
        requireDelay("latencyMs", latencyMs);
        requireDelay("latencyJitterMs", latencyJitterMs);
        requireRate("declineRate", declineRate);
        requireRate("errorRate", errorRate);
        requireRate("unavailableRate", unavailableRate);
        requireRate("hangRate", hangRate);
        requireRate("lostResponseRate", lostResponseRate);
        requireNonNegative("rateLimitPerSecond", rateLimitPerSecond);
        requireDelay("hangDuration", hangDuration);
        requireDelay("slowTokenDelay", slowTokenDelay);
    }

    /** A provider that answers at once, never fails, has no rate limit and is available. */
    public static SimulatorBehaviour reliable() {
        return new SimulatorBehaviour(0, 0, 0.0, 0.0, 0.0, 0.0, 0.0, 0, true,
                DEFAULT_HANG_DURATION, DEFAULT_SLOW_TOKEN_DELAY);
    }

    public SimulatorBehaviour withLatencyMs(long value) {
        return new SimulatorBehaviour(value, latencyJitterMs, declineRate, errorRate, unavailableRate, hangRate,
                lostResponseRate, rateLimitPerSecond, available, hangDuration, slowTokenDelay);
    }

    public SimulatorBehaviour withLatencyJitterMs(long value) {
        return new SimulatorBehaviour(latencyMs, value, declineRate, errorRate, unavailableRate, hangRate,
                lostResponseRate, rateLimitPerSecond, available, hangDuration, slowTokenDelay);
    }

    public SimulatorBehaviour withDeclineRate(double value) {
        return new SimulatorBehaviour(latencyMs, latencyJitterMs, value, errorRate, unavailableRate, hangRate,
                lostResponseRate, rateLimitPerSecond, available, hangDuration, slowTokenDelay);
    }

    public SimulatorBehaviour withErrorRate(double value) {
        return new SimulatorBehaviour(latencyMs, latencyJitterMs, declineRate, value, unavailableRate, hangRate,
                lostResponseRate, rateLimitPerSecond, available, hangDuration, slowTokenDelay);
    }

    public SimulatorBehaviour withUnavailableRate(double value) {
        return new SimulatorBehaviour(latencyMs, latencyJitterMs, declineRate, errorRate, value, hangRate,
                lostResponseRate, rateLimitPerSecond, available, hangDuration, slowTokenDelay);
    }

    public SimulatorBehaviour withHangRate(double value) {
        return new SimulatorBehaviour(latencyMs, latencyJitterMs, declineRate, errorRate, unavailableRate, value,
                lostResponseRate, rateLimitPerSecond, available, hangDuration, slowTokenDelay);
    }

    public SimulatorBehaviour withLostResponseRate(double value) {
        return new SimulatorBehaviour(latencyMs, latencyJitterMs, declineRate, errorRate, unavailableRate, hangRate,
                value, rateLimitPerSecond, available, hangDuration, slowTokenDelay);
    }

    public SimulatorBehaviour withRateLimitPerSecond(int value) {
        return new SimulatorBehaviour(latencyMs, latencyJitterMs, declineRate, errorRate, unavailableRate, hangRate,
                lostResponseRate, value, available, hangDuration, slowTokenDelay);
    }

    public SimulatorBehaviour withAvailable(boolean value) {
        return new SimulatorBehaviour(latencyMs, latencyJitterMs, declineRate, errorRate, unavailableRate, hangRate,
                lostResponseRate, rateLimitPerSecond, value, hangDuration, slowTokenDelay);
    }

    public SimulatorBehaviour withHangDuration(Duration value) {
        return new SimulatorBehaviour(latencyMs, latencyJitterMs, declineRate, errorRate, unavailableRate, hangRate,
                lostResponseRate, rateLimitPerSecond, available, value, slowTokenDelay);
    }

    public SimulatorBehaviour withSlowTokenDelay(Duration value) {
        return new SimulatorBehaviour(latencyMs, latencyJitterMs, declineRate, errorRate, unavailableRate, hangRate,
                lostResponseRate, rateLimitPerSecond, available, hangDuration, value);
    }

    private static void requireNonNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, was " + value);
        }
    }

    private static void requireDelay(String name, long millis) {
        if (millis < 0 || millis > MAX_DELAY.toMillis()) {
            throw new IllegalArgumentException(name + " must be between 0 and " + MAX_DELAY.toMillis() + ", was " + millis);
        }
    }

    private static void requireDelay(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.compareTo(MAX_DELAY) > 0) {
            throw new IllegalArgumentException(name + " must be between 0 and " + MAX_DELAY + ", was " + value);
        }
    }

    private static void requireRate(String name, double value) {
        // The negated form also rejects NaN, which every comparison answers false to.
        if (!(value >= 0.0 && value <= 1.0)) {
            throw new IllegalArgumentException(name + " must be between 0 and 1, was " + value);
        }
    }
}
