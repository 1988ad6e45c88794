/**
 * Merchants at runtime: their store, API-key authentication with its per-node cache, each node's copy of the
 * merchants' settings (reloaded every key-cache TTL), what operators do to merchants, and the demo merchant of local
 * and compose runs.
 */
package dev.paymentrouter.merchant.runtime;
