package dev.paymentrouter.operations;

import dev.paymentrouter.api.OperatorMerchantController;
import dev.paymentrouter.intent.runtime.IntentStore;
import dev.paymentrouter.merchant.runtime.MerchantAccounts;
import dev.paymentrouter.merchant.runtime.MerchantSettingsDocument;
import dev.paymentrouter.provider.runtime.ProviderDirectory;
import dev.paymentrouter.provider.runtime.ProviderScoreboard;
import java.time.Clock;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.actuate.autoconfigure.web.server.ConditionalOnManagementPort;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import tools.jackson.databind.json.JsonMapper;

/**
 * The operator check, in the management context: the child context of the management server when it has a port
 * of its own, the main context when it shares the API's port (then only the endpoints' paths are guarded).
 *
 * <p>Spring Boot loads it into whichever of the two it belongs, from
 * {@code META-INF/spring/org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration.imports}.
 * It carries no {@code @Configuration} (nor {@code @ManagementContextConfiguration}, which is one): component
 * scanning would then also load it into the main context, and its filter would run twice on the management port.
 */
class OperatorManagementConfiguration {

  @Bean
  OperatorAuthentication operatorAuthentication(OperatorTokens tokens, WebEndpointProperties endpoints,
      Environment environment) {
    return new OperatorAuthentication(tokens, endpoints.getBasePath(),
        ManagementPortType.get(environment) == ManagementPortType.DIFFERENT);
  }

  /** The operator API, in the management server's own context (see {@link OperatorMerchantController}). */
  @Bean
  @ConditionalOnManagementPort(ManagementPortType.DIFFERENT)
  OperatorMerchantController operatorMerchantController(MerchantAccounts accounts,
      MerchantSettingsDocument documents) {
    return new OperatorMerchantController(accounts, documents);
  }

  /** The operator page and actions, in the management server's own context (see {@link OperatorController}). */
  @Bean
  @ConditionalOnManagementPort(ManagementPortType.DIFFERENT)
  OperatorController operatorController(ProviderDirectory providers, ProviderScoreboard scoreboard,
      ProviderControls controls, OperatorStore store, IntentStore intents, IntentRedrive redrive, JsonMapper json,
      Clock clock, OperatorNode node) {
    return new OperatorController(providers, scoreboard, controls, store, intents, redrive, json, clock, node);
  }
}
