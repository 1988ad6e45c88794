package dev.paymentrouter.deploy;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** values.schema.json stops a bad values file before anything is rendered. */
class HelmValuesSchemaTest {

  static final Path SCRATCH = Path.of("target", "helm-values");

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      replica count as text          | replicaCount: two                                        | replicaCount
      no replicas at all             | replicaCount: 0                                          | replicaCount
      unknown pull policy            | 'image: {repository: payment-router, pullPolicy: Sometimes}' | pullPolicy
      unknown connector type         | 'providers: {alpha: {baseUrl: "http://a:1", type: paypal}}' | type
      provider without a base URL    | 'providers: {zeta: {rateLimit: {burst: 5}}}'            | baseUrl
      provider name unfit for env    | 'providers: {psp-one: {baseUrl: "http://a:1"}}'         | psp-one
      misspelt provider setting      | 'providers: {alpha: {baseURL: "http://a:1"}}'           | baseURL
      JDBC instead of R2DBC URL      | 'database: {url: "jdbc:postgresql://db:5432/x"}'        | url
      duration in words              | 'intents: {deadline: 15 minutes}'                       | deadline
      misspelt top-level key         | 'replicas: 3'                                           | replicas
      service type unknown           | 'service: {type: Ingress, port: 80}'                    | type
      root allowed                   | 'podSecurityContext: {runAsNonRoot: false}'             | runAsNonRoot
      token key id unfit for env     | 'tokenEncryption: {activeKey: Key-1}'                   | activeKey
      token key given as a value     | 'tokenEncryption: {activeKey: k1, key: "c2VjcmV0"}'     | key
      operator token too short       | 'operators: {alice: {token: short-token}}'              | token
      operator name unfit for env    | 'operators: {on-call: {}}'                              | on-call
      misspelt operator setting      | 'operators: {alice: {existingSecretName: ops}}'         | existingSecretName
      webhook secret beside existing | 'providers: {alpha: {existingSecret: psp, webhookSecrets: [whsec_a]}}' | webhookSecrets
      secret keys without a Secret   | 'providers: {alpha: {existingSecretWebhookSecretKeys: [whsec]}}' | existingSecretWebhookSecretKeys
      adyen HMAC key not hex         | 'providers: {beta: {webhookHmacKeys: [not-a-hex-key]}}'  | webhookHmacKeys
      retry wait in words            | 'webhooks: {delivery: {retries: [5 seconds]}}'          | retries
      delivery jitter above one      | 'webhooks: {delivery: {jitter: 2}}'                     | jitter
      misspelt delivery setting      | 'webhooks: {delivery: {perendpoint: 4}}'                | perendpoint
      dashboard label not a label    | 'grafana: {dashboards: {enabled: true, label: "grafana dashboard"}}' | label
      failure share as a percentage  | 'prometheusRule: {alerts: {providerFailures: {ratio: 20}}}' | ratio
      alert wait in Spring style     | 'prometheusRule: {alerts: {circuitOpen: {for: PT2M}}}'  | for
      misspelt alert                 | 'prometheusRule: {alerts: {circuitOpened: {for: 2m}}}'  | circuitOpened
      """)
  void rejects(String description, String values, String named) throws IOException {
    Files.createDirectories(SCRATCH);
    Path file = SCRATCH.resolve(description.replace(' ', '-') + ".yaml");
    Files.writeString(file, values + "\n");
    assertThatThrownBy(() -> RenderedChart.template(file))
        .hasMessageContaining("schema")
        .hasMessageContaining(named);
  }
}
