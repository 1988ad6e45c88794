package dev.paymentrouter.notification;

import dev.paymentrouter.notification.domain.Notice;

/**
 * One verified notification, parsed: the provider's event id (the idempotency key of its storage), its type, what
 * it tells, and the raw JSON it came as (one Adyen item, or Stripe's whole event).
 */
record ProviderNotification(String eventId, String type, Notice notice, String json) {}
