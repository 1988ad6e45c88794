/**
 * Provider simulator: a standalone, non-blocking HTTP server that behaves like a payment service provider.
 * It owns the fake PSP's charge ledger, magic tokens, fault injection and its control endpoints under {@code /_sim},
 * and speaks one of three wire formats (native, Stripe PaymentIntents, Adyen Checkout) over one shared engine.
 */
package dev.paymentrouter.simulator;
