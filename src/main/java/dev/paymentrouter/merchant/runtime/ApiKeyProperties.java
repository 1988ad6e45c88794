package dev.paymentrouter.merchant.runtime;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * API-key authentication under {@code payment-router.api-keys}.
 *
 * @param cacheTtl  how long a key found in the database is trusted without looking again; a revoked key stops
 *                  working within this time
 * @param cacheSize keys remembered at most
 */
@ConfigurationProperties("payment-router.api-keys")
public record ApiKeyProperties(@DefaultValue("60s") Duration cacheTtl, @DefaultValue("10000") long cacheSize) {}
