package dev.paymentrouter.operations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.provider.runtime.ProviderDirectory;
import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;

/**
 * The operator page as a browser shows it: headless Chromium opens {@code /operator} with the operator token as the
 * Basic password (the page answers 401 with a Basic challenge, and the browser then sends the URL's credentials),
 * and the rendered page lists every provider, shows the one whose breaker an operator forced open, and the one
 * an operator drained. Saves a
 * screenshot to {@code target/operator-page.png}; with {@code -Doperator.screenshot.update=true} also to
 * {@code docs/operator-page.png}, the README's. Without a browser on the PATH the test is aborted, saying so.
 */
class OperatorPageBrowserTest extends RouterIntegrationTest {

  static final List<String> BROWSERS = List.of("chromium", "chromium-browser", "google-chrome");
  static final Path SCREENSHOT = Path.of("target", "operator-page.png");
  static final Path DOCS_SCREENSHOT = Path.of("docs", "operator-page.png");
  static final String FORCED = "beta";
  static final String DRAINED = "gamma";

  @Autowired
  ProviderDirectory providers;

  @AfterEach
  void giveTheProvidersBack() {
    operator.post().uri("/operator/v1/providers/" + FORCED + "/breaker").contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"state\":\"auto\"}").exchange().expectStatus().isOk();
    operator.post().uri("/operator/v1/providers/" + DRAINED + "/drain").contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"drained\":false}").exchange().expectStatus().isOk();
  }

  @Test
  void thePageListsEveryProviderAndShowsTheForcedOpenBreaker() throws Exception {
    Optional<Path> browser = browser();
    if (browser.isEmpty()) {
      Assumptions.abort("no headless browser on the PATH (" + String.join(", ", BROWSERS) + "): install a "
          + "Chromium (Debian: apt-get install chromium) to run the operator page test");
    }
    // Something to show: a few intents, and an operator's forced breaker.
    IntentClient merchant = new IntentClient(client, newMerchant());
    for (long amount : new long[] {1_299, 4_500, 990}) {
      merchant.created(IntentClient.body(amount, "tok_visa"));
    }
    operator.post().uri("/operator/v1/providers/" + FORCED + "/breaker").contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"state\":\"forced_open\"}").exchange().expectStatus().isOk();
    operator.post().uri("/operator/v1/providers/" + DRAINED + "/drain").contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"drained\":true}").exchange().expectStatus().isOk();
    String url = "http://op:" + OPERATOR_TOKEN + "@127.0.0.1:" + managementPort + "/operator";

    String dom = run(browser.get(), "--dump-dom", url);

    assertThat(dom).contains("payment-router operator");
    for (String provider : providers.names()) {
      assertThat(dom).as("the page lists provider %s", provider).contains("data-provider=\"" + provider + "\"");
    }
    String row = row(dom, FORCED);
    assertThat(row).contains("data-circuit=\"FORCED_OPEN\"").contains("forced by an operator");
    assertThat(row(dom, DRAINED)).contains("data-drained=\"true\"");
    for (String provider : providers.names()) {
      if (!provider.equals(FORCED)) {
        assertThat(row(dom, provider)).doesNotContain("FORCED_OPEN");
      }
    }

    Files.createDirectories(SCREENSHOT.getParent());
    Files.deleteIfExists(SCREENSHOT);
    run(browser.get(), "--screenshot=" + SCREENSHOT.toAbsolutePath(), "--window-size=1280,900",
        "--hide-scrollbars", url);
    assertThat(SCREENSHOT).exists().isNotEmptyFile();
    if (Boolean.getBoolean("operator.screenshot.update")) {
      Files.copy(SCREENSHOT, DOCS_SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** The provider's table row in the dumped page. */
  private static String row(String dom, String provider) {
    int start = dom.indexOf("data-provider=\"" + provider + "\"");
    assertThat(start).as("row of %s", provider).isNotNegative();
    return dom.substring(start, dom.indexOf("</tr>", start));
  }

  /** Runs the browser headless with a profile of its own; answers what it printed, fails if it fails. */
  private static String run(Path browser, String... arguments) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("operator-page-browser");
    Path errors = Files.createTempFile("operator-page-browser", ".log");
    List<String> command = new ArrayList<>(List.of(browser.toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--no-first-run", "--user-data-dir=" + profile));
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
    byte[] output = process.getInputStream().readAllBytes();
    boolean ended = process.waitFor(90, TimeUnit.SECONDS);
    if (!ended) {
      process.destroyForcibly();
    }
    String log = Files.readString(errors, StandardCharsets.UTF_8);
    assertThat(ended).as("the browser ends; it said: %s", log).isTrue();
    assertThat(process.exitValue()).as("the browser's exit code; it said: %s", log).isZero();
    try (Stream<Path> files = Files.walk(profile)) {
      files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
    }
    Files.deleteIfExists(errors);
    return new String(output, StandardCharsets.UTF_8);
  }

  private static Optional<Path> browser() {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String name : BROWSERS) {
      for (String directory : path.split(File.pathSeparator)) {
        Path candidate = Path.of(directory, name);
        if (Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }
}
