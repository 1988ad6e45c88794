package dev.paymentrouter.limits;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The cluster's buckets, over the database Flyway migrates (its JDBC settings are derived from the R2DBC ones, see
 * {@code platform.DatabaseEnvironment}); off with {@code payment-router.cluster-limits.enabled=false}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ClusterLimitsProperties.class)
class ClusterLimitsConfiguration {

  @Bean(destroyMethod = "close")
  @ConditionalOnBooleanProperty(name = "payment-router.cluster-limits.enabled", matchIfMissing = true)
  ClusterBuckets clusterBuckets(ClusterLimitsProperties properties, Environment environment, Clock clock,
      MeterRegistry meters) {
    String url = environment.getRequiredProperty("spring.flyway.url");
    ClusterBuckets buckets = new ClusterBuckets(properties, url, environment.getProperty("spring.flyway.user"),
        environment.getProperty("spring.flyway.password"), clock);
    FunctionCounter.builder("payment_router.cluster_limits.permits", buckets, b -> b.counts().calls())
        .description("permits asked of the cluster's buckets").register(meters);
    FunctionCounter.builder("payment_router.cluster_limits.local", buckets, b -> b.counts().local())
        .description("permits answered from the local copy, without a database round trip").register(meters);
    FunctionCounter.builder("payment_router.cluster_limits.fallbacks", buckets, b -> b.counts().fallbacks())
        .description("permits answered by this replica's fallback share (the database unreachable)")
        .register(meters);
    return buckets;
  }

  /** DEGRADED (still serving, at this replica's share) while any shared bucket answers from its fallback. */
  @Bean("clusterLimits")
  @ConditionalOnBooleanProperty(name = "payment-router.cluster-limits.enabled", matchIfMissing = true)
  HealthIndicator clusterLimitsHealth(ClusterBuckets buckets) {
    return () -> {
      List<String> fallingBack = buckets.inFallback();
      ClusterBuckets.Counts counts = buckets.counts();
      Map<String, Object> details = Map.of("fallback", fallingBack, "replicas", buckets.replicas(),
          "roundTripsPerPermit", counts.roundTripsPerCall());
      return fallingBack.isEmpty()
          ? Health.up().withDetails(details).build()
          : Health.status(new Status("DEGRADED")).withDetails(details).build();
    };
  }
}
