package dev.paymentrouter.chaos;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A merchant backend under an open load model: creates start at a constant rate whatever the router's answers,
 * each under its own {@code Idempotency-Key} with {@code Prefer: wait=0}, at most {@code maxInFlight} at a time.
 * A create that meets a refused or broken connection, a timeout or a 5xx is sent again with the same key and body
 * after a short backoff (or the router's {@code Retry-After}), as a real merchant would, until it gets 201 or 200,
 * also across router restarts; it gives up only after {@code giveUpAfter}.
 *
 * <p>Runs on its own threads (a dispatcher, the JDK HTTP client's executor, a retry timer), never on a Reactor or
 * Netty thread. {@link #awaitDispatched} and {@link #awaitDone} block their caller: the test thread.
 */
final class MerchantLoad implements AutoCloseable {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final long MIN_BACKOFF_MS = 50;
  private static final long MAX_BACKOFF_MS = 1_000;
  private static final long MAX_RETRY_AFTER_MS = 2_000;

  /**
   * The load.
   *
   * @param routerUrl      the router's base URL
   * @param apiKey         the merchant's key
   * @param keyPrefix      prefix of the idempotency keys, unique per run
   * @param tokens         the payment method's token fields as JSON members ({@code "token": ..., "tokens": {...}});
   *                       non-magic tokens, so that the simulators draw their faults
   * @param intents        creates to make
   * @param perSecond      constant start rate
   * @param maxInFlight    creates in progress at most (including their retries)
   * @param requestTimeout one HTTP exchange's timeout
   * @param giveUpAfter    how long one create is retried before it counts as refused
   * @param seed           of the amounts and of which intents are manual
   * @param manualShare    the share of intents created with {@code "captureMethod": "manual"} (0 to 1)
   */
  record Settings(URI routerUrl, String apiKey, String keyPrefix, String tokens, int intents, double perSecond,
      int maxInFlight, Duration requestTimeout, Duration giveUpAfter, long seed, double manualShare) {

    Settings {
      Objects.requireNonNull(routerUrl, "routerUrl");
      if (intents < 1 || perSecond <= 0 || maxInFlight < 1 || manualShare < 0 || manualShare > 1) {
        throw new IllegalArgumentException("intents, perSecond and maxInFlight must be positive, manualShare 0-1");
      }
    }
  }

  /** A create the router accepted: the first 2xx answer it got. */
  record Acknowledged(String idempotencyKey, String intentId, String status, int httpStatus, boolean replayed,
      int tries) {}

  /** Told of each acknowledged create, on an HTTP client thread: what the merchant does next with the intent. */
  interface Next {
    void acknowledged(int index, long amount, boolean manual, Acknowledged ack);
  }

  private record Create(int index, String key, String body, long firstSentNanos, AtomicInteger tries) {}

  private final Settings settings;
  private final URI createUri;
  private final long[] amounts;
  private final boolean[] manual;
  private volatile Next next = (index, amount, manual, ack) -> { };
  private final ExecutorService httpExecutor;
  private final ScheduledExecutorService retryTimer;
  private final HttpClient http;
  private final Semaphore inFlight;
  private final CountDownLatch done;
  private final AtomicInteger dispatched = new AtomicInteger();
  private final Map<String, Acknowledged> acknowledged = new ConcurrentHashMap<>();
  private final Map<String, String> refused = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> retriesByCause = new ConcurrentHashMap<>();
  private final LongAdder exchanges = new LongAdder();
  private final AtomicLong maxLagNanos = new AtomicLong();
  private final AtomicInteger maxTries = new AtomicInteger();
  private volatile long startedNanos;
  private volatile long lastDispatchNanos;
  private Thread dispatcher;

  MerchantLoad(Settings settings) {
    this.settings = settings;
    this.createUri = settings.routerUrl().resolve("/v1/payment-intents");
    SplittableRandom random = new SplittableRandom(settings.seed());
    this.amounts = random.longs(settings.intents(), 100, 100_000).toArray();
    // Drawn after the amounts, so that a run's amounts stay those of runs before manual capture.
    this.manual = new boolean[settings.intents()];
    for (int i = 0; i < manual.length; i++) {
      manual[i] = random.nextDouble() < settings.manualShare();
    }
    this.httpExecutor = Executors.newFixedThreadPool(4, daemon("chaos-http-"));
    this.retryTimer = Executors.newSingleThreadScheduledExecutor(daemon("chaos-retry-"));
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(1))
        .executor(httpExecutor)
        .build();
    this.inFlight = new Semaphore(settings.maxInFlight());
    this.done = new CountDownLatch(settings.intents());
  }

  /** Who is told of each acknowledged create; set before {@link #start}. */
  void then(Next next) {
    this.next = Objects.requireNonNull(next, "next");
  }

  /** Starts dispatching. */
  synchronized void start() {
    if (dispatcher != null) {
      throw new IllegalStateException("already started");
    }
    dispatcher = new Thread(this::dispatch, "chaos-load");
    dispatcher.setDaemon(true);
    dispatcher.start();
  }

  /** Creates started so far (first sends, not retries). */
  int dispatched() {
    return dispatched.get();
  }

  /** Blocks until {@code count} creates have started. */
  void awaitDispatched(int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (dispatched.get() < count) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("only " + dispatched.get() + " of " + count + " creates started within "
            + timeout + "; " + stats());
      }
      Thread.sleep(10);
    }
  }

  /** Blocks until every create was acknowledged or refused; false on timeout. */
  boolean awaitDone(Duration timeout) throws InterruptedException {
    return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Idempotency key to the router's first 2xx answer. */
  Map<String, Acknowledged> acknowledged() {
    return Map.copyOf(acknowledged);
  }

  /** Idempotency key to why the create was never acknowledged (a 4xx, or retries that ran out). */
  Map<String, String> refused() {
    return new TreeMap<>(refused);
  }

  /** The idempotency key of the create with this index. */
  String key(int index) {
    return settings.keyPrefix() + "-" + index;
  }

  /** One line on what the load did. */
  String stats() {
    long acknowledgedCount = acknowledged.size();
    long replayed = acknowledged.values().stream().filter(Acknowledged::replayed).count();
    long retried = acknowledged.values().stream().filter(ack -> ack.tries() > 1).count();
    long retriedReplayed = acknowledged.values().stream().filter(ack -> ack.tries() > 1 && ack.replayed()).count();
    double dispatchSeconds = (lastDispatchNanos - startedNanos) / 1e9;
    Map<String, Long> causes = new TreeMap<>();
    retriesByCause.forEach((cause, count) -> causes.put(cause, count.sum()));
    return String.format(java.util.Locale.ROOT,
        "load: started=%d acknowledged=%d (201=%d, 200 replayed=%d) refused=%d exchanges=%d "
            + "creates retried=%d (of which answered as replay=%d) maxTries=%d dispatch=%.1fs (%.1f/s) "
            + "maxDispatchLag=%dms retries=%s",
        dispatched.get(), acknowledgedCount, acknowledgedCount - replayed, replayed, refused.size(),
        exchanges.sum(), retried, retriedReplayed, maxTries.get(), dispatchSeconds,
        dispatchSeconds > 0 ? dispatched.get() / dispatchSeconds : 0.0,
        TimeUnit.NANOSECONDS.toMillis(maxLagNanos.get()), causes);
  }

  @Override
  public void close() {
    if (dispatcher != null) {
      dispatcher.interrupt();
    }
    retryTimer.shutdownNow();
    http.shutdownNow();
    httpExecutor.shutdownNow();
  }

  private void dispatch() {
    long periodNanos = (long) (1e9 / settings.perSecond());
    startedNanos = System.nanoTime();
    try {
      for (int i = 0; i < settings.intents(); i++) {
        long due = startedNanos + i * periodNanos;
        for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
          LockSupport.parkNanos(wait);
          if (Thread.interrupted()) {
            return;
          }
        }
        inFlight.acquire();
        // Open model: a late start is measured, not hidden (it happens only when maxInFlight creates are stuck).
        long lag = System.nanoTime() - due;
        maxLagNanos.accumulateAndGet(lag, Math::max);
        String key = key(i);
        send(new Create(i, key, body(i), System.nanoTime(), new AtomicInteger()));
        dispatched.incrementAndGet();
        lastDispatchNanos = System.nanoTime();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private String body(int index) {
    return "{\"amount\": " + amounts[index] + ", \"currency\": \"EUR\", \"paymentMethod\": {\"type\": \"card\", "
        + settings.tokens() + ", \"country\": \"DE\"}, \"reference\": \"order-" + index + "\""
        + (manual[index] ? ", \"captureMethod\": \"manual\"}" : "}");
  }

  private void send(Create create) {
    create.tries().incrementAndGet();
    exchanges.increment();
    HttpRequest request = HttpRequest.newBuilder(createUri)
        .timeout(settings.requestTimeout())
        .header("Authorization", "Bearer " + settings.apiKey())
        .header("Idempotency-Key", create.key())
        .header("Prefer", "wait=0")
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(create.body()))
        .build();
    try {
      http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
          .whenComplete((response, error) -> {
            try {
              answered(create, response, error);
            } catch (RuntimeException unexpected) {
              finish(create, null, "harness error: " + unexpected);
            }
          });
    } catch (RuntimeException e) {
      retry(create, "send_failed:" + e.getClass().getSimpleName(), 0);
    }
  }

  private void answered(Create create, HttpResponse<String> response, Throwable error) {
    if (error != null) {
      retry(create, transportCause(error), 0);
      return;
    }
    int status = response.statusCode();
    if (status == 201 || status == 200) {
      JsonNode intent = JSON.readTree(response.body());
      boolean replayed = response.headers().firstValue("Idempotent-Replayed").map("true"::equals).orElse(false);
      finish(create, new Acknowledged(create.key(), intent.path("id").asString(), intent.path("status").asString(),
          status, replayed, create.tries().get()), null);
    } else if (status >= 500 || status == 429) {
      long retryAfterMs = response.headers().firstValue("Retry-After")
          .flatMap(MerchantLoad::seconds).map(s -> Math.min(s * 1000, MAX_RETRY_AFTER_MS)).orElse(0L);
      retry(create, "http_" + status + problemCode(response.body()), retryAfterMs);
    } else {
      finish(create, null, "HTTP " + status + " " + response.body());
    }
  }

  private void retry(Create create, String cause, long retryAfterMs) {
    retriesByCause.computeIfAbsent(cause, c -> new LongAdder()).increment();
    long elapsed = System.nanoTime() - create.firstSentNanos();
    if (elapsed > settings.giveUpAfter().toNanos()) {
      finish(create, null, "gave up after " + create.tries().get() + " tries, last: " + cause);
      return;
    }
    long backoff = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS << Math.min(5, create.tries().get() - 1));
    long delay = Math.max(retryAfterMs, backoff + ThreadLocalRandom.current().nextLong(backoff / 2 + 1));
    try {
      retryTimer.schedule(() -> send(create), delay, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      finish(create, null, "not retried: " + e);
    }
  }

  private void finish(Create create, Acknowledged ack, String refusal) {
    if (ack != null) {
      acknowledged.put(create.key(), ack);
      try {
        next.acknowledged(create.index(), amounts[create.index()], manual[create.index()], ack);
      } catch (RuntimeException e) {
        refused.put(create.key(), "harness error after the acknowledgement: " + e);
      }
    } else {
      refused.put(create.key(), refusal);
    }
    maxTries.accumulateAndGet(create.tries().get(), Math::max);
    inFlight.release();
    done.countDown();
  }

  static String transportCause(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    return switch (cause) {
      case HttpConnectTimeoutException e -> "connect_timeout";
      case HttpTimeoutException e -> "response_timeout";
      case ConnectException e -> "connection_refused";
      case IOException e -> "io_" + e.getClass().getSimpleName();
      default -> "error_" + cause.getClass().getSimpleName();
    };
  }

  static String problemCode(String body) {
    try {
      String code = JSON.readTree(body).path("code").asString("");
      return code.isEmpty() ? "" : ":" + code;
    } catch (RuntimeException e) {
      return "";
    }
  }

  static java.util.Optional<Long> seconds(String value) {
    try {
      return java.util.Optional.of(Long.parseLong(value.trim()));
    } catch (NumberFormatException e) {
      return java.util.Optional.empty();
    }
  }

  static ThreadFactory daemon(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
