"""Where the router's CPU time goes at saturation, from a JFR recording: the hottest methods, the libraries they
belong to, the application frames that lead into them, and JFR's own views (saved as text beside the results)."""

import collections
import json
import subprocess
from pathlib import Path

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


def _load(tools, classpath, jfr_file, out_dir):
    """[(thread, [frames leaf first], count)] from JfrStacks' collapsed stacks: CPU-time samples when there are
    enough of them, else execution samples."""
    prefix = out_dir / jfr_file.stem
    subprocess.run([tools.java, "-cp", classpath, "dev.paymentrouter.bench.jfr.JfrStacks", str(jfr_file),
                    str(prefix)], check=True, capture_output=True, text=True)
    chosen = None
    for source, suffix in (("jdk.CPUTimeSample", ".cpu-time.collapsed"), ("jdk.ExecutionSample",
                                                                        ".execution.collapsed")):
        stacks = []
        for line in Path(str(prefix) + suffix).read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            parts = stack.split(";")
            stacks.append((parts[0], list(reversed(parts[1:])), int(count)))
        if sum(c for _, _, c in stacks) >= 200 or source == "jdk.ExecutionSample":
            chosen = (source, stacks)
            break
    return chosen


def analyse(tools, jfr_file, out_dir, classpath, top=20):
    """A summary of the recording; JFR's views go to out_dir/jfr-<view>.txt, the collapsed stacks (flame graph
    input) beside the recording."""
    for view in VIEWS:
        result = subprocess.run([tools.jfr, "view", "--width", "200", view, str(jfr_file)], capture_output=True,
                                text=True)
        (out_dir / f"jfr-{view}.txt").write_text(result.stdout + result.stderr)
    source, stacks = _load(tools, classpath, Path(jfr_file), Path(out_dir))
    total = 0
    self_methods = collections.Counter()
    self_categories = collections.Counter()
    self_libraries = collections.Counter()
    inclusive_categories = collections.Counter()
    inclusive_app = collections.Counter()
    app_call_sites = collections.Counter()
    threads = collections.Counter()
    centres = collections.Counter()
    for thread, frames, count in stacks:
        if not frames:
            continue
        total += count
        threads[thread_group(thread)] += count
        leaf = frames[0]
        leaf_type = leaf.rsplit(".", 1)[0]
        self_methods[leaf] += count
        self_categories[category(leaf_type)] += count
        # JDK code (collections, strings, locks, syscalls) counted for the library that called it.
        caller = next((category(f) for f in frames if category(f) != "JDK"), "JDK")
        self_libraries[caller] += count
        centres[cost_centre(frames, leaf_type)] += count
        for name in {category(f) for f in frames}:
            inclusive_categories[name] += count
        for method in {f for f in frames if f.startswith("dev.paymentrouter.")}:
            inclusive_app[method] += count
        # The application frame nearest the leaf: which of our calls the library time is spent for.
        site = next((f for f in frames if f.startswith("dev.paymentrouter.")),
                    "(no application frame: " + category(leaf_type) + ")")
        app_call_sites[site] += count

    def share(counter, limit=top):
        return [[name, count, round(100.0 * count / total, 1)] for name, count in counter.most_common(limit)]

    summary = {"source": source, "samples": total, "selfByMethod": share(self_methods),
               "selfByCategory": share(self_categories, 20), "selfByLibrary": share(self_libraries, 20), "inclusiveByCategory": share(inclusive_categories, 20),
               "inclusiveByApplicationMethod": share(inclusive_app), "byApplicationCallSite": share(app_call_sites),
               "byThreadGroup": share(threads, 12),
               "costCentres": share(centres, 40)} if total else {"source": source, "samples": 0}
    (out_dir / "profile.json").write_text(json.dumps(summary, indent=2))
    return summary
