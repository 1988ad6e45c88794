/**
 * Merchant webhook endpoints at run time: their store in PostgreSQL (secrets sealed at rest) and the URL policy that
 * registration and delivery both apply, resolving host names off the event loop.
 */
package dev.paymentrouter.webhook.runtime;
