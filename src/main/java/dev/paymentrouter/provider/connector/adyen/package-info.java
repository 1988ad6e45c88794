/**
 * The Adyen connector: authorizations through Adyen's Checkout API ({@code POST /v71/payments}) and captures, cancels
 * and refunds of them ({@code POST /v71/payments/{pspReference}/...}), each under Adyen's own idempotency keys, their
 * outcome tables, and reconciliation by replaying the same request under the same key.
 */
package dev.paymentrouter.provider.connector.adyen;
