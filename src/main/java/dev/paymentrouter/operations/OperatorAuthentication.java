package dev.paymentrouter.operations;

import dev.paymentrouter.api.ProblemWriter;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The door of the management endpoints and of the operator API and page ({@code /operator/**}). A valid operator
 * token (Bearer, or Basic with the token as password) makes the operator the exchange's principal
 * (which is also what lets health show its details); without one, only health (status only) and Prometheus
 * answer, everything else gets 401 problem+json with {@code WWW-Authenticate} Bearer and Basic. A token that is
 * presented but wrong is refused everywhere, so that an operator with a stale token notices.
 *
 * <p>On a management server of its own ({@code management.server.port} other than {@code server.port}) it also
 * answers 404 to every path outside the endpoints: the main context's handlers are visible to that server too,
 * and the merchant API has no business there.
 */
final class OperatorAuthentication implements WebFilter, Ordered {

  private static final Logger log = LoggerFactory.getLogger(OperatorAuthentication.class);

  /** Where the operator API lives (merchant administration), next to the endpoints and behind the same door. */
  static final String OPERATOR_API = "/operator";

  /**
   * The challenges of a refusal: Bearer for scripts, Basic so that a browser prompts for the token. One header
   * each, which HTTP takes as the same as {@code Bearer, Basic realm=...} in one: Chromium reads only the first
   * challenge of a header, and would then never offer Basic.
   */
  static final List<String> CHALLENGES = List.of("Bearer", "Basic realm=\"payment-router operator\"");

  private final OperatorTokens tokens;
  private final String basePath;
  private final boolean ownServer;

  /**
   * @param basePath  where the endpoints live ({@code management.endpoints.web.base-path}, e.g. {@code /actuator})
   * @param ownServer whether this filter guards a management server of its own rather than the API's
   */
  OperatorAuthentication(OperatorTokens tokens, String basePath, boolean ownServer) {
    this.tokens = tokens;
    this.basePath = basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
    this.ownServer = ownServer;
  }

  @Override
  public int getOrder() {
    // Before anything that may answer: nothing reaches an endpoint unauthenticated.
    return Ordered.HIGHEST_PRECEDENCE + 10;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    ServerHttpRequest request = exchange.getRequest();
    String path = matchedPath(request);
    String endpoint = endpointPath(path);
    if (endpoint == null && !isOperatorApi(path)) {
      return ownServer
          ? ProblemWriter.write(exchange, HttpStatus.NOT_FOUND, "not_found", "Not found",
              "the management port serves only " + basePath + "/** and " + OPERATOR_API + "/**")
          : chain.filter(exchange);
    }
    String authorization = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
    if (authorization == null && endpoint != null && isAnonymous(endpoint)) {
      return chain.filter(exchange);
    }
    Optional<String> operator = tokens.operatorFor(authorization);
    if (operator.isEmpty()) {
      log.warn("Refused {} {} from {}: {}", request.getMethod(), path, request.getRemoteAddress(),
          authorization == null ? "no operator token" : "not a valid operator token");
      // Both challenges: a browser that sees Basic asks for a user and password (any user, the token as password).
      exchange.getResponse().beforeCommit(() -> {
        exchange.getResponse().getHeaders().put(HttpHeaders.WWW_AUTHENTICATE, CHALLENGES);
        return Mono.empty();
      });
      return ProblemWriter.write(exchange, HttpStatus.UNAUTHORIZED, "unauthorized",
          "Operator authentication required",
          "send Authorization: Bearer <operator token>, or Basic with the token as password "
              + "(payment-router.operator.tokens.<name>)");
    }
    if (request.getMethod() == HttpMethod.GET || request.getMethod() == HttpMethod.HEAD) {
      log.debug("operator {}: {} {}", operator.get(), request.getMethod(), path);
    } else {
      log.info("operator {}: {} {}", operator.get(), request.getMethod(), path);
    }
    Operator principal = new Operator(operator.get());
    // Actuator endpoints learn the caller from Spring Security's reactive context only (without it, health never
    // shows details and operations get no principal); the exchange's principal is for everything else.
    Authentication authentication = UsernamePasswordAuthenticationToken.authenticated(principal, null, List.of());
    return chain.filter(exchange.mutate().principal(Mono.just(principal)).build())
        .contextWrite(ReactiveSecurityContextHolder.withAuthentication(authentication));
  }

  /**
   * The path as handler mappings match it: decoded, without matrix variables ({@code /actuator;x=1/intents} is
   * {@code /actuator/intents} to them, and must be to this filter too).
   */
  static String matchedPath(ServerHttpRequest request) {
    StringBuilder path = new StringBuilder();
    for (PathContainer.Element element : request.getPath().pathWithinApplication().elements()) {
      path.append(element instanceof PathContainer.PathSegment segment ? segment.valueToMatch() : element.value());
    }
    return path.toString();
  }

  /** Whether the path is the operator API's. */
  static boolean isOperatorApi(String path) {
    return path.equals(OPERATOR_API) || path.startsWith(OPERATOR_API + "/");
  }

  /** The path below the base path ({@code ""} for the base path itself), or null outside it. */
  private String endpointPath(String path) {
    if (basePath.isEmpty()) {
      return path;
    }
    if (path.equals(basePath)) {
      return "";
    }
    return path.startsWith(basePath + "/") ? path.substring(basePath.length()) : null;
  }

  /**
   * Health status and its probe groups, for Kubernetes and load balancers, and Prometheus, for scrapers on a
   * port that is not public: neither sends a token. Health shows its details only to an operator.
   */
  private static boolean isAnonymous(String endpoint) {
    return endpoint.equals("/health") || endpoint.startsWith("/health/") || endpoint.equals("/prometheus");
  }
}
