package dev.paymentrouter;

import dev.paymentrouter.intent.runtime.IntentProperties;
import dev.paymentrouter.intent.runtime.RecoveryProperties;
import dev.paymentrouter.intent.runtime.StorageProperties;
import dev.paymentrouter.provider.runtime.ProvidersProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Rules that span settings of several modules, checked once at start-up: each module checks its own settings, but
 * only here can a lease be compared with a provider's timeouts. A violation would not fail loudly later; it would
 * make the router wrong under load (a lease that runs out during a call lets a second node start a second attempt
 * while the first may still charge), so the router refuses to start and lists every violation at once.
 */
@Configuration(proxyBeanMethods = false)
class SettingsConsistency {

  /** The R2DBC pool's size when none is set (r2dbc-pool's default). */
  static final int R2DBC_POOL_DEFAULT = 10;

  /** How long Stripe's search index may lag a write (its documentation: "typically within a minute"). */
  static final Duration STRIPE_SEARCH_LAG = Duration.ofMinutes(1);

  private static final Logger log = LoggerFactory.getLogger(SettingsConsistency.class);

  /** A marker bean: it exists only once the settings were found consistent. */
  record Checked() {}

  @Bean
  Checked settingsChecked(ProvidersProperties providers, RecoveryProperties recovery, IntentProperties intents,
      StorageProperties storage, Environment environment) {
    int poolSize = environment.getProperty("spring.r2dbc.pool.max-size", Integer.class, R2DBC_POOL_DEFAULT);
    List<String> problems = problems(providers, recovery, intents, storage, poolSize);
    if (!problems.isEmpty()) {
      throw new IllegalStateException("Inconsistent settings:\n  - " + String.join("\n  - ", problems));
    }
    warnings(providers, recovery).forEach(log::warn);
    return new Checked();
  }

  /** Every violation, each naming the properties involved; empty when the settings fit together. */
  static List<String> problems(ProvidersProperties providers, RecoveryProperties recovery, IntentProperties intents,
      StorageProperties storage, int poolSize) {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, ProvidersProperties.Provider> entry : providers.providers().entrySet()) {
      String prefix = "payment-router.providers." + entry.getKey() + ".pool";
      ProvidersProperties.Pool pool = entry.getValue().pool();
      Duration call = pool.callTimeout().plus(pool.queueTimeout());
      String longest = prefix + ".call-timeout + queue-timeout (" + human(call) + ")";
      // An owner holds its lease across a call: a lease that can run out mid-call lets another node take over.
      if (recovery.lease().compareTo(call) <= 0) {
        problems.add("payment-router.recovery.lease (" + human(recovery.lease()) + ") must exceed " + longest);
      }
      // "Not found" proves no charge only once the provider can no longer be working on the request.
      if (recovery.settleTime().compareTo(call) <= 0) {
        problems.add("payment-router.recovery.settle-time (" + human(recovery.settleTime()) + ") must exceed "
            + longest);
      }
      // At shutdown, a call in flight must be able to end before the node hands its intents over.
      if (intents.drainTimeout().compareTo(call) <= 0) {
        problems.add("payment-router.intents.drain-timeout (" + human(intents.drainTimeout()) + ") must exceed "
            + longest);
      }
    }
    // Writers hold connections for their statements; reads, claims and recovery need some left.
    if (storage.writers() >= poolSize) {
      problems.add("payment-router.storage.writers (" + storage.writers() + ") must stay below "
          + "spring.r2dbc.pool.max-size (" + poolSize + ")");
    }
    return problems;
  }

  /**
   * Settings that are legal but risky against a real provider, logged at start-up. A settle time shorter than
   * Stripe's search lag lets a search that has not yet indexed a PaymentIntent count as "no such charge" (harmless
   * against the simulator, whose search is immediate).
   */
  static List<String> warnings(ProvidersProperties providers, RecoveryProperties recovery) {
    List<String> warnings = new ArrayList<>();
    providers.providers().forEach((name, provider) -> {
      // An owner sends a charge only while its lease runs; the call may then take its timeout. A node that takes
      // the intent over trusts "not found" after the settle time, which must not come before that call is decided.
      Duration lastDecided = recovery.lease().plus(provider.pool().callTimeout());
      if (recovery.settleTime().compareTo(lastDecided) < 0) {
        warnings.add("payment-router.recovery.settle-time (" + human(recovery.settleTime()) + ") is shorter than "
            + "the lease plus provider '" + name + "''s call timeout (" + human(lastDecided) + "): an owner that "
            + "stalls at the end of its lease may still have a charge undecided when another node takes a \"not "
            + "found\" for proof that none exists");
      }
      if ("stripe".equals(provider.type() == null ? null : provider.type().trim())
          && recovery.settleTime().compareTo(STRIPE_SEARCH_LAG) < 0) {
        warnings.add("payment-router.recovery.settle-time (" + human(recovery.settleTime()) + ") is shorter than "
            + "Stripe's search lag (" + human(STRIPE_SEARCH_LAG) + "): provider '" + name + "' may take a search "
            + "that has not yet seen a payment as proof that none exists; keep it at 60s or more for Stripe");
      }
    });
    return warnings;
  }

  private static String human(Duration duration) {
    return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
  }
}
