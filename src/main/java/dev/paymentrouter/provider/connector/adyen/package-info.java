/**
 * The Adyen connector: authorizations through Adyen's Checkout API ({@code POST /v71/payments}) under Adyen's own
 * idempotency keys, its outcome table, and reconciliation by replaying the same request under the same key.
 */
package dev.paymentrouter.provider.connector.adyen;
