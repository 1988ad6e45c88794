package dev.paymentrouter.api;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * API settings under {@code payment-router.api}.
 *
 * @param defaultWait how long a create waits for a final status when the client states no preference
 * @param maxWait     the longest wait a client may ask for with {@code Prefer: wait=N}
 * @param retryAfter  the {@code Retry-After} given with 503 answers to overload
 * @param storeTimeout the longest a create waits for its intent to be stored before answering 503
 * @param maxEventLoopLag new payments are refused (503, nothing stored) while the HTTP event loops run this late:
 *                    the CPU cannot keep up, and taking more work would only make every answer slower
 */
@ConfigurationProperties("payment-router.api")
public record ApiProperties(
    @DefaultValue("1s") Duration defaultWait,
    @DefaultValue("10s") Duration maxWait,
    @DefaultValue("1s") Duration retryAfter,
    @DefaultValue("5s") Duration storeTimeout,
    @DefaultValue("200ms") Duration maxEventLoopLag) {}
