/**
 * The per-provider processes: a supervisor that owns a gatekeeper (rate limit and circuit breaker), a connector
 * and a bounded worker pool, restarts them when they crash and marks the provider down when they crash too often;
 * and the node's scoreboard of every provider's recent success rate.
 */
package dev.paymentrouter.provider.runtime;
