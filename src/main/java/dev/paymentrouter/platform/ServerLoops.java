package dev.paymentrouter.platform;

import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import org.springframework.beans.factory.DisposableBean;
import reactor.netty.resources.LoopResources;

/**
 * The merchant API's own threads: an acceptor that only accepts connections, and event loops that serve the
 * merchants' requests and are shared with no client. Spring Boot's servers run on them (through the
 * {@code ReactorResourceFactory} in {@link PlatformConfiguration}); provider calls keep Reactor Netty's global loops
 * (or their own, per provider) and the database driver its TCP loops. So a burst of merchant requests does not
 * queue behind provider answers or the reverse, an acceptor never waits behind request work, and
 * {@link EventLoopLag} measures the loops that take the merchants' requests.
 */
public final class ServerLoops implements DisposableBean {

  private final LoopResources resources =
      LoopResources.create("api-http", 1, LoopResources.DEFAULT_IO_WORKER_COUNT, true);

  /** The event loops that serve requests (not the acceptor), as the server uses them. */
  public EventLoopGroup workers() {
    return resources.onServer(LoopResources.DEFAULT_NATIVE);
  }

  /** The loops the merchant-facing HTTP servers run on. */
  public LoopResources resources() {
    return resources;
  }

  @Override
  public void destroy() {
    resources.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
  }
}
