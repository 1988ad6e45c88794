/** Builds the routing policy from configuration. */
package dev.paymentrouter.routing.runtime;
