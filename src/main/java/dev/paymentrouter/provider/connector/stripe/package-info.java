/**
 * The Stripe connector: charges through the PaymentIntents API under the attempt's idempotency key, and reconciles an
 * unknown outcome by retrieval, an idempotent replay or a metadata search; captures, cancels and refunds under the
 * modification's own key. {@code StripeClassification} and {@code StripeModifications} are the tables of what each of
 * Stripe's answers proves about money.
 */
package dev.paymentrouter.provider.connector.stripe;
