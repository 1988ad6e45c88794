package dev.paymentrouter.operations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.intent.runtime.IntentStore.UnresolvedIntent;
import dev.paymentrouter.operations.OperatorStore.Action;
import dev.paymentrouter.operations.OperatorStore.RecentIntent;
import dev.paymentrouter.operations.Overview.ProviderView;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

/** The page escapes whatever it renders, and the operator actions' cross-site rules. */
class OperatorPageTest {

  static final String SCRIPT = "<script>alert('x')</script>";

  @Test
  void escapesEveryCharacterThatCouldLeaveTextOrAnAttribute() {
    assertThat(OperatorPage.escape("<a href=\"x\" title='y'>&amp;</a>"))
        .isEqualTo("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
    assertThat(OperatorPage.escape(null)).isEmpty();
  }

  @Test
  void rendersMerchantDataAndProviderNamesOnlyEscaped() {
    Instant at = Instant.parse("2026-12-01T00:00:00Z");
    Overview overview = new Overview(at, SCRIPT,
        List.of(new ProviderView(SCRIPT, "simulator", "RUNNING", "FORCED_OPEN", true, true, "UNAVAILABLE", 3, 1, 0,
            8, 16, 0, 0, 0.5, SCRIPT, SCRIPT)),
        List.of(new RecentIntent("pi_\"><script>", "m_1", SCRIPT, "processing", 100, "EUR", SCRIPT,
            "{\"note\": \"" + SCRIPT + "\"}", SCRIPT, at, List.of("alpha:unknown"))),
        1, List.of(new UnresolvedIntent("pi_'onmouseover='x", "m_1", SCRIPT, at)),
        List.of(new Action(1, at, "alice", "drain", SCRIPT, "{\"x\": \"" + SCRIPT + "\"}", SCRIPT)));

    String page = OperatorPage.render(overview, "n0nce");

    // The page's own script is the only one.
    assertThat(page.split("<script", -1)).hasSize(2);
    assertThat(page).contains("<script nonce=\"n0nce\">")
        .doesNotContain("<script>").doesNotContain("'onmouseover='").contains("pi_&quot;&gt;&lt;script&gt;")
        .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;")
        .contains("data-path=\"/operator/v1/intents/pi_&#39;onmouseover=&#39;x/redrive\"")
        .contains("50.0%").contains("(forced by an operator)").contains("data-drained=\"true\"");
  }

  @Test
  void anActionMustBeJson() {
    assertThat(CrossSiteGuard.check(post().build())).hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(415));
    assertThat(CrossSiteGuard.check(post().contentType(MediaType.APPLICATION_FORM_URLENCODED).build()))
        .hasValueSatisfying(r -> assertThat(r.code()).isEqualTo("json_required"));
    assertThat(CrossSiteGuard.check(post().contentType(MediaType.TEXT_PLAIN).build())).isPresent();
    assertThat(CrossSiteGuard.check(post().contentType(MediaType.APPLICATION_JSON).build())).isEmpty();
    assertThat(CrossSiteGuard.check(post().header(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
        .build())).isEmpty();
  }

  @Test
  void anActionWithAnOriginMustComeFromTheManagementServerItself() {
    for (String other : List.of("https://evil.example", "null", "http://127.0.0.1:9", "https://127.0.0.1:8081",
        "http://127.0.0.1.evil.example:8081", "not a url")) {
      assertThat(CrossSiteGuard.check(post().contentType(MediaType.APPLICATION_JSON)
          .header(HttpHeaders.ORIGIN, other).build())).as(other)
          .hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(403));
    }
    assertThat(CrossSiteGuard.check(post().contentType(MediaType.APPLICATION_JSON)
        .header(HttpHeaders.ORIGIN, "http://127.0.0.1:8081").build())).isEmpty();
    assertThat(CrossSiteGuard.sameOrigin("http://Router.example", URI.create("http://router.example:80/x"))).isTrue();
  }

  private static MockServerHttpRequest.BodyBuilder post() {
    return MockServerHttpRequest.post("http://127.0.0.1:8081/operator/v1/providers/alpha/drain");
  }
}
