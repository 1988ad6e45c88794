package dev.paymentrouter.intent.runtime;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Limits of the intent runtime, under {@code payment-router.intents}.
 *
 * @param maxActive       live intent processes per node; more new intents are refused with 503
 * @param mailboxCapacity messages a process may have waiting
 * @param deadline        how long after creation an intent may still start a new attempt; after that it fails
 *                        with {@code deadline_exceeded} unless a charge may already exist
 * @param drainTimeout    at shutdown, how long live intents may take to finish before the node hands them over
 */
@ConfigurationProperties("payment-router.intents")
public record IntentProperties(
    @DefaultValue("10000") int maxActive,
    @DefaultValue("16") int mailboxCapacity,
    @DefaultValue("15m") Duration deadline,
    @DefaultValue("15s") Duration drainTimeout) {}
