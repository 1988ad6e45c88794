/**
 * Builds the routing policy from configuration, checked against the configured providers at start-up, and the
 * scoreboard of provider success rates that the policy reads through the health snapshot.
 */
package dev.paymentrouter.routing.runtime;
