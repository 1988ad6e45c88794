package dev.paymentrouter.operations;

import dev.paymentrouter.api.ProblemWriter;
import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * On the API port, while the endpoints live on a management port of their own: {@code /actuator/**} and the
 * operator API ({@code /operator/**}) answer 404 problem+json like any other unknown resource, never an endpoint,
 * and without saying where the endpoints are.
 *
 * <p>Web filters of the main context also run on the management server (its handler is built from a child
 * context, which sees its parent's beans), so the filter acts only on exchanges of its own context's server.
 */
final class ManagementPathsNotFound implements WebFilter, Ordered {

  private final ApplicationContext context;
  private final String basePath;

  ManagementPathsNotFound(ApplicationContext context, String basePath) {
    this.context = context;
    this.basePath = basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE + 10;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    String path = OperatorAuthentication.matchedPath(exchange.getRequest());
    boolean management = path.equals(basePath) || path.startsWith(basePath + "/")
        || OperatorAuthentication.isOperatorApi(path);
    if (!management || exchange.getApplicationContext() != context) {
      return chain.filter(exchange);
    }
    return ProblemWriter.write(exchange, HttpStatus.NOT_FOUND, "not_found", "Not found",
        "no resource at " + path);
  }
}
