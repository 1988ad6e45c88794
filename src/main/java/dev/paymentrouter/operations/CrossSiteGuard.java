package dev.paymentrouter.operations;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * Keeps other web sites from acting through an operator's browser, which sends the Basic credentials it holds for
 * the management port with any request to it. A cross-site HTML form can only send form or text bodies, so an
 * action must come as {@code application/json} (a script of another origin would need a CORS preflight, which the
 * management port never grants); and a request that says where it comes from ({@code Origin}) must come from the
 * management server itself.
 */
final class CrossSiteGuard {

  /** Why a request was refused: a problem code and what to do instead. */
  record Refusal(int status, String code, String detail) {}

  private CrossSiteGuard() {}

  /** Why this operator action must not run; empty when it may. */
  static Optional<Refusal> check(ServerHttpRequest request) {
    MediaType type = request.getHeaders().getContentType();
    if (type == null || !MediaType.APPLICATION_JSON.equalsTypeAndSubtype(type)) {
      return Optional.of(new Refusal(415, "json_required",
          "operator actions take a JSON body: send Content-Type: application/json"));
    }
    String origin = request.getHeaders().getFirst(HttpHeaders.ORIGIN);
    if (origin != null && !sameOrigin(origin, request.getURI())) {
      return Optional.of(new Refusal(403, "cross_origin",
          "operator actions are taken from the management server's own origin only"));
    }
    return Optional.empty();
  }

  /** Whether {@code origin} (scheme://host[:port]) is the origin of {@code target}; "null" and junk are not. */
  static boolean sameOrigin(String origin, URI target) {
    URI from;
    try {
      from = URI.create(origin.strip());
    } catch (IllegalArgumentException notAnOrigin) {
      return false;
    }
    return from.getScheme() != null && from.getHost() != null && target.getScheme() != null
        && from.getScheme().equalsIgnoreCase(target.getScheme())
        && from.getHost().toLowerCase(Locale.ROOT).equals(target.getHost().toLowerCase(Locale.ROOT))
        && port(from) == port(target)
        && (from.getRawPath() == null || from.getRawPath().isEmpty());
  }

  private static int port(URI uri) {
    if (uri.getPort() != -1) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }
}
