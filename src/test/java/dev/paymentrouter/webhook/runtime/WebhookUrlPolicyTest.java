package dev.paymentrouter.webhook.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.webhook.domain.Verdict;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;

/** The SSRF rules, on a URL's text (registration) and on what its host resolves to (delivery). */
class WebhookUrlPolicyTest {

  private static final Map<String, List<String>> DNS = Map.of(
      "merchant.example", List.of("93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"),
      "rebound.example", List.of("93.184.215.14", "10.1.2.3"),
      "metadata.example", List.of("169.254.169.254"),
      "mapped.example", List.of("::ffff:127.0.0.1"),
      "nat64.example", List.of("64:ff9b::a00:1"));

  private final WebhookUrlPolicy policy = policy(false);

  @ParameterizedTest
  @ValueSource(strings = {
      "https://127.0.0.1/hook", "https://10.0.0.8/hook", "https://172.16.5.4/hook", "https://172.31.255.255/hook",
      "https://192.168.1.1/hook", "https://100.64.0.1/hook", "https://169.254.169.254/latest/meta-data",
      "https://0.0.0.0/hook", "https://224.0.0.1/hook", "https://255.255.255.255/hook",
      "https://[::1]/hook", "https://[::]/hook", "https://[fd00:ec2::254]/hook", "https://[fe80::1]/hook",
      "https://[ff02::1]/hook", "https://[::ffff:10.0.0.1]/hook", "https://[::ffff:7f00:1]/hook",
      "https://[64:ff9b::a9fe:a9fe]/hook", "https://[fe80::1%25eth0]/hook",
      "https://localhost/hook", "https://api.localhost./hook",
      "https://2130706433/hook", "https://0x7f.1/hook", "https://127.1/hook", "https://0177.0.0.1/hook"})
  void refusesLoopbackPrivateLinkLocalAndTheirDisguisesOutsideLocalMode(String url) {
    Verdict verdict = policy.checkSyntax(URI.create(url));

    assertThat(verdict).isInstanceOf(Verdict.Refused.class);
    // java.net.URI itself takes some numeric forms (0x7f.1, 127.1) for no host at all: refused as invalid then.
    assertThat(((Verdict.Refused) verdict).code()).isIn("forbidden_address", "invalid_url");
  }

  @Test
  void acceptsAPublicHttpsUrl() {
    assertThat(policy.checkSyntax(URI.create("https://merchant.example:8443/hooks?x=1")).allowed()).isTrue();
    assertThat(policy.checkSyntax(URI.create("https://93.184.215.14/hooks")).allowed()).isTrue();
    assertThat(policy.checkSyntax(URI.create("https://172.32.0.1/hooks")).allowed()).isTrue();
  }

  @Test
  void wantsHttpsAHostAndNoCredentialsOutsideLocalMode() {
    assertThat(code(policy.checkSyntax(URI.create("http://merchant.example/hooks")))).isEqualTo("https_required");
    assertThat(code(policy.checkSyntax(URI.create("ftp://merchant.example/hooks")))).isEqualTo("https_required");
    assertThat(code(policy.checkSyntax(URI.create("https://user:pw@merchant.example/")))).isEqualTo("invalid_url");
    assertThat(code(policy.checkSyntax(URI.create("https://my_host.example/")))).isEqualTo("invalid_url");
    assertThat(code(policy.checkSyntax(URI.create("/hooks")))).isEqualTo("invalid_url");
  }

  @Test
  void localModeAllowsPlainHttpToLoopback() {
    WebhookUrlPolicy local = policy(true);

    assertThat(local.checkSyntax(URI.create("http://127.0.0.1:9000/hooks")).allowed()).isTrue();
    assertThat(local.check(URI.create("http://localhost:9000/hooks")).block()).isInstanceOf(Verdict.Allowed.class);
    assertThat(code(local.checkSyntax(URI.create("ftp://127.0.0.1/")))).isEqualTo("https_required");
  }

  @Test
  void atDeliveryEveryResolvedAddressMustBeAllowed() {
    Verdict allowed = policy.check(URI.create("https://merchant.example/hooks")).block();
    assertThat(allowed).isInstanceOf(Verdict.Allowed.class);
    // The sender is handed the addresses it may connect to, so a second resolution cannot steer it elsewhere.
    assertThat(((Verdict.Allowed) allowed).addresses()).hasSize(2);

    // One private address among public ones is enough to refuse: the connection could go to it.
    assertThat(code(policy.check(URI.create("https://rebound.example/hooks")).block()))
        .isEqualTo("forbidden_address");
    assertThat(code(policy.check(URI.create("https://metadata.example/hooks")).block()))
        .isEqualTo("forbidden_address");
    assertThat(code(policy.check(URI.create("https://mapped.example/hooks")).block()))
        .isEqualTo("forbidden_address");
    assertThat(code(policy.check(URI.create("https://nat64.example/hooks")).block()))
        .isEqualTo("forbidden_address");
  }

  @Test
  void aHostThatDoesNotResolveIsRefusedAsUnresolvable() {
    assertThat(code(policy.check(URI.create("https://gone.example/hooks")).block())).isEqualTo("unresolvable_host");
  }

  @Test
  void resolvesOffTheCallersThread() {
    String[] resolvedOn = new String[1];
    WebhookUrlPolicy watching = new WebhookUrlPolicy(false, host -> {
      resolvedOn[0] = Thread.currentThread().getName();
      return List.of(InetAddress.getByName("93.184.215.14"));
    }, Schedulers.boundedElastic(), Duration.ofSeconds(5));

    watching.check(URI.create("https://merchant.example/")).block();

    assertThat(resolvedOn[0]).startsWith("boundedElastic");
  }

  private static WebhookUrlPolicy policy(boolean localMode) {
    return new WebhookUrlPolicy(localMode, WebhookUrlPolicyTest::resolve, Schedulers.boundedElastic(),
        Duration.ofSeconds(5));
  }

  private static List<InetAddress> resolve(String host) throws UnknownHostException {
    List<String> addresses = DNS.get(host);
    if (addresses == null) {
      throw new UnknownHostException(host);
    }
    // Literals only: InetAddress parses them without a lookup.
    List<InetAddress> resolved = new java.util.ArrayList<>();
    for (String address : addresses) {
      resolved.add(InetAddress.getByName(address));
    }
    return resolved;
  }

  private static String code(Verdict verdict) {
    return verdict instanceof Verdict.Refused refused ? refused.code() : "allowed";
  }
}
