package dev.paymentrouter.intent.runtime;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Limits of the intent runtime, under {@code payment-router.intents}.
 *
 * @param maxActive       live intent processes per node; more new intents are refused with 503
 * @param mailboxCapacity messages a process may have waiting
 */
@ConfigurationProperties("payment-router.intents")
public record IntentProperties(@DefaultValue("10000") int maxActive, @DefaultValue("16") int mailboxCapacity) {}
