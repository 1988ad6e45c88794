package dev.paymentrouter.webhook.runtime;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Merchant webhook settings under {@code payment-router.webhooks}.
 *
 * @param rotationOverlap how long a secret replaced by {@code rotate-secret} keeps signing beside the new one, so a
 *                        merchant can deploy the new secret without refusing deliveries meanwhile
 * @param resolveTimeout  the longest a delivery waits for its host to resolve before the SSRF check refuses it
 */
@ConfigurationProperties("payment-router.webhooks")
public record WebhookProperties(
    @DefaultValue("24h") Duration rotationOverlap,
    @DefaultValue("5s") Duration resolveTimeout) {}
