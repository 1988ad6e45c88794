package dev.paymentrouter.operations;

import dev.paymentrouter.intent.runtime.IntentStore.UnresolvedIntent;
import dev.paymentrouter.operations.OperatorStore.Action;
import dev.paymentrouter.operations.OperatorStore.RecentIntent;
import dev.paymentrouter.operations.Overview.ProviderView;
import java.util.Locale;

/**
 * The operator page, {@code GET /operator}: the {@link Overview} as server-rendered HTML, reloaded every few
 * seconds, with buttons for the operator actions. Intent ids, references, metadata and merchant names are the
 * merchants' data and provider names come from configuration: everything rendered goes through {@link #escape}.
 * The buttons carry their action as data attributes (never as script text), and one small script posts them as
 * JSON, which is what the action endpoints require ({@link CrossSiteGuard}).
 */
final class OperatorPage {

  /** Seconds between reloads. */
  static final int REFRESH_SECONDS = 5;

  private OperatorPage() {}

  /** The page; {@code nonce} is the script's, as the Content-Security-Policy header allows it. */
  static String render(Overview overview, String nonce) {
    StringBuilder html = new StringBuilder(16_384);
    html.append("""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta http-equiv="refresh" content="%d">
        <title>payment-router operator</title>
        <style>
        body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
        h1{font-size:1.4em;margin:0 0 .2em}h2{font-size:1.1em;margin:1.4em 0 .4em}
        table{border-collapse:collapse;width:100%%}th,td{border-bottom:1px solid #ddd;padding:.3em .5em;
        text-align:left;vertical-align:top}th{background:#f4f4f4}
        .bad{color:#b00;font-weight:600}.warn{color:#a60;font-weight:600}.ok{color:#070}
        code{font-size:.95em}.muted{color:#777}button{margin:0 .2em .2em 0}
        #result{white-space:pre-wrap;font-family:monospace;background:#f8f8f8;padding:.4em}
        </style></head><body>
        """.formatted(REFRESH_SECONDS));
    html.append("<h1>payment-router operator</h1><p class=\"muted\">node: ").append(escape(overview.node()))
        .append(" &middot; ").append(escape(overview.at().toString())).append(" &middot; reloads every ")
        .append(REFRESH_SECONDS).append(" s &middot; <a href=\"/operator/v1/overview\">JSON</a></p>");
    html.append("<div id=\"result\" hidden></div>");
    providers(html, overview);
    unresolved(html, overview);
    recent(html, overview);
    actions(html, overview);
    html.append("<script nonce=\"").append(escape(nonce)).append("\">").append(SCRIPT).append("</script>");
    return html.append("</body></html>\n").toString();
  }

  private static void providers(StringBuilder html, Overview overview) {
    html.append("<h2>Providers (this node)</h2><table id=\"providers\"><tr><th>provider</th><th>supervisor</th>")
        .append("<th>circuit</th><th>routing</th><th>tokens</th><th>pool in flight / queued / capacity</th>")
        .append("<th>success rate</th><th>actions</th></tr>");
    for (ProviderView p : overview.providers()) {
      String name = escape(p.name());
      html.append("<tr class=\"provider\" data-provider=\"").append(name).append("\"><td><b>").append(name)
          .append("</b> <span class=\"muted\">").append(escape(p.type())).append("</span></td>");
      html.append("<td class=\"").append("RUNNING".equals(p.supervisor()) ? "ok" : "bad").append("\">")
          .append(escape(p.supervisor())).append("<br><span class=\"muted\">restarts ").append(p.restartsInWindow())
          .append(" in window, ").append(p.totalRestarts()).append(" total</span>");
      if (p.lastCrash() != null) {
        html.append("<br><span class=\"muted\">last crash: ").append(escape(p.lastCrash())).append("</span>");
      }
      if (p.lastConfigurationError() != null) {
        html.append("<br><span class=\"bad\">configuration: ").append(escape(p.lastConfigurationError()))
            .append("</span>");
      }
      html.append("</td><td class=\"circuit ").append(circuitClass(p.circuit())).append("\" data-circuit=\"")
          .append(escape(p.circuit())).append("\">").append(escape(p.circuit()));
      if (p.forcedOpen()) {
        html.append(" <span class=\"forced\">(forced by an operator)</span>");
      }
      html.append("</td><td class=\"").append(p.drained() ? "warn" : "ok").append("\" data-drained=\"")
          .append(p.drained()).append("\">").append(p.drained() ? "drained" : "in routing")
          .append("<br><span class=\"muted\">").append(escape(p.availability().toLowerCase(Locale.ROOT)))
          .append("</span></td>");
      html.append("<td>").append(p.tokensAvailable()).append("</td><td>").append(p.inFlight()).append(" / ")
          .append(p.queued()).append(" / ").append(p.workers()).append(" workers + ").append(p.queueCapacity())
          .append(" queued</td><td>")
          .append(p.successRate() == null ? "<span class=\"muted\">too few calls</span>"
              : String.format(Locale.ROOT, "%.1f%%", p.successRate() * 100))
          .append("</td><td>");
      String path = "/operator/v1/providers/" + p.name();
      if (p.forcedOpen()) {
        button(html, path + "/breaker", "{\"state\":\"auto\"}", "Breaker: automatic");
      } else {
        button(html, path + "/breaker", "{\"state\":\"forced_open\"}", "Force breaker open");
      }
      if (p.drained()) {
        button(html, path + "/drain", "{\"drained\":false}", "Back into routing");
      } else {
        button(html, path + "/drain", "{\"drained\":true}", "Drain");
      }
      html.append("</td></tr>");
    }
    html.append("</table>");
  }

  private static void unresolved(StringBuilder html, Overview overview) {
    html.append("<h2>Unresolved intents: <span id=\"unresolved-count\" class=\"")
        .append(overview.unresolvedCount() == 0 ? "ok" : "bad").append("\">").append(overview.unresolvedCount())
        .append("</span></h2>");
    if (overview.unresolved().isEmpty()) {
      html.append("<p class=\"muted\">none: reconciliation settled everything it tried</p>");
      return;
    }
    html.append("<table id=\"unresolved\"><tr><th>intent</th><th>merchant</th><th>reason</th><th>since</th>")
        .append("<th></th></tr>");
    for (UnresolvedIntent intent : overview.unresolved()) {
      html.append("<tr><td><code>").append(escape(intent.id())).append("</code></td><td>")
          .append(escape(intent.merchantId())).append("</td><td>").append(escape(intent.reason()))
          .append("</td><td>").append(escape(String.valueOf(intent.updatedAt()))).append("</td><td>");
      button(html, "/operator/v1/intents/" + intent.id() + "/redrive", "{}", "Re-drive");
      html.append("</td></tr>");
    }
    html.append("</table>");
  }

  private static void recent(StringBuilder html, Overview overview) {
    html.append("<h2>Latest intents (every merchant)</h2><table id=\"recent\"><tr><th>intent</th>")
        .append("<th>merchant</th><th>status</th><th>amount (minor units)</th><th>attempts</th>")
        .append("<th>reference / metadata</th>")
        .append("<th>created</th></tr>");
    for (RecentIntent intent : overview.recentIntents()) {
      html.append("<tr><td><code>").append(escape(intent.id())).append("</code></td><td>")
          .append(escape(intent.merchantName()));
      if (!intent.merchantId().equals(intent.merchantName())) {
        html.append(" <span class=\"muted\">").append(escape(intent.merchantId())).append("</span>");
      }
      html.append("</td><td class=\"")
          .append(intent.unresolvedReason() != null ? "bad" : "").append("\">").append(escape(intent.status()));
      if (intent.unresolvedReason() != null) {
        html.append("<br>unresolved: ").append(escape(intent.unresolvedReason()));
      }
      html.append("</td><td>").append(intent.amount()).append(' ').append(escape(intent.currency()))
          .append("</td><td>")
          .append(escape(String.join(" ", intent.attempts()))).append("</td><td>");
      if (intent.reference() != null) {
        html.append(escape(intent.reference())).append("<br>");
      }
      html.append("<code class=\"muted\">").append(escape(intent.metadata())).append("</code></td><td>")
          .append(escape(String.valueOf(intent.createdAt()))).append("</td></tr>");
    }
    html.append("</table>");
  }

  private static void actions(StringBuilder html, Overview overview) {
    html.append("<h2>Latest operator actions</h2><table id=\"actions\"><tr><th>at</th><th>operator</th>")
        .append("<th>action</th><th>target</th><th>detail</th><th>node</th></tr>");
    for (Action action : overview.recentActions()) {
      html.append("<tr><td>").append(escape(action.at().toString())).append("</td><td>")
          .append(escape(action.operator())).append("</td><td>").append(escape(action.action())).append("</td><td>")
          .append(escape(action.target())).append("</td><td><code>").append(escape(action.detail()))
          .append("</code></td><td>").append(escape(action.node())).append("</td></tr>");
    }
    html.append("</table>");
  }

  private static void button(StringBuilder html, String path, String body, String label) {
    html.append("<button type=\"button\" data-path=\"").append(escape(path)).append("\" data-body=\"")
        .append(escape(body)).append("\">").append(escape(label)).append("</button>");
  }

  private static String circuitClass(String circuit) {
    return switch (circuit) {
      case "CLOSED" -> "ok";
      case "HALF_OPEN" -> "warn";
      default -> "bad";
    };
  }

  /** HTML-escapes text for element content and double- or single-quoted attributes; null renders as nothing. */
  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  // Posts a button's action as JSON from this page's own origin (the browser adds the Basic credentials it holds),
  // shows the answer, and reloads to show the new state. Reads no data from the page but the button's attributes.
  private static final String SCRIPT = """
      document.addEventListener('click', async (event) => {
        const button = event.target.closest('button[data-path]');
        if (!button) return;
        button.disabled = true;
        const result = document.getElementById('result');
        try {
          const answer = await fetch(button.dataset.path, {method: 'POST', credentials: 'same-origin',
              headers: {'Content-Type': 'application/json'}, body: button.dataset.body});
          result.textContent = answer.status + ' ' + await answer.text();
          result.hidden = false;
          if (answer.ok) setTimeout(() => location.reload(), 800);
        } catch (failure) {
          result.textContent = String(failure);
          result.hidden = false;
        } finally {
          button.disabled = false;
        }
      });
      """;
}
