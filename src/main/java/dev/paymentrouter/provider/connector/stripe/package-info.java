/**
 * The Stripe connector: charges through the PaymentIntents API under the attempt's idempotency key, and reconciles an
 * unknown outcome by retrieval, an idempotent replay or a metadata search. {@code StripeClassification} is the table
 * of what each of Stripe's answers proves about money.
 */
package dev.paymentrouter.provider.connector.stripe;
