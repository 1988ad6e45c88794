/**
 * Merchant webhooks as pure values: the event types a merchant can subscribe to, signing secrets and the Standard
 * Webhooks signature, and the address ranges a webhook may never be sent to (SSRF).
 */
package dev.paymentrouter.webhook.domain;
