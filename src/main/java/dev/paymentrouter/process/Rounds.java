package dev.paymentrouter.process;

import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * A task run in rounds: the first at once, then one every interval, on a scheduler (never on an event loop). Rounds
 * never overlap: ticks that come while a round runs make one round that starts when it ends (the others are
 * dropped). {@link #wake} asks for a round before the next tick, e.g. when work is left over. A round that fails is
 * logged and the next one runs, so the task survives its own failures. What the sentinel and the webhook delivery
 * worker run on.
 */
public final class Rounds {

  private static final Logger log = LoggerFactory.getLogger(Rounds.class);

  private final String name;
  private final Duration interval;
  private final Supplier<Mono<Void>> round;
  private final Scheduler scheduler;
  // Best effort: a wake that cannot be emitted meets another one under way, whose round comes after this call too.
  private final Sinks.Many<Long> wakes = Sinks.many().multicast().directBestEffort();
  private Disposable loop;

  /** {@code name} names the task in the log. */
  public Rounds(String name, Duration interval, Supplier<Mono<Void>> round, Scheduler scheduler) {
    this.name = name;
    this.interval = interval;
    this.round = round;
    this.scheduler = scheduler;
  }

  /** Starts the rounds, unless they run already. */
  public synchronized void start() {
    if (loop == null) {
      loop = Flux.merge(Flux.interval(Duration.ZERO, interval, scheduler), wakes.asFlux())
          .onBackpressureLatest()
          // A wake comes on its caller's thread (an event loop, say): the round itself starts on the scheduler.
          .concatMap(tick -> Mono.defer(round).subscribeOn(scheduler).onErrorResume(error -> {
            log.warn("{} round failed, next one in {}: {}", name, interval, error.toString());
            return Mono.empty();
          }), 0)
          .subscribe();
    }
  }

  /** Asks for a round as soon as the one under way (if any) ends; never waits. */
  public void wake() {
    wakes.tryEmitNext(0L);
  }

  /** Stops the rounds; what a round already handed on carries on. */
  public synchronized void stop() {
    if (loop != null) {
      loop.dispose();
      loop = null;
    }
  }
}
