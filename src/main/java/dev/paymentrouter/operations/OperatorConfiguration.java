package dev.paymentrouter.operations;

import dev.paymentrouter.intent.runtime.IntentRegistry;
import dev.paymentrouter.platform.LocalMode;
import dev.paymentrouter.platform.PhasedLifecycle;
import dev.paymentrouter.provider.runtime.ProviderDirectory;
import java.security.SecureRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.actuate.autoconfigure.web.server.ConditionalOnManagementPort;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.scheduler.Schedulers;

/**
 * The operators' credentials, in the main context. The filter that checks them lives in the management context
 * ({@link OperatorManagementConfiguration}); this one only keeps {@code /actuator/**} off the API port.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(OperatorProperties.class)
class OperatorConfiguration {

  private static final Logger log = LoggerFactory.getLogger(OperatorConfiguration.class);

  /** The operator local mode makes up when nobody configured one. */
  static final String LOCAL_OPERATOR = "local";

  @Bean
  OperatorTokens operatorTokens(OperatorProperties properties, Environment environment) {
    OperatorTokens tokens = properties.toTokens();
    if (tokens.isEmpty() && LocalMode.isOn(environment)) {
      log.info("Local mode: no operator token configured ({}.tokens.<name>); operator '{}' gets one made up for "
          + "this run, printed at start-up", OperatorProperties.PREFIX, LOCAL_OPERATOR);
      return OperatorTokens.madeUpFor(LOCAL_OPERATOR, new SecureRandom());
    }
    if (tokens.isEmpty()) {
      log.warn("No operator token configured ({}.tokens.<name>): every operator endpoint answers 401",
          OperatorProperties.PREFIX);
    } else {
      log.info("Operators: {}", tokens.operators());
    }
    return tokens;
  }

  /** Local mode prints the token it made up, next to the demo merchant's key, once the router is up. */
  @Bean
  ApplicationRunner printLocalOperatorToken(OperatorTokens tokens) {
    return arguments -> tokens.madeUpToken().ifPresent(token -> System.out.println("Operator token: " + token));
  }

  /** The recovery lease's node id when one is configured, else the host name: where an operator action ran. */
  @Bean
  OperatorNode operatorNode(Environment environment) {
    return new OperatorNode(environment.getProperty("payment-router.recovery.node-id",
        System.getenv().getOrDefault("HOSTNAME", "node")));
  }

  @Bean
  OperatorStore operatorStore(DatabaseClient db) {
    return new OperatorStore(db);
  }

  @Bean
  IntentRedrive intentRedrive(IntentRegistry registry, OperatorStore store, OperatorNode node) {
    return new IntentRedrive(registry, store, node);
  }

  @Bean
  ProviderControls providerControls(ProviderDirectory providers, OperatorStore store, OperatorProperties properties) {
    return new ProviderControls(providers, store::controls, properties.controlsPoll(), Schedulers.boundedElastic());
  }

  /**
   * Applies the stored controls once the supervisors run and before the web server takes traffic, so that a
   * restarted replica never routes to a drained provider; then keeps them in step with the other replicas.
   */
  @Bean
  SmartLifecycle providerControlsLifecycle(ProviderControls controls) {
    return new PhasedLifecycle(controls::start, controls::stop, PhasedLifecycle.BEFORE_WEB_SERVER + 1);
  }

  @Bean
  @ConditionalOnManagementPort(ManagementPortType.DIFFERENT)
  ManagementPathsNotFound managementPathsNotFound(ApplicationContext context, WebEndpointProperties endpoints) {
    return new ManagementPathsNotFound(context, endpoints.getBasePath());
  }
}
