/**
 * Limits the replicas share: token buckets kept in PostgreSQL by Bucket4j (provider calls, merchants' inbound
 * requests) behind a local fast path, and the providers' success windows summed over the cluster.
 */
package dev.paymentrouter.limits;
