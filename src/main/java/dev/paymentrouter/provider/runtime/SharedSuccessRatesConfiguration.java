package dev.paymentrouter.provider.runtime;

import dev.paymentrouter.limits.ClusterBuckets;
import dev.paymentrouter.limits.ClusterLimitsProperties;
import dev.paymentrouter.platform.PhasedLifecycle;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.r2dbc.core.DatabaseClient;

/** With cluster limits on, every replica publishes its success windows and routes by the cluster's. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "payment-router.cluster-limits.enabled", matchIfMissing = true)
class SharedSuccessRatesConfiguration {

  @Bean
  SharedSuccessRates sharedSuccessRates(DatabaseClient db, ProviderScoreboard providerScoreboard,
      ObjectProvider<ClusterBuckets> clusterBuckets, ClusterLimitsProperties limits, Environment environment) {
    // The lease's node id when one is configured; otherwise any id unique to this process will do.
    String nodeId = environment.getProperty("payment-router.recovery.node-id",
        System.getenv().getOrDefault("HOSTNAME", "node") + "-" + UUID.randomUUID().toString().substring(0, 8));
    return new SharedSuccessRates(db, providerScoreboard, clusterBuckets.getIfAvailable(), nodeId,
        limits.publishInterval(), limits.windowMaxAge());
  }

  /** Shares success windows while the node runs (after the migrations, which run while beans are created). */
  @Bean
  SmartLifecycle sharedSuccessRatesLifecycle(SharedSuccessRates rates) {
    return new PhasedLifecycle(rates::start, rates::stop, SmartLifecycle.DEFAULT_PHASE);
  }
}
