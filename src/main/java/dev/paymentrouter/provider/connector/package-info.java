/**
 * Adapters to payment service providers: the connector contract (authorize with the provider's idempotency key,
 * query a charge by our reference) and the HTTP connector for the bundled provider simulator.
 */
package dev.paymentrouter.provider.connector;
