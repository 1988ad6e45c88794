"""Where the router's CPU time goes at saturation, from a JFR recording: the hottest methods, the libraries they
belong to, the application frames that lead into them, and JFR's own views (saved as text beside the results)."""

import collections
import json
import subprocess

CATEGORIES = [
    ("application (dev.paymentrouter)", ("dev.paymentrouter.",)),
    ("R2DBC / PostgreSQL driver", ("io.r2dbc.", "org.springframework.r2dbc.", "org.springframework.transaction.")),
    ("Jackson", ("tools.jackson.", "com.fasterxml.")),
    ("Spring WebFlux / web", ("org.springframework.web.", "org.springframework.http.", "org.springframework.core.",
                              "org.springframework.util.", "org.springframework.boot.")),
    ("Reactor Netty / Netty (HTTP, TCP)", ("reactor.netty.", "io.netty.")),
    ("Reactor core", ("reactor.core.", "reactor.util.")),
    ("Micrometer / observation", ("io.micrometer.",)),
    ("Resilience4j / Bucket4j", ("io.github.resilience4j.", "io.github.bucket4j.")),
    ("Logging", ("ch.qos.logback.", "org.slf4j.", "org.apache.logging.")),
    ("JDK", ("java.", "javax.", "jdk.", "sun.", "com.sun.")),
]

# Activities a sample's stack can show, each matched against every frame ("class.method"); a sample may count for
# several. Percentages of these are inclusive: "this much of the CPU was spent inside X".
# What a sample's CPU time was spent on: the recognized frame nearest the leaf decides (JDK, Reactor and Netty
# plumbing counts for the activity that called it). Specific entries come first: a frame matching several counts
# for the first. Samples without any recognized frame count for their leaf's library.
COST_CENTRES = [
    ("SQL text parsing at every execution (Spring named parameters, r2dbc SQL parser)",
     ("org.springframework.r2dbc.core.NamedParameter", "io.r2dbc.postgresql.PostgresqlSqlParser")),
    ("transactions (TransactionalOperator, R2dbcTransactionManager)",
     ("org.springframework.transaction.", "org.springframework.r2dbc.connection.R2dbcTransactionManager")),
    ("connection pool (r2dbc-pool, reactor-pool)", ("io.r2dbc.pool.", "reactor.pool.")),
    ("SQL statements and results (DatabaseClient, r2dbc-postgresql codecs and protocol)",
     ("org.springframework.r2dbc.", "io.r2dbc.")),
    ("JSON (Jackson)", ("tools.jackson.", "com.fasterxml.jackson.")),
    ("observation and metrics (Micrometer)", ("io.micrometer.",)),
    ("logging", ("ch.qos.logback.", "org.slf4j.")),
    ("request parsing and API-key hashing (IntentRequestParser, ApiKeys)",
     ("dev.paymentrouter.api.IntentRequestParser.", "dev.paymentrouter.merchant.domain.ApiKeys.")),
    ("domain (decide, evolve, routing)", ("dev.paymentrouter.intent.domain.", "dev.paymentrouter.routing.domain.")),
    ("intent store (IntentStore, EventPayloads)",
     ("dev.paymentrouter.intent.runtime.IntentStore.", "dev.paymentrouter.intent.runtime.EventPayloads.")),
    ("provider connector (SimulatorConnector)", ("dev.paymentrouter.provider.connector.",)),
    ("provider runtime (supervisor, gatekeeper, worker pool)",
     ("dev.paymentrouter.provider.runtime.", "io.github.resilience4j.", "io.github.bucket4j.")),
    ("intent processes (IntentProcess, Mailbox, IntentRegistry)",
     ("dev.paymentrouter.intent.runtime.", "dev.paymentrouter.process.")),
    ("API controller (PaymentIntentController, IntentView)", ("dev.paymentrouter.api.",)),
    ("outbound HTTP to providers (WebClient, Reactor Netty client)",
     ("org.springframework.web.reactive.function.client.", "reactor.netty.http.client.",
      "org.springframework.http.client.")),
    ("inbound HTTP (Reactor Netty server, WebFlux dispatch, codecs)",
     ("reactor.netty.http.server.", "org.springframework.web.", "org.springframework.http.",
      "io.netty.handler.codec.http.")),
    ("socket system calls (read, write, epoll_wait, eventfd)",
     ("io.netty.channel.unix.Socket.", "io.netty.channel.unix.FileDescriptor.", "io.netty.channel.epoll.Native.")),
]

VIEWS = ["hot-methods", "cpu-time-hot-methods", "allocation-by-class", "allocation-by-site", "contention-by-site",
         "exception-by-site", "gc", "gc-pauses", "cpu-load", "thread-cpu-load"]


def category(frame_type):
    for name, prefixes in CATEGORIES:
        if frame_type.startswith(prefixes):
            return name
    return "other"


def cost_centre(frames, leaf_type):
    for frame in frames:
        for name, prefixes in COST_CENTRES:
            if frame.startswith(prefixes):
                return name
    return "unattributed: " + category(leaf_type)


def thread_group(name):
    name = name or "?"
    for prefix, group in (("reactor-http-", "reactor-http (server and client event loops)"),
                          ("reactor-tcp-", "reactor-tcp (R2DBC connections)"),
                          ("parallel-", "reactor parallel scheduler"),
                          ("boundedElastic-", "reactor bounded elastic"),
                          ("GC ", "GC"), ("G1 ", "GC"), ("C1 ", "JIT"), ("C2 ", "JIT")):
        if name.startswith(prefix):
            return group
    return name.rstrip("0123456789-#") or name


def _frames(event):
    trace = event["values"].get("stackTrace") or {}
    frames = []
    for frame in trace.get("frames") or []:
        method = frame.get("method") or {}
        kind = (method.get("type") or {}).get("name", "?").replace("/", ".")
        frames.append((kind, method.get("name", "?"), frame.get("lineNumber")))
    return frames


def _load(tools, jfr_file, event_type):
    result = subprocess.run([tools.jfr, "print", "--json", "--stack-depth", "512", "--events", event_type,
                             str(jfr_file)],
                            capture_output=True, text=True)
    if result.returncode != 0 or not result.stdout.strip():
        return []
    return json.loads(result.stdout)["recording"]["events"]


def analyse(tools, jfr_file, out_dir, top=20):
    """A summary of the recording; JFR's views go to out_dir/jfr-<view>.txt."""
    for view in VIEWS:
        result = subprocess.run([tools.jfr, "view", "--width", "200", view, str(jfr_file)], capture_output=True,
                                text=True)
        (out_dir / f"jfr-{view}.txt").write_text(result.stdout + result.stderr)
    events = _load(tools, jfr_file, "jdk.CPUTimeSample")
    source = "jdk.CPUTimeSample"
    if len(events) < 200:
        events = _load(tools, jfr_file, "jdk.ExecutionSample")
        source = "jdk.ExecutionSample"
    total = 0
    self_methods = collections.Counter()
    self_categories = collections.Counter()
    self_libraries = collections.Counter()
    inclusive_categories = collections.Counter()
    inclusive_app = collections.Counter()
    app_call_sites = collections.Counter()
    threads = collections.Counter()
    centres = collections.Counter()
    for event in events:
        frames = _frames(event)
        if not frames:
            continue
        total += 1
        values = event["values"]
        thread = (values.get("sampledThread") or values.get("eventThread") or {}).get("javaName")
        threads[thread_group(thread)] += 1
        leaf_type, leaf_name, _ = frames[0]
        self_methods[f"{leaf_type}.{leaf_name}"] += 1
        self_categories[category(leaf_type)] += 1
        # JDK code (collections, strings, locks, syscalls) counted for the library that called it.
        caller = next((category(kind) for kind, _, _ in frames if category(kind) != "JDK"), "JDK")
        self_libraries[caller] += 1
        centres[cost_centre([f"{kind}.{name}" for kind, name, _ in frames], leaf_type)] += 1
        for name in {category(kind) for kind, _, _ in frames}:
            inclusive_categories[name] += 1
        for method in {f"{kind}.{name}" for kind, name, _ in frames if kind.startswith("dev.paymentrouter.")}:
            inclusive_app[method] += 1
        # The application frame nearest the leaf: which of our calls the library time is spent for.
        site = next((f"{kind}.{name}" for kind, name, _ in frames if kind.startswith("dev.paymentrouter.")),
                    "(no application frame: " + category(leaf_type) + ")")
        app_call_sites[site] += 1

    def share(counter, limit=top):
        return [[name, count, round(100.0 * count / total, 1)] for name, count in counter.most_common(limit)]

    summary = {"source": source, "samples": total, "selfByMethod": share(self_methods),
               "selfByCategory": share(self_categories, 20), "selfByLibrary": share(self_libraries, 20), "inclusiveByCategory": share(inclusive_categories, 20),
               "inclusiveByApplicationMethod": share(inclusive_app), "byApplicationCallSite": share(app_call_sites),
               "byThreadGroup": share(threads, 12),
               "costCentres": share(centres, 40)} if total else {"source": source, "samples": 0}
    (out_dir / "profile.json").write_text(json.dumps(summary, indent=2))
    return summary
