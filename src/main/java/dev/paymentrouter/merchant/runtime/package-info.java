/**
 * Merchants at runtime: their store, API-key authentication of requests, and the demo merchant of local and
 * compose runs.
 */
package dev.paymentrouter.merchant.runtime;
