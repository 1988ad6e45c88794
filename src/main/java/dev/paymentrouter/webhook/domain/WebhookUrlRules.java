package dev.paymentrouter.webhook.domain;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a webhook URL must look like, judged on its text alone (no lookup): {@code https} outside local mode, a host,
 * no credentials, and no host that is, or could be read as, a refused address ({@link WebhookAddresses}). A host
 * name is judged again after resolution, at each delivery, by the runtime's policy: DNS can change after
 * registration.
 */
public final class WebhookUrlRules {

  /** Longest URL taken: enough for any real endpoint, small enough for an index and a log line. */
  public static final int MAX_LENGTH = 2048;

  private static final Pattern DOTTED_QUAD = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  // Hosts the C resolver reads as IPv4 although they are not a dotted quad: "2130706433", "0x7f.1", "127.1",
  // "0177.0.0.1". Refused outright, since the address they reach is not what the text seems to say.
  private static final Pattern NUMERIC_HOST =
      Pattern.compile("(0x[0-9a-f]*|[0-9]+)(\\.(0x[0-9a-f]*|[0-9]+))*\\.?", Pattern.CASE_INSENSITIVE);

  private WebhookUrlRules() {}

  /** The verdict on a URL's text; in local mode any {@code http(s)} URL with a host is allowed. */
  public static Verdict checkSyntax(URI uri, boolean localMode) {
    if (uri == null || !uri.isAbsolute() || uri.isOpaque()) {
      return invalid("must be an absolute URL, e.g. https://example.com/webhooks");
    }
    if (uri.toString().length() > MAX_LENGTH) {
      return invalid("must be at most " + MAX_LENGTH + " characters");
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !(localMode && scheme.equals("http"))) {
      return new Verdict.Refused("https_required", localMode ? "must be an http or https URL"
          : "must be an https URL (plain http is accepted in local mode only)");
    }
    if (uri.getRawUserInfo() != null) {
      // Credentials in a URL end up in logs and delivery records; a receiver authenticates us by the signature.
      return invalid("must not carry a user name or password");
    }
    if (uri.getRawFragment() != null) {
      return invalid("must not have a fragment (#...): it is never sent");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      return invalid("must name a host (a name of letters, digits, '-' and '.', or an IP address)");
    }
    if (localMode) {
      return new Verdict.Allowed(uri, List.of());
    }
    Optional<String> refusal = hostRefusal(host);
    if (refusal.isPresent()) {
      return new Verdict.Refused("forbidden_address",
          "must not point at a " + refusal.get() + " address outside local mode");
    }
    return new Verdict.Allowed(uri, List.of());
  }

  /** Why a host's text is refused: a refused IP literal, a numeric form, or a name that always means loopback. */
  private static Optional<String> hostRefusal(String host) {
    String name = host.toLowerCase(Locale.ROOT);
    if (name.startsWith("[")) {
      return ipv6Literal(name.substring(1, name.length() - 1));
    }
    var quad = DOTTED_QUAD.matcher(name);
    if (quad.matches()) {
      int[] octets = new int[4];
      for (int i = 0; i < 4; i++) {
        octets[i] = Integer.parseInt(quad.group(i + 1));
        if (octets[i] > 255 || (quad.group(i + 1).length() > 1 && quad.group(i + 1).startsWith("0"))) {
          return Optional.of("non-canonical IPv4");
        }
      }
      return WebhookAddresses.refusal(WebhookAddresses.ipv4(octets[0], octets[1], octets[2], octets[3]));
    }
    if (NUMERIC_HOST.matcher(name).matches()) {
      return Optional.of("non-canonical IPv4");
    }
    // RFC 6761: localhost and every name under it resolve to loopback.
    String bare = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    if (bare.equals("localhost") || bare.endsWith(".localhost")) {
      return Optional.of("loopback");
    }
    return Optional.empty();
  }

  private static Optional<String> ipv6Literal(String literal) {
    if (literal.contains("%")) {
      // A zone id names one of the router's own interfaces: only link-local addresses have one.
      return Optional.of("link-local");
    }
    try {
      // A literal with ':' is parsed, never looked up.
      return WebhookAddresses.refusal(InetAddress.getByName(literal));
    } catch (UnknownHostException e) {
      return Optional.of("malformed IPv6");
    }
  }

  /** Whether a host is a dotted-quad IPv4 literal (parsed, never looked up). */
  public static boolean isIpv4Literal(String host) {
    return DOTTED_QUAD.matcher(host).matches();
  }

  private static Verdict invalid(String reason) {
    return new Verdict.Refused("invalid_url", reason);
  }
}
