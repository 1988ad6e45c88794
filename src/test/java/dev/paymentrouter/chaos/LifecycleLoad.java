package dev.paymentrouter.chaos;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The merchant's life after the create: once an intent has settled (authorized and {@code requires_capture}, or
 * {@code succeeded}) it captures all or part of it, cancels it, leaves it authorized, or refunds it once, twice or in
 * full, and now and then asks to refund more than is left (which must be refused 422). Each request goes under a key
 * of its own and, like a create, is sent again with the same key and body after a refused or broken connection, a
 * timeout, a 429 or a 5xx (the router's {@code intent_unavailable} while an intent is between owners included), until
 * it gets another answer; it gives up only after {@code giveUpAfter}. The plans start as soon as the creates are
 * acknowledged, so many of them meet the router's kills.
 *
 * <p>Every final answer is kept ({@link #answers}) for the audit to hold against the router's rows and the
 * providers' ledgers. Runs on the JDK HTTP client's threads, never on a Reactor or Netty thread.
 */
final class LifecycleLoad implements AutoCloseable {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final long MIN_BACKOFF_MS = 50;
  private static final long MAX_BACKOFF_MS = 2_000;
  private static final long MAX_RETRY_AFTER_MS = 2_000;
  private static final Duration FIRST_LOOK = Duration.ofSeconds(2);
  /**
   * Exchanges in progress at most (looks, captures, cancels, refunds and their retries): the merchant's life after
   * the create must not crowd out the creates, which the run is about too, on a machine of two cores.
   */
  private static final int MAX_IN_FLIGHT = 16;
  /** The merchant waits this long for a modification's outcome; a longer one is answered in flight. */
  private static final String WAIT = "wait=2";

  /**
   * The load.
   *
   * @param routerUrl      the router's base URL
   * @param apiKey         the merchant's key
   * @param keyPrefix      prefix of the idempotency keys, unique per run (and apart from the creates' keys)
   * @param seed           of the plans and amounts
   * @param requestTimeout one HTTP exchange's timeout
   * @param giveUpAfter    how long one request (or the wait for an intent to settle) is retried
   */
  record Settings(URI routerUrl, String apiKey, String keyPrefix, long seed, Duration requestTimeout,
      Duration giveUpAfter) {

    Settings {
      Objects.requireNonNull(routerUrl, "routerUrl");
    }
  }

  /** What the merchant does with an intent; drawn per intent, the manual ones apart. */
  enum Plan {
    CAPTURE_ALL, CAPTURE_PART, CAPTURE_THEN_REFUND, CANCEL, LEAVE_AUTHORIZED,
    KEEP, REFUND_PART, REFUND_TWICE, REFUND_FULL, OVER_REFUND;

    static Plan draw(boolean manual, SplittableRandom random) {
      int roll = random.nextInt(100);
      if (manual) {
        return roll < 30 ? CAPTURE_ALL : roll < 55 ? CAPTURE_PART : roll < 70 ? CAPTURE_THEN_REFUND
            : roll < 90 ? CANCEL : LEAVE_AUTHORIZED;
      }
      return roll < 40 ? KEEP : roll < 58 ? REFUND_PART : roll < 78 ? REFUND_TWICE : roll < 95 ? REFUND_FULL
          : OVER_REFUND;
    }

    String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The final answer to one capture, cancel or refund (its last try under its key).
   *
   * @param operation      capture, cancel or refund
   * @param amount         the amount asked for; 0 for "all" (a whole capture, a refund of what is left, a cancel)
   * @param overRefund     asked for more than is left on purpose: must be refused 422
   * @param httpStatus     the status, or -1 when the merchant gave up (retries ran out)
   * @param code           the problem's code, or the give-up cause; null for a 2xx
   * @param modificationId the refund's id from a refund's answer, else null
   * @param status         the refund's status (refund) or the intent's (capture, cancel) in a 2xx answer
   */
  record Answer(String intentId, String operation, String idempotencyKey, long amount, boolean overRefund,
      int httpStatus, String code, String modificationId, String status, boolean replayed, int tries) {

    boolean ok() {
      return httpStatus == 200 || httpStatus == 201;
    }

    /** Whether the merchant meets this answer in its plans: anything else is reported. */
    boolean expected() {
      return switch (operation) {
        case "capture", "cancel" -> !overRefund && (httpStatus == 200
            || httpStatus == 402 && code != null && code.endsWith("_failed"));
        // A retry whose first try was taken (then cut off by a kill) is answered as a replay: 200, not 201.
        default -> overRefund ? httpStatus == 422 && "amount_too_large".equals(code)
            : httpStatus == 201 || httpStatus == 200 && replayed;
      };
    }

    @Override
    public String toString() {
      return operation + (overRefund ? "(over)" : "") + " " + intentId + " key=" + idempotencyKey + " amount="
          + amount + " -> " + httpStatus + (code == null ? "" : " " + code) + (status == null ? "" : " " + status)
          + (modificationId == null ? "" : " " + modificationId) + (replayed ? " replayed" : "") + " tries=" + tries;
    }
  }

  /** An exchange's last answer: its status (-1 after giving up) and body (the give-up cause then). */
  private record Reply(int status, String body, boolean replayed, int tries) {}

  private final Settings settings;
  private final ExecutorService httpExecutor;
  private final HttpClient http;
  private final AtomicInteger open = new AtomicInteger();
  private final java.util.concurrent.Semaphore permits = new java.util.concurrent.Semaphore(MAX_IN_FLIGHT);
  private final ConcurrentLinkedQueue<Runnable> waiting = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
  private final Map<String, LongAdder> plans = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> retriesByCause = new ConcurrentHashMap<>();
  private final LongAdder exchanges = new LongAdder();

  LifecycleLoad(Settings settings) {
    this.settings = settings;
    this.httpExecutor = Executors.newFixedThreadPool(4, MerchantLoad.daemon("chaos-lifecycle-"));
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(1))
        .executor(httpExecutor)
        .build();
  }

  /** Takes up an acknowledged intent: looks at it a moment later, and carries out its plan once it settled. */
  void offer(int index, String intentId, long amount, boolean manual) {
    open.incrementAndGet();
    SplittableRandom random = new SplittableRandom(settings.seed() * 1_000_003L + index);
    long deadline = System.nanoTime() + settings.giveUpAfter().toNanos();
    CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(FIRST_LOOK.toMillis(),
            TimeUnit.MILLISECONDS, httpExecutor))
        .thenCompose(ignored -> settled(intentId, deadline, 0))
        .thenCompose(intent -> carryOut(index, intentId, amount, manual, intent, random))
        .whenComplete((outcome, error) -> {
          count(plans, error != null ? "harness_error:" + rootCause(error) : outcome);
          open.decrementAndGet();
        });
  }

  /** Blocks until every plan offered so far has run; false on timeout. */
  boolean awaitDone(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (open.get() > 0) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(50);
    }
    return true;
  }

  /** Every final answer, in no particular order. */
  List<Answer> answers() {
    return List.copyOf(answers);
  }

  /** One line on what the merchant did after its creates. */
  String stats() {
    Map<String, Long> byAnswer = new TreeMap<>();
    answers.forEach(a -> byAnswer.merge(a.operation() + (a.overRefund() ? "(over)" : "") + "/" + a.httpStatus()
        + (a.ok() ? "" : ":" + a.code()), 1L, Long::sum));
    long retried = answers.stream().filter(a -> a.tries() > 1).count();
    long replayed = answers.stream().filter(Answer::replayed).count();
    return "lifecycle: plans=" + snapshot(plans) + " answers=" + byAnswer + " retried=" + retried
        + " (answered as replay=" + replayed + ") exchanges=" + exchanges.sum() + " retries="
        + snapshot(retriesByCause) + " open=" + open.get();
  }

  @Override
  public void close() {
    http.shutdownNow();
    httpExecutor.shutdownNow();
  }

  /**
   * The intent once settled (succeeded or requires_capture), or null when it ended otherwise or did not settle in
   * time: failed, canceled and unresolved intents have nothing to capture or refund.
   */
  private CompletableFuture<JsonNode> settled(String intentId, long deadline, int looks) {
    return exchange(() -> request("/v1/payment-intents/" + intentId).GET().build(), deadline, new AtomicInteger())
        .thenCompose(reply -> {
          if (reply.status() != 200) {
            return CompletableFuture.completedFuture(null);
          }
          JsonNode intent = JSON.readTree(reply.body());
          String status = intent.path("status").asString();
          boolean open = status.equals("pending") || status.equals("processing");
          if (!open || !intent.path("unresolvedReason").isMissingNode() && !intent.path("unresolvedReason").isNull()) {
            return CompletableFuture.completedFuture(intent);
          }
          if (System.nanoTime() > deadline) {
            return CompletableFuture.completedFuture(null);
          }
          long pause = Math.min(4_000, 500L << Math.min(3, looks));
          return later(pause).thenCompose(ignored -> settled(intentId, deadline, looks + 1));
        });
  }

  /** Runs the intent's plan; answers what was done (the plan's name, or why nothing was). */
  private CompletableFuture<String> carryOut(int index, String intentId, long amount, boolean manual, JsonNode intent,
      SplittableRandom random) {
    if (intent == null) {
      return CompletableFuture.completedFuture("skipped:not_settled");
    }
    String status = intent.path("status").asString();
    boolean unresolved = !intent.path("unresolvedReason").isMissingNode() && !intent.path("unresolvedReason").isNull();
    if (unresolved || !(status.equals("requires_capture") || status.equals("succeeded"))) {
      return CompletableFuture.completedFuture("skipped:" + (unresolved ? "unresolved" : status));
    }
    Plan plan = Plan.draw(status.equals("requires_capture"), random);
    Steps steps = new Steps(index, intentId);
    CompletableFuture<?> done = switch (plan) {
      case CAPTURE_ALL -> steps.capture(0);
      case CAPTURE_PART -> steps.capture(1 + random.nextLong(amount - 1));
      case CAPTURE_THEN_REFUND -> {
        long captured = random.nextBoolean() ? amount : 2 + random.nextLong(amount - 2);
        yield steps.capture(captured == amount ? 0 : captured).thenCompose(answer -> answer.ok()
            && "succeeded".equals(answer.status()) ? steps.refund(1 + random.nextLong(captured - 1), false)
            : CompletableFuture.completedFuture(answer));
      }
      case CANCEL -> steps.cancel();
      case LEAVE_AUTHORIZED, KEEP -> CompletableFuture.completedFuture(null);
      case REFUND_PART -> steps.refund(1 + random.nextLong(amount - 1), false);
      case REFUND_TWICE -> {
        long first = 1 + random.nextLong(amount / 2);
        yield steps.refund(first, false)
            .thenCompose(answer -> steps.refund(1 + random.nextLong(amount - first - 1), false));
      }
      case REFUND_FULL -> steps.refund(0, false);
      case OVER_REFUND -> {
        long first = 1 + random.nextLong(amount - 1);
        // A refund the router may still carry out counts against what is left; only a failed one gives it back.
        yield steps.refund(first, false).thenCompose(answer -> steps.refund(
            amount + 1 - (answer.ok() && !"failed".equals(answer.status()) ? first : 0), true));
      }
    };
    return done.thenApply(ignored -> plan.wireName());
  }

  /** The requests of one intent's plan, each under a key of its own. */
  private final class Steps {
    private final String intentId;
    private final String keyPrefix;
    private int step;

    Steps(int index, String intentId) {
      this.intentId = intentId;
      this.keyPrefix = settings.keyPrefix() + "-" + index + "-";
    }

    CompletableFuture<Answer> capture(long amount) {
      return post("capture", "/v1/payment-intents/" + intentId + "/capture",
          amount == 0 ? "{}" : "{\"amount\": " + amount + "}", amount, false);
    }

    CompletableFuture<Answer> cancel() {
      return post("cancel", "/v1/payment-intents/" + intentId + "/cancel",
          "{\"cancellationReason\": \"requested_by_customer\"}", 0, false);
    }

    CompletableFuture<Answer> refund(long amount, boolean over) {
      return post("refund", "/v1/refunds", "{\"paymentIntent\": \"" + intentId + "\""
          + (amount == 0 ? "" : ", \"amount\": " + amount) + "}", amount, over);
    }

    private CompletableFuture<Answer> post(String operation, String path, String body, long amount, boolean over) {
      String key = keyPrefix + (++step);
      long deadline = System.nanoTime() + settings.giveUpAfter().toNanos();
      AtomicInteger tries = new AtomicInteger();
      return exchange(() -> request(path)
              .header("Idempotency-Key", key)
              .header("Prefer", WAIT)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build(), deadline, tries)
          .thenApply(reply -> {
            Answer answer = answer(operation, key, amount, over, reply);
            answers.add(answer);
            return answer;
          });
    }

    private Answer answer(String operation, String key, long amount, boolean over, Reply reply) {
      if (reply.status() < 0) {
        return new Answer(intentId, operation, key, amount, over, -1, reply.body(), null, null, false,
            reply.tries());
      }
      JsonNode json = reply.body().isBlank() ? JSON.missingNode() : JSON.readTree(reply.body());
      boolean ok = reply.status() == 200 || reply.status() == 201;
      boolean refund = operation.equals("refund");
      return new Answer(intentId, operation, key, amount, over, reply.status(),
          ok ? null : json.path("code").asString(null), ok && refund ? json.path("id").asString(null) : null,
          ok ? json.path("status").asString(null) : null, reply.replayed(), reply.tries());
    }
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(settings.routerUrl().resolve(path))
        .timeout(settings.requestTimeout())
        .header("Authorization", "Bearer " + settings.apiKey());
  }

  /**
   * Sends the request until the router answers other than 429 or 5xx, or the deadline passes (then status -1 and the
   * last cause as body). A retry is the same request: same key, same body.
   */
  private CompletableFuture<Reply> exchange(java.util.function.Supplier<HttpRequest> request, long deadline,
      AtomicInteger tries) {
    return permit().thenCompose(ignored -> {
      tries.incrementAndGet();
      exchanges.increment();
      try {
        return http.sendAsync(request.get(), HttpResponse.BodyHandlers.ofString())
            .whenComplete((response, error) -> release());
      } catch (RuntimeException e) {
        release();
        throw e;
      }
    })
        .handle((response, error) -> {
          String cause;
          long retryAfterMs = 0;
          if (error != null) {
            cause = MerchantLoad.transportCause(error);
          } else if (response.statusCode() >= 500 || response.statusCode() == 429) {
            cause = "http_" + response.statusCode() + MerchantLoad.problemCode(response.body());
            retryAfterMs = response.headers().firstValue("Retry-After").flatMap(MerchantLoad::seconds)
                .map(s -> Math.min(s * 1000, MAX_RETRY_AFTER_MS)).orElse(0L);
          } else {
            boolean replayed = response.headers().firstValue("Idempotent-Replayed").map("true"::equals)
                .orElse(false);
            return CompletableFuture.completedFuture(new Reply(response.statusCode(), response.body(), replayed,
                tries.get()));
          }
          count(retriesByCause, cause);
          if (System.nanoTime() > deadline) {
            return CompletableFuture.completedFuture(new Reply(-1, "gave_up:" + cause, false, tries.get()));
          }
          long backoff = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS << Math.min(5, tries.get() - 1));
          long delay = Math.max(retryAfterMs, backoff + ThreadLocalRandom.current().nextLong(backoff / 2 + 1));
          return later(delay).thenCompose(ignored -> exchange(request, deadline, tries));
        })
        .thenCompose(reply -> reply);
  }

  /** Completes once one of {@link #MAX_IN_FLIGHT} permits is ours; waits in line without holding a thread. */
  private CompletableFuture<Void> permit() {
    CompletableFuture<Void> granted = new CompletableFuture<>();
    waiting.add(() -> granted.complete(null));
    drain();
    return granted;
  }

  private void release() {
    permits.release();
    drain();
  }

  private void drain() {
    while (!waiting.isEmpty() && permits.tryAcquire()) {
      Runnable next = waiting.poll();
      if (next == null) {
        // Another thread took it; a waiter added meanwhile is seen on the next turn, not left with a free permit.
        permits.release();
        continue;
      }
      // On the executor: a plan's next step must not run on (and deepen) the stack of the exchange that ended.
      httpExecutor.execute(next);
    }
  }

  private CompletableFuture<Void> later(long millis) {
    return CompletableFuture.runAsync(() -> { },
        CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS, httpExecutor));
  }

  private static void count(Map<String, LongAdder> counts, String what) {
    counts.computeIfAbsent(what, c -> new LongAdder()).increment();
  }

  private static Map<String, Long> snapshot(Map<String, LongAdder> counts) {
    Map<String, Long> sorted = new TreeMap<>();
    counts.forEach((what, count) -> sorted.put(what, count.sum()));
    return sorted;
  }

  private static String rootCause(Throwable error) {
    Throwable cause = error;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getClass().getSimpleName();
  }
}
