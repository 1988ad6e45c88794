/**
 * A second door of the merchant API that speaks Stripe's: Stripe's paths, form-encoded bodies, errors and JSON
 * shapes, on a port of its own, translated to the same intent commands as the native API. Stripe's own client
 * libraries route their payments through the router unchanged but for their base URL; the router's rules, not the
 * door, decide which provider takes each payment.
 */
package dev.paymentrouter.stripeapi;
