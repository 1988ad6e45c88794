package dev.paymentrouter.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An open-model, constant-rate HTTP load generator. Each stream sends request {@code i} at its intended time
 * {@code t0 + i / rate} whether or not earlier requests have been answered, and every latency is measured from that
 * intended time, not from the moment the request actually left: a stall of the server (or of this generator) shows
 * up in the percentiles instead of silently lowering the offered load (no coordinated omission).
 *
 * <p>Usage: {@code LoadGenerator <plan.json> <result.json>}, or {@code LoadGenerator --serve} to run one plan per
 * line of standard input. The plan names a warm-up, a measured window and one or
 * more streams that run at the same time, each with its own connection pool, rate, target and histograms:
 *
 * <pre>{@code
 * {"label": "tput-600", "warmupSeconds": 3, "durationSeconds": 10, "drainSeconds": 30,
 *  "streams": [{"name": "router", "kind": "intent", "url": "http://127.0.0.1:18080/v1/payment-intents",
 *               "rate": 600, "apiKey": "sk_...", "waitSeconds": 10, "lane": "main", "keyPrefix": "t600-",
 *               "maxConnections": 4000, "timeoutSeconds": 30, "expectFinal": true}]}
 * }</pre>
 *
 * <p>{@code kind} is {@code intent} (POST a payment intent to the router) or {@code charge} (POST a charge straight
 * to a provider simulator, the baseline a router's overhead is measured against). Requests intended during the
 * warm-up are sent and answered but not measured. The result holds per stream the counts by HTTP status, problem
 * code and intent status, transport errors, latency percentiles (ms) of all answers, of successful ones and of
 * refusals (429/503), how far the sender fell behind its schedule, and a file of the full percentile distribution.
 */
public final class LoadGenerator {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(10);
  private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"([a-z_]+)\"");
  private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*\"([a-z_]+)\"");
  private static final double[] PERCENTILES = {50, 90, 99, 99.9};

  private LoadGenerator() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 1 && args[0].equals("--serve")) {
      serve();
    } else if (args.length == 2) {
      runPlan(Path.of(args[0]), Path.of(args[1]));
    } else {
      System.err.println("usage: LoadGenerator <plan.json> <result.json> | LoadGenerator --serve");
      System.exit(2);
    }
    // Reactor Netty's global loops are daemons; nothing else keeps the JVM alive.
    System.exit(0);
  }

  /**
   * Runs plans one after the other as they are named on standard input ({@code <plan.json> <result.json>} per
   * line), answering {@code done <result.json>} (or {@code failed ...}) for each: one JVM for a whole suite, so its
   * JIT compiler warms up once instead of competing with the router for the CPU at every step.
   */
  private static void serve() throws IOException {
    java.io.BufferedReader input = new java.io.BufferedReader(
        new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8));
    System.out.println("ready");
    System.out.flush();
    for (String line = input.readLine(); line != null; line = input.readLine()) {
      String[] parts = line.trim().split("\\s+");
      if (parts.length != 2) {
        continue;
      }
      try {
        runPlan(Path.of(parts[0]), Path.of(parts[1]));
        System.out.println("done " + parts[1]);
      } catch (Exception e) {
        e.printStackTrace();
        System.out.println("failed " + parts[1] + " " + e);
      }
      System.out.flush();
    }
  }

  private static void runPlan(Path planFile, Path result) throws IOException, InterruptedException {
    JsonNode plan = JSON.readTree(Files.readString(planFile));
    ObjectNode out = run(plan, result.toAbsolutePath().getParent());
    Files.writeString(result, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
    System.out.println(JSON.writeValueAsString(summaryLine(out)));
  }

  static ObjectNode run(JsonNode plan, Path outDir) throws InterruptedException, IOException {
    String label = plan.path("label").asString("run");
    long warmupNanos = seconds(plan.path("warmupSeconds").asDouble(0));
    long measureNanos = seconds(plan.path("durationSeconds").asDouble(10));
    long drainNanos = seconds(plan.path("drainSeconds").asDouble(30));
    List<Stream> streams = new ArrayList<>();
    for (JsonNode spec : plan.path("streams")) {
      streams.add(new Stream(spec));
    }
    if (streams.isEmpty()) {
      throw new IllegalArgumentException("the plan has no streams");
    }
    // Every stream starts on the same instant, a little ahead so that all sender threads are parked in time.
    long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
    long measureFrom = t0 + warmupNanos;
    long end = measureFrom + measureNanos;
    List<Thread> senders = new ArrayList<>();
    for (Stream stream : streams) {
      Thread sender = new Thread(() -> stream.send(t0, measureFrom, end), "sender-" + stream.name);
      sender.setDaemon(true);
      sender.setPriority(Thread.MAX_PRIORITY);
      senders.add(sender);
      sender.start();
    }
    // Markers for the suite, which measures CPU time over exactly the measured window.
    parkUntil(measureFrom);
    System.out.println("phase measure");
    System.out.flush();
    for (Thread sender : senders) {
      sender.join();
    }
    System.out.println("phase drain");
    System.out.flush();
    long sendEnded = System.nanoTime();
    for (Stream stream : streams) {
      stream.outstandingDone.await(Math.max(0, drainNanos - (System.nanoTime() - sendEnded)), TimeUnit.NANOSECONDS);
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("label", label);
    out.put("warmupSeconds", warmupNanos / 1e9);
    out.put("durationSeconds", measureNanos / 1e9);
    ArrayNode results = out.putArray("streams");
    for (Stream stream : streams) {
      results.add(stream.result(label, measureNanos, outDir));
      stream.connections.disposeLater().block(Duration.ofSeconds(5));
    }
    return out;
  }

  private static ObjectNode summaryLine(ObjectNode out) {
    ObjectNode line = JSON.createObjectNode();
    line.put("label", out.path("label").asString());
    for (JsonNode stream : out.path("streams")) {
      ObjectNode s = line.putObject(stream.path("name").asString());
      s.put("rate", stream.path("offeredRate").asDouble());
      s.put("sent", stream.path("sent").asLong());
      s.put("ok", stream.path("ok").asLong());
      s.put("errors", stream.path("errors").asLong());
      s.set("status", stream.path("httpStatus"));
      s.put("p50", stream.path("latencyMs").path("all").path("p50").asDouble());
      s.put("p99", stream.path("latencyMs").path("all").path("p99").asDouble());
      s.put("max", stream.path("latencyMs").path("all").path("max").asDouble());
      s.put("lagMs", stream.path("maxSendLagMs").asDouble());
    }
    return line;
  }

  private static void parkUntil(long nanoTime) {
    for (long now = System.nanoTime(); now < nanoTime; now = System.nanoTime()) {
      LockSupport.parkNanos(nanoTime - now);
    }
  }

  private static long seconds(double s) {
    return (long) (s * 1e9);
  }

  /** One request source: its schedule, its connection pool and what came back. */
  private static final class Stream {

    final String name;
    final String kind;
    final String url;
    final double rate;
    final String keyPrefix;
    final boolean expectFinal;
    final String authorization;
    final String prefer;
    final String bodyBefore;
    final String bodyAfter;
    final ConnectionProvider connections;
    final HttpClient client;
    final long timeoutNanos;
    final long maxOutstanding;

    final Recorder all = new Recorder(HIGHEST_MICROS, 3);
    final Recorder ok = new Recorder(HIGHEST_MICROS, 3);
    final Recorder refused = new Recorder(HIGHEST_MICROS, 3);
    final Map<String, LongAdder> httpStatus = new ConcurrentHashMap<>();
    final Map<String, LongAdder> intentStatus = new ConcurrentHashMap<>();
    final Map<String, LongAdder> problemCodes = new ConcurrentHashMap<>();
    final Map<String, LongAdder> transportErrors = new ConcurrentHashMap<>();
    final LongAdder sent = new LongAdder();
    final LongAdder warmupSent = new LongAdder();
    final LongAdder okCount = new LongAdder();
    final LongAdder refusedCount = new LongAdder();
    final LongAdder refusedWithoutRetryAfter = new LongAdder();
    final LongAdder errorCount = new LongAdder();
    final LongAdder notFinal = new LongAdder();
    final LongAdder skipped = new LongAdder();
    final AtomicLong outstanding = new AtomicLong();
    // Per second of intended send time (from the start of the measured window): answers and worst latency (µs),
    // to see when a stall happened and line it up with the router's and PostgreSQL's logs.
    final AtomicLongArray secondCount = new AtomicLongArray(3600);
    final AtomicLongArray secondMax = new AtomicLongArray(3600);
    volatile long measureFromNanos;
    volatile long measureFromEpochMillis;
    final AtomicLong maxOutstandingSeen = new AtomicLong();
    final CountDownLatch outstandingDone = new CountDownLatch(1);
    volatile boolean sending = true;
    long maxLagNanos;
    long firstSend;
    long lastSend;

    Stream(JsonNode spec) {
      this.name = spec.path("name").asString("stream");
      this.kind = spec.path("kind").asString("intent");
      this.url = spec.path("url").asString();
      this.rate = spec.path("rate").asDouble();
      if (rate <= 0 || url.isEmpty()) {
        throw new IllegalArgumentException("stream " + name + " needs a url and a rate > 0");
      }
      this.keyPrefix = spec.path("keyPrefix").asString("bench-" + System.currentTimeMillis() + "-");
      this.expectFinal = spec.path("expectFinal").asBoolean(false);
      String apiKey = spec.path("apiKey").asString("");
      this.authorization = apiKey.isEmpty() ? null : "Bearer " + apiKey;
      this.prefer = spec.has("waitSeconds") ? "wait=" + spec.path("waitSeconds").asInt() : null;
      this.timeoutNanos = seconds(spec.path("timeoutSeconds").asDouble(30));
      this.maxOutstanding = spec.path("maxOutstanding").asLong(100_000);
      String token = spec.path("token").asString("tok_visa");
      String lane = spec.path("lane").asString("main");
      String body = kind.equals("charge")
          // The request the router's simulator connector sends; the reference is filled in per request.
          ? "{\"amount\":1299,\"currency\":\"EUR\",\"token\":\"" + token + "\",\"reference\":\"%s\"}"
          : "{\"amount\":1299,\"currency\":\"EUR\",\"paymentMethod\":{\"type\":\"card\",\"token\":\"" + token
              + "\",\"country\":\"DE\"},\"reference\":\"%s\",\"metadata\":{\"lane\":\"" + lane + "\"}}";
      int hole = body.indexOf("%s");
      this.bodyBefore = body.substring(0, hole);
      this.bodyAfter = body.substring(hole + 2);
      int maxConnections = spec.path("maxConnections").asInt(2000);
      this.connections = ConnectionProvider.builder("bench-" + name)
          .maxConnections(maxConnections)
          .pendingAcquireMaxCount(-1)
          .pendingAcquireTimeout(Duration.ofNanos(timeoutNanos))
          .build();
      this.client = HttpClient.create(connections)
          .responseTimeout(Duration.ofNanos(timeoutNanos))
          .keepAlive(true);
    }

    /** Sends on schedule until {@code end}; runs on its own thread, which does nothing else. */
    void send(long t0, long measureFrom, long end) {
      measureFromNanos = measureFrom;
      measureFromEpochMillis = System.currentTimeMillis() + (measureFrom - System.nanoTime()) / 1_000_000;
      double intervalNanos = 1e9 / rate;
      for (long i = 0; ; i++) {
        long intended = t0 + (long) (i * intervalNanos);
        if (intended >= end) {
          break;
        }
        long now = System.nanoTime();
        while (now < intended) {
          LockSupport.parkNanos(intended - now);
          now = System.nanoTime();
        }
        long lag = now - intended;
        boolean measured = intended >= measureFrom;
        if (measured && lag > maxLagNanos) {
          maxLagNanos = lag;
        }
        if (outstanding.get() >= maxOutstanding) {
          // The target is so far behind that the generator would only pile up memory: count, do not send.
          if (measured) {
            skipped.increment();
            errorCount.increment();
            transportErrors.computeIfAbsent("generator_outstanding_limit", k -> new LongAdder()).increment();
          }
          continue;
        }
        if (measured) {
          if (firstSend == 0) {
            firstSend = now;
          }
          lastSend = now;
          sent.increment();
        } else {
          warmupSent.increment();
        }
        fire(i, intended, measured);
      }
      sending = false;
      if (outstanding.get() == 0) {
        outstandingDone.countDown();
      }
    }

    private void fire(long i, long intended, boolean measured) {
      String key = keyPrefix + i;
      long count = outstanding.incrementAndGet();
      maxOutstandingSeen.accumulateAndGet(count, Math::max);
      ByteBuf body = Unpooled.wrappedBuffer((bodyBefore + key + bodyAfter).getBytes(StandardCharsets.UTF_8));
      client.post()
          .uri(url)
          .send((request, outbound) -> {
            request.header(HttpHeaderNames.CONTENT_TYPE, "application/json");
            request.header("Idempotency-Key", key);
            if (authorization != null) {
              request.header(HttpHeaderNames.AUTHORIZATION, authorization);
            }
            if (prefer != null) {
              request.header("Prefer", prefer);
            }
            return outbound.send(Mono.just(body));
          })
          .responseSingle((response, content) -> content.asString(StandardCharsets.UTF_8)
              .defaultIfEmpty("")
              .map(text -> new Answer(response.status().code(),
                  response.responseHeaders().contains(HttpHeaderNames.RETRY_AFTER), text)))
          .timeout(Duration.ofNanos(timeoutNanos + TimeUnit.SECONDS.toNanos(1)))
          .subscribe(answer -> answered(answer, intended, measured), error -> failed(error, intended, measured));
    }

    private void answered(Answer answer, long intended, boolean measured) {
      long micros = Math.max(1, (System.nanoTime() - intended) / 1000);
      if (measured) {
        all.recordValue(Math.min(micros, HIGHEST_MICROS));
        second(intended, micros);
        count(httpStatus, Integer.toString(answer.status()));
        if (answer.status() >= 200 && answer.status() < 300) {
          String status = kind.equals("intent") ? first(STATUS, answer.body()) : "charged";
          count(intentStatus, status == null ? "none" : status);
          boolean isFinal = "succeeded".equals(status) || "failed".equals(status);
          if (expectFinal && !isFinal) {
            notFinal.increment();
            errorCount.increment();
          } else {
            okCount.increment();
            ok.recordValue(Math.min(micros, HIGHEST_MICROS));
          }
        } else {
          String code = first(CODE, answer.body());
          count(problemCodes, answer.status() + ":" + (code == null ? "none" : code));
          if (answer.status() == 429 || answer.status() == 503) {
            refusedCount.increment();
            refused.recordValue(Math.min(micros, HIGHEST_MICROS));
            if (!answer.retryAfter()) {
              refusedWithoutRetryAfter.increment();
            }
          } else {
            errorCount.increment();
          }
        }
      }
      done();
    }

    private void failed(Throwable error, long intended, boolean measured) {
      long micros = Math.max(1, (System.nanoTime() - intended) / 1000);
      if (measured) {
        all.recordValue(Math.min(micros, HIGHEST_MICROS));
        second(intended, micros);
        errorCount.increment();
        count(transportErrors, error.getClass().getSimpleName());
      }
      done();
    }

    private void second(long intended, long micros) {
      int second = (int) Math.min(3599, Math.max(0, (intended - measureFromNanos) / 1_000_000_000L));
      secondCount.incrementAndGet(second);
      secondMax.accumulateAndGet(second, micros, Math::max);
    }

    private void done() {
      if (outstanding.decrementAndGet() == 0 && !sending) {
        outstandingDone.countDown();
      }
    }

    ObjectNode result(String label, long measureNanos, Path outDir) throws IOException {
      ObjectNode node = JSON.createObjectNode();
      node.put("name", name);
      node.put("kind", kind);
      node.put("url", url);
      node.put("offeredRate", rate);
      long sentCount = sent.sum();
      node.put("sent", sentCount);
      node.put("warmupSent", warmupSent.sum());
      double window = lastSend > firstSend ? (lastSend - firstSend) / 1e9 : measureNanos / 1e9;
      node.put("achievedSendRate", sentCount / Math.max(window, 1e-9));
      node.put("ok", okCount.sum());
      node.put("okRate", okCount.sum() / (measureNanos / 1e9));
      node.put("refused", refusedCount.sum());
      node.put("refusedWithoutRetryAfter", refusedWithoutRetryAfter.sum());
      node.put("notFinal", notFinal.sum());
      node.put("errors", errorCount.sum());
      node.put("skipped", skipped.sum());
      node.put("unanswered", outstanding.get());
      node.put("maxOutstanding", maxOutstandingSeen.get());
      node.put("maxSendLagMs", maxLagNanos / 1e6);
      node.set("httpStatus", counts(httpStatus));
      node.set("intentStatus", counts(intentStatus));
      node.set("problemCodes", counts(problemCodes));
      node.set("transportErrors", counts(transportErrors));
      node.put("measureFromEpochMillis", measureFromEpochMillis);
      ArrayNode timeline = node.putArray("timeline");
      for (int second = 0; second < 3600 && second < Math.ceil(measureNanos / 1e9); second++) {
        timeline.addArray().add(second).add(secondCount.get(second)).add(secondMax.get(second) / 1000.0);
      }
      ObjectNode latency = node.putObject("latencyMs");
      Histogram allHistogram = all.getIntervalHistogram();
      latency.set("all", percentiles(allHistogram));
      latency.set("ok", percentiles(ok.getIntervalHistogram()));
      latency.set("refused", percentiles(refused.getIntervalHistogram()));
      Path hgrm = outDir.resolve(label + "." + name + ".hgrm");
      try (PrintStream print = new PrintStream(Files.newOutputStream(hgrm), true, StandardCharsets.UTF_8)) {
        // Recorded in microseconds, written in milliseconds.
        allHistogram.outputPercentileDistribution(print, 5, 1000.0);
      }
      node.put("hgrm", hgrm.getFileName().toString());
      return node;
    }

    private static ObjectNode percentiles(Histogram histogram) {
      ObjectNode node = JSON.createObjectNode();
      node.put("count", histogram.getTotalCount());
      if (histogram.getTotalCount() == 0) {
        return node;
      }
      for (double p : PERCENTILES) {
        String key = "p" + (p == Math.rint(p) ? Integer.toString((int) p) : Double.toString(p)).replace(".", "");
        node.put(key, histogram.getValueAtPercentile(p) / 1000.0);
      }
      node.put("max", histogram.getMaxValue() / 1000.0);
      node.put("mean", histogram.getMean() / 1000.0);
      return node;
    }

    private static ObjectNode counts(Map<String, LongAdder> counts) {
      ObjectNode node = JSON.createObjectNode();
      new java.util.TreeMap<>(counts).forEach((key, value) -> node.put(key, value.sum()));
      return node;
    }

    private static void count(Map<String, LongAdder> counts, String key) {
      counts.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    private static String first(Pattern pattern, String body) {
      Matcher matcher = pattern.matcher(body);
      return matcher.find() ? matcher.group(1) : null;
    }
  }

  private record Answer(int status, boolean retryAfter, String body) {}
}
