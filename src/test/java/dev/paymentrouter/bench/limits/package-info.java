/**
 * Measurements of the cluster-wide buckets: which Bucket4j lock variant and optimization the router uses, from the
 * numbers of {@link dev.paymentrouter.bench.limits.ClusterBucketMeasurement}. Run by hand, never by the build.
 */
package dev.paymentrouter.bench.limits;
