/**
 * The merchant-facing REST API: payment intents over JSON, errors as RFC 9457 problem details. Thin: it
 * authenticates, validates, and hands the work to the intent runtime.
 */
package dev.paymentrouter.api;
