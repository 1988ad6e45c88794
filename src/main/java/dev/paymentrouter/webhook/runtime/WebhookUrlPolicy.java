package dev.paymentrouter.webhook.runtime;

import dev.paymentrouter.webhook.domain.Verdict;
import dev.paymentrouter.webhook.domain.WebhookAddresses;
import dev.paymentrouter.webhook.domain.WebhookUrlRules;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Where merchant webhooks may go (SSRF rules), one policy for registration and delivery. Registration checks the
 * URL's text ({@link #checkSyntax}); delivery checks it again and resolves the host, refusing it when any of its
 * addresses is refused, because a name can point anywhere, and anywhere else tomorrow. Resolution blocks (the JDK's
 * resolver), so it runs on the given bounded scheduler, never on an event loop, and has a deadline.
 */
public final class WebhookUrlPolicy {

  /** Resolves a host name to all its addresses; blocking. */
  @FunctionalInterface
  public interface Resolver {
    List<InetAddress> resolve(String host) throws UnknownHostException;

    /** The JDK's resolver (the operating system's, with the JVM's cache). */
    Resolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));
  }

  private final boolean localMode;
  private final Resolver resolver;
  private final Scheduler blocking;
  private final Duration resolveTimeout;

  public WebhookUrlPolicy(boolean localMode, Resolver resolver, Scheduler blocking, Duration resolveTimeout) {
    this.localMode = localMode;
    this.resolver = resolver;
    this.blocking = blocking;
    this.resolveTimeout = resolveTimeout;
  }

  /** Whether the router runs in local mode, where any http(s) URL is allowed. */
  public boolean localMode() {
    return localMode;
  }

  /** The verdict on the URL's text alone: what registration applies. */
  public Verdict checkSyntax(URI uri) {
    return WebhookUrlRules.checkSyntax(uri, localMode);
  }

  /**
   * The verdict before a delivery: the text, then every address the host resolves to. An allowed verdict carries
   * those addresses; the sender connects to one of them (not to a fresh resolution, which could differ). A host that
   * does not resolve in time is refused as {@code unresolvable_host}, which may pass on a later try.
   */
  public Mono<Verdict> check(URI uri) {
    Verdict syntax = checkSyntax(uri);
    if (!(syntax instanceof Verdict.Allowed) || localMode) {
      return Mono.just(syntax);
    }
    String host = uri.getHost();
    if (host.startsWith("[") || WebhookUrlRules.isIpv4Literal(host)) {
      return Mono.fromCallable(() -> (Verdict) new Verdict.Allowed(uri,
          List.of(InetAddress.getByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host))));
    }
    return Mono.fromCallable(() -> resolver.resolve(host))
        .subscribeOn(blocking)
        .timeout(resolveTimeout)
        .map(addresses -> judge(uri, host, addresses))
        .onErrorResume(error -> error instanceof UnknownHostException || error instanceof TimeoutException,
            error -> Mono.just(new Verdict.Refused("unresolvable_host",
                "the host " + host + " did not resolve" + (error instanceof TimeoutException ? " in time" : ""))));
  }

  private static Verdict judge(URI uri, String host, List<InetAddress> addresses) {
    if (addresses.isEmpty()) {
      return new Verdict.Refused("unresolvable_host", "the host " + host + " has no address");
    }
    for (InetAddress address : addresses) {
      Optional<String> refusal = WebhookAddresses.refusal(address);
      if (refusal.isPresent()) {
        // One refused address is enough: a sender could be steered to it by the order of the answers.
        return new Verdict.Refused("forbidden_address",
            "the host " + host + " resolves to a " + refusal.get() + " address");
      }
    }
    return new Verdict.Allowed(uri, addresses);
  }
}
