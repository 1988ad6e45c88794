package dev.paymentrouter.stripeapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.testsupport.RouterIntegrationTest;
import dev.paymentrouter.testsupport.TightInboundLimits;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

/**
 * The same flow once through Stripe's Node client ({@code stripe} on npm), from {@code src/test/node}: installed into
 * {@code target/stripe-node} on first use. Where {@code node} or {@code npm} is missing, or the package cannot be
 * installed (no registry), the test is skipped and says why: never a silent pass.
 */
@Import(TightInboundLimits.class)
@TestPropertySource(properties = {
    "payment-router.stripe-api.enabled=true",
    "payment-router.stripe-api.port=0"
})
class StripeNodeClientTest extends RouterIntegrationTest {

  /** The version of Stripe's Node client this test proves the door with. */
  static final String STRIPE_NODE = "23.1.0";
  private static final Path MODULES = Path.of("target", "stripe-node");
  private static final Path SCRIPT = Path.of("src", "test", "node", "stripe-flow.cjs");

  @Value("${" + StripeApiServer.PORT_PROPERTY + "}")
  int stripePort;

  @Test
  void stripesNodeClientRunsThePaymentFlowUnchanged() throws Exception {
    Run node = run(List.of("node", "--version"), 30);
    if (node.exitCode() != 0) {
      Assumptions.abort("skipped: node is not installed here (" + node.output() + ")");
    }
    installStripeNode();

    Run flow = run(List.of("node", SCRIPT.toString()), 120, "STRIPE_NODE_MODULES",
        MODULES.resolve("node_modules").toAbsolutePath().toString(), "ROUTER_HOST", "127.0.0.1", "ROUTER_PORT",
        Integer.toString(stripePort), "ROUTER_API_KEY", newMerchant());

    assertThat(flow.output()).contains("\"ok\":true");
    assertThat(flow.exitCode()).isZero();
  }

  /** Installs the client once per build directory; skips the test, saying why, when npm is missing or fails. */
  private static void installStripeNode() throws IOException, InterruptedException {
    Path installed = MODULES.resolve(Path.of("node_modules", "stripe", "package.json"));
    if (Files.exists(installed)
        && Files.readString(installed).contains("\"version\": \"" + STRIPE_NODE + "\"")) {
      return;
    }
    Run npm = run(List.of("npm", "--version"), 30);
    if (npm.exitCode() != 0) {
      Assumptions.abort("skipped: npm is not installed here (" + npm.output() + ")");
    }
    Files.createDirectories(MODULES);
    Run install = run(List.of("npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix",
        MODULES.toString(), "stripe@" + STRIPE_NODE), 240);
    if (install.exitCode() != 0) {
      Assumptions.abort("skipped: npm could not install stripe@" + STRIPE_NODE + " (no registry here?): "
          + tail(install.output()));
    }
  }

  private record Run(int exitCode, String output) {}

  /** Runs a command with its output in a file (nothing blocks on a full pipe); -1 when it cannot start or times out. */
  private static Run run(List<String> command, int timeoutSeconds, String... environment)
      throws IOException, InterruptedException {
    File output = File.createTempFile("stripe-node", ".log");
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output);
      for (int i = 0; i + 1 < environment.length; i += 2) {
        builder.environment().put(environment[i], environment[i + 1]);
      }
      Process process;
      try {
        process = builder.start();
      } catch (IOException notFound) {
        return new Run(-1, notFound.getMessage());
      }
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        return new Run(-1, "timed out after " + timeoutSeconds + " s: "
            + Files.readString(output.toPath(), StandardCharsets.UTF_8));
      }
      return new Run(process.exitValue(), Files.readString(output.toPath(), StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(output.toPath());
    }
  }

  private static String tail(String output) {
    return output.length() <= 600 ? output : output.substring(output.length() - 600);
  }
}
