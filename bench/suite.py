#!/usr/bin/env python3
"""The payment-router benchmark suite. Started by bench/run.sh after the build; see docs/benchmarks.md.

Everything runs on this machine and binds to 127.0.0.1: a PostgreSQL cluster of its own (durable commits), the
provider simulators (one JVM, three providers), the router as a separate JVM from the packaged jar, and the
open-model load generator (dev.paymentrouter.bench.load.LoadGenerator). Each scenario runs side by side with its
baseline in the same run, so that ratios survive a noisy machine. Raw results go to target/bench/; the report to
docs/benchmarks.md and docs/benchmarks-latency.svg (or target/bench/ for --quick runs)."""

import argparse
import collections
import json
import shlex
import math
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))

import procs  # noqa: E402
import profile  # noqa: E402
import report  # noqa: E402
import sidebyside  # noqa: E402
import sqlcapture  # noqa: E402
import takeover  # noqa: E402
import webhooks  # noqa: E402
import clusterlimit  # noqa: E402
from procs import HOST, http, log, wait_until  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "target" / "bench"
API_KEY = "sk_benchmarkRouterKey0123456789"
# The operator the suite reads metrics as (metrics need an operator token on the management port).
OPERATOR_TOKEN = "op_benchmarkOperatorToken0123456789"
PROVIDERS = ["alpha", "beta", "gamma"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="short steps and fewer of them (about 5 minutes)")
    parser.add_argument("--only", default="", help="comma-separated scenarios: throughput,overhead,overload,"
                                                   "isolation,inflight,webhooks,takeover,clusterlimit,jmh (default: all)")
    parser.add_argument("--java-home", default=os.environ.get("JAVA_HOME", ""))
    parser.add_argument("--jar", default="", help="the router jar to measure (default: target/payment-router-*.jar)")
    parser.add_argument("--pg-bin", default="/usr/lib/postgresql/15/bin")
    parser.add_argument("--router-jvm", default="",
                        help="extra JVM options for the router, e.g. '-XX:+UseZGC' (default: the JVM's defaults)")
    parser.add_argument("--pg-port", type=int, default=55432)
    parser.add_argument("--router-port", type=int, default=18080)
    parser.add_argument("--management-port", type=int, default=18081,
                        help="the router's management port (health, metrics)")
    parser.add_argument("--sim-port", type=int, default=19101, help="first of three consecutive ports")
    parser.add_argument("--db-pool", type=int, default=32, help="router R2DBC pool size (= pgbench clients)")
    parser.add_argument("--start-rate", type=float, default=100, help="first rate of the throughput ladder")
    parser.add_argument("--ladder-factor", type=float, default=1.3)
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of router and pgbench windows per throughput step (median and spread reported)")
    parser.add_argument("--max-rate", type=float, default=6000)
    parser.add_argument("--sustainable-rate", type=float, default=0,
                        help="skip the ladder and take this rate as the highest sustainable one")
    parser.add_argument("--overhead-rate", type=float, default=0, help="default: half the sustainable rate")
    parser.add_argument("--inflight", type=int, default=5000, help="intents in flight in the many-in-flight run")
    parser.add_argument("--inflight-rate", type=float, default=0,
                        help="their creation rate (default 2 x the sustainable rate, 150..600/s)")
    parser.add_argument("--provider-http2", action="store_true",
                        help="the router speaks HTTP/2 (h2c) to the simulators (payment-router.providers.*.http2)")
    parser.add_argument("--provider-event-loops", type=int, default=0,
                        help="threads of each provider's own event loops (default 0: Reactor Netty's shared loops)")
    parser.add_argument("--docs", action="store_true", help="write docs/ even for a --quick run")
    parser.add_argument("--no-docs", action="store_true", help="write the report to target/bench only")
    parser.add_argument("--keep-pg", action="store_true", help="leave PostgreSQL running at the end")
    return parser.parse_args()


class Suite:

    def __init__(self, args):
        self.args = args
        self.quick = args.quick
        self.tools = procs.Tools(args.java_home)
        self.run_id = time.strftime("%Y%m%d-%H%M%S")
        self.out = TARGET / "results" / self.run_id
        self.out.mkdir(parents=True, exist_ok=True)
        self.logs = self.out / "logs"
        self.logs.mkdir(exist_ok=True)
        (TARGET / "results" / "latest").unlink(missing_ok=True)
        (TARGET / "results" / "latest").symlink_to(self.run_id)
        self.jar = self._jar()
        self.classpath = (ROOT / "target" / "test-classes").as_posix() + ":" + (
            ROOT / "target" / "classes").as_posix() + ":" + (TARGET / "classpath.txt").read_text().strip()
        self.pg = procs.Postgres(args.pg_bin, TARGET / "pg", args.pg_port, "payment_router_bench")
        self.simulator = None
        self.router = None
        self.generator = None
        self.results = {"runId": self.run_id, "quick": self.quick, "machine": machine(), "scenarios": {},
                        "settings": {"dbPool": args.db_pool, "routerJvm": args.router_jvm,
                                     "providerHttp2": args.provider_http2,
                                     "providerEventLoops": args.provider_event_loops}}
        self.step = 0

    # ------------------------------------------------------------ plumbing

    def _jar(self):
        jars = sorted(p for p in (ROOT / "target").glob("payment-router-*.jar") if not p.name.endswith("-plain.jar"))
        if self.args.jar:
            jars = [Path(self.args.jar)]
        if not jars:
            raise SystemExit("no target/payment-router-*.jar: run bench/run.sh (it builds first)")
        # The benchmark runs a copy under a name of its own: on a shared machine, commands that clean up other runs
        # of the application by its jar's name (pkill -f payment-router) must not stop the benchmark's processes.
        copy = TARGET / "app" / "bench-app.jar"
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(jars[-1], copy)
        return copy

    def save(self):
        (self.out / "results.json").write_text(json.dumps(self.results, indent=2))

    def sim_url(self, provider):
        return f"http://{HOST}:{self.args.sim_port + PROVIDERS.index(provider)}"

    @property
    def router_url(self):
        return f"http://{HOST}:{self.args.router_port}"

    @property
    def management_url(self):
        return f"http://{HOST}:{self.args.management_port}"

    def start_simulators(self):
        env = {"SIMULATOR_NAMES": ",".join(PROVIDERS), "SIMULATOR_HOST": HOST, "SIMULATOR_PORT": self.args.sim_port,
               "SIMULATOR_LATENCY_MS": 0}
        # The simulators stand for remote providers: their pauses are not the router's, so a low-pause collector.
        self.simulator = procs.JavaProcess("simulators", [
            self.tools.java, "-Xms1g", "-Xmx2g", "-XX:+UseZGC",
            f"-Xlog:gc:file={self.logs / 'simulators-gc.log'}:time,uptime", "-jar", str(self.jar), "simulator"],
            env, self.logs / "simulators.log")
        for provider in PROVIDERS:
            wait_until(lambda p=provider: http("GET", self.sim_url(p) + "/_sim/config")[0] == 200, 60,
                       what=f"simulator {provider}")

    def configure_sim(self, provider, **behaviour):
        status, text = http("PUT", self.sim_url(provider) + "/_sim/config", behaviour)
        if status != 200:
            raise RuntimeError(f"simulator {provider}: {status} {text}")

    def reset_sims(self):
        for provider in PROVIDERS:
            self.configure_sim(provider, latencyMs=0, latencyJitterMs=0, errorRate=0.0, unavailableRate=0.0,
                               available=True)
            http("POST", self.sim_url(provider) + "/_sim/reset")

    def router_env(self, **overrides):
        a = self.args
        env = {
            "SPRING_R2DBC_URL": f"r2dbc:postgresql://{HOST}:{a.pg_port}/{self.pg.database}",
            "SPRING_R2DBC_USERNAME": "router",
            "SPRING_R2DBC_PASSWORD": "router",
            "SPRING_R2DBC_POOL_MAXSIZE": a.db_pool,
            "SPRING_R2DBC_POOL_INITIALSIZE": a.db_pool,
            "SERVER_ADDRESS": HOST,
            "SERVER_PORT": a.router_port,
            "MANAGEMENT_SERVER_ADDRESS": HOST,
            "MANAGEMENT_SERVER_PORT": a.management_port,
            "PAYMENTROUTER_OPERATOR_TOKENS_BENCH": OPERATOR_TOKEN,
            "PAYMENTROUTER_DEMOMERCHANT_ENABLED": "true",
            "PAYMENTROUTER_DEMOMERCHANT_APIKEY": API_KEY,
            # A fixed key for the benchmark's throw-away database: tokens are encrypted at rest, as in production.
            "PAYMENTROUTER_TOKENENCRYPTION_KEYS_BENCH": "YmVuY2htYXJrLWtleS1mb3ItdGhyb3ctYXdheS1kYnM=",
            "PAYMENTROUTER_TOKENENCRYPTION_ACTIVEKEY": "bench",
            "PAYMENTROUTER_ROUTING_DEFAULT": ",".join(PROVIDERS),
            # Intents with metadata lane=sick go to gamma only: the isolation scenario's sick lane.
            "PAYMENTROUTER_ROUTING_RULES_0_NAME": "sick",
            "PAYMENTROUTER_ROUTING_RULES_0_WHEN_METADATA_LANE": "sick",
            "PAYMENTROUTER_ROUTING_RULES_0_THEN_PROVIDER": "gamma",
            # One merchant sends all the load: it may hold every active-intent slot of the node.
            "PAYMENTROUTER_INTENTS_MERCHANTSHARE": 1,
        }
        for provider in PROVIDERS:
            prefix = f"PAYMENTROUTER_PROVIDERS_{provider.upper()}_"
            env[prefix + "BASEURL"] = self.sim_url(provider)
            env[prefix + "TYPE"] = "simulator"
            env[prefix + "RATELIMIT_PERMITSPERSECOND"] = 100000
            env[prefix + "RATELIMIT_BURST"] = 100000
            env[prefix + "POOL_CONCURRENCY"] = 512
            env[prefix + "POOL_QUEUECAPACITY"] = 4096
            if a.provider_http2:
                env[prefix + "HTTP2"] = "true"
            if a.provider_event_loops:
                env[prefix + "EVENTLOOPS"] = a.provider_event_loops
        env.update({k: str(v) for k, v in overrides.items()})
        return env

    def start_router(self, name, env, heap="2g"):
        # Reactive stacks are deep: JFR keeps 512 frames so that samples still reach the application frames.
        command = [self.tools.java, f"-Xms{heap}", f"-Xmx{heap}", "-XX:FlightRecorderOptions=stackdepth=512",
                   "-XX:+UnlockDiagnosticVMOptions",
                   "-XX:+DebugNonSafepoints",
                   # GC pauses and safepoints with wall-clock times, to line up with the generator's timeline.
                   f"-Xlog:gc,safepoint:file={self.logs / (name + '-gc.log')}:time,uptime,level,tags",
                   *shlex.split(self.args.router_jvm), "-jar", str(self.jar)]
        self.router = procs.JavaProcess(name, command, env, self.logs / f"{name}.log")
        wait_until(lambda: http("GET", self.management_url + "/actuator/health/readiness")[0] == 200, 120,
                   interval=0.5, what="router readiness")
        (self.out / f"{name}.env.json").write_text(json.dumps(env, indent=2))
        log(f"router {name} ready (pid {self.router.pid})")

    def stop_router(self):
        if self.router:
            self.router.stop()
            self.router = None

    def router_metric(self, name):
        status, text = http("GET", f"{self.management_url}/actuator/metrics/{name}", timeout=3,
                            headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"})
        if status != 200:
            return None
        return json.loads(text)["measurements"][0]["value"]

    def prometheus_samples(self, prefix):
        """The router's Prometheus samples whose names start with prefix, [(name with its labels, value)]; none when
        the endpoint does not answer."""
        status, text = http("GET", f"{self.management_url}/actuator/prometheus", timeout=3,
                            headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"})
        samples = []
        if status != 200:
            return samples
        for line in text.splitlines():
            if line.startswith(prefix):
                name, _, value = line.rpartition(" ")
                try:
                    samples.append((name, float(value)))
                except ValueError:
                    pass
        return samples

    def router_prometheus(self, prefix):
        """The router's Prometheus samples whose names start with prefix, {name: value} (labels dropped)."""
        return {name.split("{")[0]: value for name, value in self.prometheus_samples(prefix)}

    def wait_router_idle(self, timeout=60):
        try:
            wait_until(lambda: self.router_metric("payment_router.intents.active") == 0, timeout, interval=0.5,
                       what="router idle")
        except TimeoutError as error:
            log(f"warning: {error} (active={self.router_metric('payment_router.intents.active')})")

    def cpu_meter(self):
        def of(process):
            return process.cpu_seconds if process else (lambda: 0.0)

        def router_part(kind):
            return lambda: procs.thread_cpu_seconds(self.router.pid)[kind] if self.router else 0.0

        return procs.CpuMeter({"router": of(self.router), "simulators": of(self.simulator),
                               "postgres": self.pg.cpu_seconds, "generator": of(self.generator),
                               "_routerJit": router_part("jit"), "_routerGc": router_part("gc")})

    def stream(self, name, rate, key_prefix, kind="intent", wait=10, lane="main", expect_final=True, **extra):
        spec = {"name": name, "kind": kind, "rate": rate, "keyPrefix": key_prefix, "expectFinal": expect_final,
                "timeoutSeconds": 30, "maxConnections": 6000}
        if kind == "intent":
            spec.update({"url": self.router_url + "/v1/payment-intents", "apiKey": API_KEY, "waitSeconds": wait,
                         "lane": lane})
        else:
            spec.update({"url": self.sim_url(extra.pop("provider", "alpha")) + "/v1/charges", "expectFinal": False})
        spec.update(extra)
        return spec

    def generate(self, label, streams, warmup, duration, drain=40, sample=None):
        """Runs one plan on the load generator; returns its result with CPU, database and sampled figures."""
        self.step += 1
        plan = {"label": label, "warmupSeconds": warmup, "durationSeconds": duration, "drainSeconds": drain,
                "streams": streams}
        plan_file = self.out / f"{label}.plan.json"
        result_file = self.out / f"{label}.json"
        plan_file.write_text(json.dumps(plan, indent=2))
        if self.generator is None:
            self.generator = procs.Generator(self.tools.java, self.classpath, self.logs / "generator.log")
        meter = self.cpu_meter()
        db_before = self.pg.counters()
        pg_log_offset = self.pg.log_size()
        samples = {"activeBackends": [], "routerRssMiB": [], "t": []}
        cpu_before = cpu_after = None
        outcome = None
        self.generator.submit(plan_file, result_file)
        started = time.time()
        give_up = time.time() + warmup + duration + drain + 60
        while outcome is None:
            if time.time() > give_up:
                raise TimeoutError(f"load generator: no result for {label}")
            for process in (self.router, self.simulator):
                if process and not process.alive():
                    raise RuntimeError(f"{process.name} exited with {process.process.returncode} during {label} "
                                       f"(see {process.logfile})")
            line = self.generator.poll_line()
            while line is not None:
                # The generator says when its measured window starts and when its sending ends.
                if line == "phase measure":
                    cpu_before = meter.sample()
                    started = time.time()
                elif line == "phase drain" and cpu_after is None:
                    cpu_after = meter.sample()
                elif line.startswith(("done ", "failed ")) or line == "exited":
                    outcome = line
                    break
                line = self.generator.poll_line()
            if outcome is None and cpu_before is not None and cpu_after is None:
                try:
                    samples["activeBackends"].append(self.pg.active_backends())
                except subprocess.CalledProcessError:
                    pass
                if self.router:
                    samples["routerRssMiB"].append(round(procs.rss_mib(self.router.pid), 1))
                samples["t"].append(round(time.time() - started, 2))
            if outcome is None and sample:
                sample(time.time() - started)
            if outcome is None:
                time.sleep(0.25)
        if cpu_before is None:
            cpu_before = meter.sample()
        if cpu_after is None:
            cpu_after = meter.sample()
        if not outcome.startswith("done") or not result_file.exists():
            raise RuntimeError(f"load generator failed for {label}: {outcome} (see {self.logs}/generator.log)")
        result = json.loads(result_file.read_text())
        db_after = self.pg.counters()
        cpu = procs.CpuMeter.delta(cpu_before, cpu_after)
        result["cpu"] = cpu
        result["db"] = {k: db_after[k] - db_before[k] for k in db_before}
        slow_commits, slowest_commit, slow_other = self.pg.slow_statements(pg_log_offset)
        result["db"].update({"slowCommits": slow_commits, "slowestCommitMs": slowest_commit,
                             "slowOtherStatements": slow_other})
        backends = samples["activeBackends"]
        result["activeBackends"] = {"mean": round(sum(backends) / len(backends), 2) if backends else None,
                                    "max": max(backends) if backends else None}
        result["routerRssMiB"] = {"max": max(samples["routerRssMiB"], default=None),
                                  "series": samples["routerRssMiB"]}
        for stream in result["streams"]:
            all_latency = stream["latencyMs"]["all"]
            log(f"  {label}/{stream['name']}: offered {stream['offeredRate']:.0f}/s sent {stream['sent']} "
                f"ok {stream['ok']} refused {stream['refused']} errors {stream['errors']} "
                f"p50 {all_latency.get('p50', 0):.1f} p99 {all_latency.get('p99', 0):.1f} "
                f"max {all_latency.get('max', 0):.1f} ms lag {stream['maxSendLagMs']:.1f} ms")
        log(f"  cpu: {cpu}")
        if slow_commits:
            log(f"  PostgreSQL: {slow_commits} COMMITs took over 100 ms (slowest {slowest_commit:.0f} ms)")
        return result

    @staticmethod
    def disturbed(result):
        """Why a measurement may not show the system under test alone: CPU taken by other processes, or a
        PostgreSQL WAL flush that stalled (a COMMIT over 100 ms: the disk, not the router)."""
        reasons = []
        if result["cpu"]["othersCores"] > 0.25:
            reasons.append(f"{result['cpu']['othersCores']:.2f} cores used outside the suite")
        if result["db"]["slowCommits"]:
            reasons.append(f"{result['db']['slowCommits']} COMMITs over 100 ms (slowest "
                           f"{result['db']['slowestCommitMs']:.0f} ms)")
        return "; ".join(reasons)

    # ------------------------------------------------------------ scenarios

    def durations(self):
        return (2, 5) if self.quick else (3, 10)

    def warm_up(self, rates=(50, 100), limit=None):
        """Load at gentle rates while the router's JIT compilers do most of their work: on two cores they compete
        with everything else for a minute or more after start. The rule, at each rate: windows until the JIT uses
        less than 0.1 cores in one, or its CPU no longer falls - the mean of the last two windows above 80 % of the
        mean of the two before; single windows jump (0.41, 0.54, 0.40, 0.22 cores), pairs fall until a plateau, and
        what still compiles at a steady load is issue 15's item 4, not something more warm-up cures - or the time
        limit. What each window's JIT used and why the warm-up stopped are kept in the results (warmUps)."""
        seconds = 6 if self.quick else 10
        limit = limit or (60 if self.quick else 150)
        started = time.time()
        record = {"windows": [], "stops": []}
        self.results.setdefault("warmUps", []).append(record)
        for rate in rates:
            history = []
            while True:
                log(f"warming up the router: {rate}/s for {seconds} s")
                result = self.generate(f"warmup-{self.step}", [self.stream(
                    "router", rate, f"warm-{self.run_id}-{self.step}-", expect_final=False)], 0, seconds)
                self.wait_router_idle()
                jit = result["cpu"].get("routerJitCores", 0)
                record["windows"].append({"rate": rate, "seconds": seconds, "jitCores": jit,
                                          "routerCores": result["cpu"].get("routerCores")})
                history.append(jit)
                before, last = sum(history[-4:-2]) / 2, sum(history[-2:]) / 2
                if jit < 0.1:
                    reason = "JIT under 0.1 cores"
                elif len(history) >= 4 and last > 0.8 * before:
                    reason = f"JIT no longer falling (two windows {before:.2f}, then {last:.2f} cores)"
                elif time.time() - started > limit:
                    reason = f"time limit ({limit} s)"
                else:
                    log(f"  the router's JIT compilers still used {jit:.2f} cores")
                    continue
                log(f"  warm-up at {rate}/s ends: {reason}")
                record["stops"].append({"rate": rate, "reason": reason})
                break
        record["seconds"] = round(time.time() - started)
        self.results.setdefault("warmUpSeconds", []).append(record["seconds"])
        self.save()

    def wait_for_quiet(self, limit=0.25, timeout=120):
        """Waits (up to `timeout`) until processes outside the suite use less than `limit` cores; returns their
        use. On a shared machine other builds come and go: better to measure between them."""
        deadline = time.time() + timeout
        while True:
            meter = self.cpu_meter()
            before = meter.sample()
            time.sleep(2)
            others = procs.CpuMeter.delta(before, meter.sample())["othersCores"]
            if others < limit or time.time() > deadline:
                if others >= limit:
                    log(f"  still {others:.2f} cores used outside the suite; measuring anyway")
                return others
            log(f"  {others:.2f} cores used outside the suite; waiting for quiet")
            time.sleep(3)

    def capture_sql(self):
        """The SQL one intent costs, from PostgreSQL's statement log; the pgbench script that replays it."""
        log("capturing the SQL of one intent (log_statement = all)")
        offset = self.pg.log_size()
        self.pg.set_statement_logging(True)
        time.sleep(0.5)
        prefix = f"sqlcap-{self.run_id}-"
        xid_query = "select pg_snapshot_xmax(pg_current_snapshot())"   # reading it takes no transaction id
        try:
            xid_before = int(self.pg.psql(xid_query))
            self.generate("sqlcapture", [self.stream("router", 4, prefix)], 0, 3)
            time.sleep(0.5)
            xid_after = int(self.pg.psql(xid_query))
        finally:
            self.pg.set_statement_logging(False)
        statements = sqlcapture.parse(self.pg.read_log_from(offset))
        rows = self.pg.psql(f"select id, idempotency_key from payment_intents where idempotency_key like '{prefix}%'"
                            " order by created_at").splitlines()
        intent_id, key = rows[len(rows) // 2].split("|")
        mine = sqlcapture.one_intent(statements, intent_id)
        summary = sqlcapture.summarize(mine)
        # Every writing transaction takes a transaction id, whatever its SQL looks like: the count that decides.
        summary["writeTransactionsPerIntent"] = round((xid_after - xid_before) / len(rows), 2)
        # Ids the intent's writes create besides its own (its webhook events, the provider's charge reference) are
        # unique keys too: each pgbench transaction needs fresh ones, or the second one fails on a duplicate key.
        created_ids = sorted({m for _, _, params in mine for v in params.values() if v
                              for m in re.findall(r"\b(?:evt|ch)_[0-9A-Za-z]{20,}\b", v)})
        script = sqlcapture.pgbench_script(mine, [intent_id, key] + created_ids)
        (self.out / "intent.pgbench.sql").write_text(script)
        (self.out / "intent-statements.sql").write_text(
            "\n".join(f"-- backend {pid}\n{sql};  -- {json.dumps(params)}" for pid, sql, params in mine) + "\n")
        summary["sql"] = [" ".join(sql.split()) for _, sql, _ in mine]
        log(f"  one intent: {summary['statements']} statements, {summary['transactions']} transactions, "
            f"{summary['durableCommits']} durable commits; PostgreSQL assigned "
            f"{summary['writeTransactionsPerIntent']} transaction ids per intent")
        return summary, self.out / "intent.pgbench.sql"

    def step_passes(self, result, p99_limit=100.0):
        """Every request answered 201 with an intent that succeeded (0 ms reliable providers), p99 < 100 ms."""
        stream = result["streams"][0]
        latency = stream["latencyMs"]["all"]
        return (stream["errors"] == 0 and stream["refused"] == 0 and stream["unanswered"] == 0
                and stream["sent"] > 0 and stream["httpStatus"] == {"201": stream["sent"]}
                and stream["intentStatus"] == {"succeeded": stream["sent"]} and latency.get("p99", 1e9) < p99_limit)

    def throughput(self):
        """The headline measured side by side with the database (bench/lib/sidebyside.py), the profile at the held
        rate, and the machine's single-insert calibration."""
        scenario = {}
        self.results["scenarios"]["throughput"] = scenario
        self.reset_sims()
        self.warm_up()
        summary, script = self.capture_sql()
        scenario["sqlPerIntent"] = summary
        self.save()
        warmup, duration = self.durations()
        sidebyside.run(self, script, step_row)
        steps = [s for s in scenario["steps"] if any(r.get("router") for r in s["rounds"])]
        held = scenario.get("heldRate") or scenario.get("routerHeldAbsoluteRate") or scenario.get("saturationRate")
        if not held:
            raise RuntimeError("no rate of the ladder had every intent final within 2 s; lower --start-rate")
        # The other scenarios are sized from the headline (overhead and isolation at half, overload at three times).
        scenario["sustainableRate"] = held
        self.results["sustainableRate"] = held
        at = next(s for s in steps if s["rate"] == held)
        scenario["atSustainable"] = sidebyside.representative(at)
        near_half = min(steps, key=lambda s: abs(s["rate"] - held / 2))
        if near_half is not at:
            scenario["atHalf"] = sidebyside.representative(near_half)
        self.save()

        # The profile at the held rate: the same rate again, with JFR recording.
        jfr_file = self.out / "saturation.jfr"
        log(f"profiling at {held:.0f}/s with JFR")
        # JDK 25's CPU-time sampler (JEP 509) sees native code and system calls too; ExecutionSample is the fallback.
        self.tools.jcmd_run(self.router.pid, "JFR.start", "name=saturation", "settings=profile",
                            f"filename={jfr_file}", "jdk.CPUTimeSample#enabled=true",
                            "jdk.CPUTimeSample#throttle=2ms")
        result = self.generate(f"tput-profile-{held:.0f}",
                               [self.stream("router", held, f"p{held:.0f}-{self.run_id}-")],
                               warmup, duration + (0 if self.quick else 5))
        self.tools.jcmd_run(self.router.pid, "JFR.stop", "name=saturation")
        scenario["profileStep"] = step_row(held, result, self.step_passes(result))
        scenario["profile"] = profile.analyse(self.tools, jfr_file, self.out, self.classpath)
        self.wait_router_idle()
        self.save()

        # The machine's own calibration, as in issue 5: single-row inserts with 1 and 16 clients.
        seconds = 5 if self.quick else 10
        self.pg.psql("create table if not exists bench_insert (id bigserial primary key, v int not null, "
                     "at timestamptz not null default now())", user="router")
        calibration = self.out / "single-insert.pgbench.sql"
        calibration.write_text("\\set v random(1, 1000000)\ninsert into bench_insert (v) values (:v);\n")
        scenario["singleInsert"] = {}
        for clients in (1, 16):
            log(f"pgbench: single-row insert, {clients} clients")
            scenario["singleInsert"][str(clients)] = self.pg.pgbench(calibration, clients, seconds)
            log(f"  {scenario['singleInsert'][str(clients)]['tps']:.0f} inserts/s")
        self.save()

    def overhead(self):
        """Router p99 minus the provider's own p99, both measured by the same generator at the same time."""
        sustainable = self.results.get("sustainableRate") or self.args.sustainable_rate or 400
        rate = self.args.overhead_rate or round(sustainable / 2)
        warmup, duration = self.durations()
        self.reset_sims()
        for provider in PROVIDERS:
            self.configure_sim(provider, latencyMs=200)
        log(f"overhead: 200 ms simulator, router and direct at {rate}/s each")
        disturbed = None
        for attempt in (1, 2):
            result = self.generate("overhead" + ("" if attempt == 1 else "-again"), [
                self.stream("router", rate, f"o{rate}-{attempt}-{self.run_id}-"),
                self.stream("direct", rate, f"d{rate}-{attempt}-{self.run_id}-", kind="charge", provider="alpha")],
                warmup + 2, duration + (0 if self.quick else 5))
            disturbed = self.disturbed(result)
            if not disturbed or attempt == 2:
                break
            log(f"  disturbed ({disturbed}); repeating it")
            self.wait_for_quiet()
        self.reset_sims()
        self.wait_router_idle()
        router, direct = result["streams"]
        scenario = {"rate": rate, "providerLatencyMs": 200, "router": stream_row(router), "direct": stream_row(direct),
                    "cpu": result["cpu"], "slowCommits": result["db"]["slowCommits"],
                    "slowestCommitMs": result["db"]["slowestCommitMs"], "attempts": attempt}
        for p in ("p50", "p90", "p99", "p999"):
            scenario[f"overhead_{p}"] = round(router["latencyMs"]["all"][p] - direct["latencyMs"]["all"][p], 2)
        self.results["scenarios"]["overhead"] = scenario
        self.save()

    def overload(self):
        """Three times the sustainable rate: fast refusals, bounded memory, every 201 reaching a final state."""
        sustainable = self.results.get("sustainableRate") or self.args.sustainable_rate or 400
        rate = round(3 * sustainable)
        duration = 8 if self.quick else 15
        prefix = f"ovl-{self.run_id}-"
        self.reset_sims()
        if not self.results.get("warmUps"):
            # Run alone, the router and the load generator would meet the overload with their JIT compilers still
            # taking most of a core (0.47 cores in the router's first warm-up window): the issue asks how a running
            # router answers three times its rate, which the full suite measures after its other scenarios.
            self.warm_up()
        heap = []
        # The admission limit over time (issue 15): limit, permits held and refusals so far, once a second. A router
        # without the limit (an older jar) publishes none of these and the series stays empty.
        admission = []
        refused_before = self.router_prometheus("payment_router_admission_").get(
            "payment_router_admission_refused_total", 0.0)

        def sample(elapsed):
            if int(elapsed * 4) % 4 == 0:
                heap.append((round(elapsed, 1), self.router_metric("jvm.memory.used?tag=area:heap")))
                gauges = self.router_prometheus("payment_router_admission_")
                if gauges:
                    admission.append((round(elapsed, 1), gauges.get("payment_router_admission_limit"),
                                      gauges.get("payment_router_admission_in_flight"),
                                      gauges.get("payment_router_admission_refused_total", 0.0) - refused_before))

        log(f"overload: {rate}/s (3 x {sustainable:.0f}) for {duration} s")
        result = self.generate("overload", [self.stream("router", rate, prefix, expect_final=False,
                                                        maxConnections=10000)], 0, duration, drain=60, sample=sample)
        self.wait_router_idle(timeout=120)
        # Intents whose process gave up on a storage error stay open until their lease runs out and the sentinel
        # takes them over: wait for that (bounded), and say how long it took.
        settle_started = time.time()
        open_left = None
        while time.time() - settle_started < 150:
            open_left = int(self.pg.psql(f"select count(*) from payment_intents where idempotency_key like "
                                         f"'{prefix}%' and status in ('pending', 'processing')"))
            if open_left == 0:
                break
            time.sleep(2)
        settle_seconds = round(time.time() - settle_started)
        log(f"  {open_left} overload intents still open {settle_seconds} s after the load")
        stream = result["streams"][0]
        rows = dict(line.split("|") for line in self.pg.psql(
            f"select status, count(*) from payment_intents where idempotency_key like '{prefix}%' group by status")
            .splitlines() if line)
        rows = {k: int(v) for k, v in rows.items()}
        stored = sum(rows.values())
        final = rows.get("succeeded", 0) + rows.get("failed", 0)
        created = stream["httpStatus"].get("201", 0)
        heap_values = [v for _, v in heap if v is not None]
        scenario = {"rate": rate, "sustainableRate": sustainable, "durationSeconds": duration,
                    "router": stream_row(stream), "stored": stored, "storedByStatus": rows, "final": final,
                    "created201": created, "lost": max(0, created - final), "openAfterLoad": open_left,
                    "secondsUntilAllFinal": settle_seconds if open_left == 0 else None,
                    "storedWithout201": stored - created,
                    "heapUsedMiB": {"max": round(max(heap_values) / 2**20, 1) if heap_values else None,
                                    "series": [(t, round(v / 2**20, 1) if v else None) for t, v in heap]},
                    "routerRssMiB": result["routerRssMiB"], "cpu": result["cpu"],
                    "admission": {"series": [{"t": t, "limit": limit, "inFlight": in_flight, "refused": refused}
                                             for t, limit, in_flight, refused in admission]}}
        log(f"  overload: 201 x {created}, stored {stored} ({rows}), refused {stream['refused']}, "
            f"lost {scenario['lost']}")
        self.results["scenarios"]["overload"] = scenario
        self.save()

    def isolation(self):
        """The healthy lane's p99 without and with a sick provider taking part of the traffic."""
        sustainable = self.results.get("sustainableRate") or self.args.sustainable_rate or 400
        healthy_rate = round(sustainable / 2)
        sick_rate = max(5, round(healthy_rate / 4))
        warmup, duration = self.durations()
        duration += 0 if self.quick else 5
        # The sick provider answers after 5 s: the measured window starts once its first answers (and what they
        # set off: status queries, failovers) arrive, so that it shows the sick lane's steady cost (quick runs too).
        warmup = max(warmup, 6)
        self.reset_sims()
        for provider in PROVIDERS:
            self.configure_sim(provider, latencyMs=50)
        phases = []
        scenario = {"healthyRate": healthy_rate, "sickRate": sick_rate, "healthyLatencyMs": 50,
                    "sick": {"latencyMs": 5000, "errorRate": 0.5}, "phases": phases}
        self.results["scenarios"]["isolation"] = scenario

        def measure(name, streams):
            """One phase; repeated once when disturbed from outside (the first try is kept, marked)."""
            for attempt in (1, 2):
                result = self.generate(f"isolation-{name}" + ("" if attempt == 1 else "-again"), streams(attempt),
                                       warmup, duration)
                phase = {"phase": name, "sickProvider": len(result["streams"]) > 1,
                         "healthy": stream_row(result["streams"][0]), "cpu": result["cpu"],
                         "slowCommits": result["db"]["slowCommits"],
                         "slowestCommitMs": result["db"]["slowestCommitMs"]}
                if len(result["streams"]) > 1:
                    phase["sickLane"] = stream_row(result["streams"][1])
                reason = self.disturbed(result)
                if reason and attempt == 1:
                    log(f"  phase {name} disturbed ({reason}); repeating it")
                    phase["discarded"] = reason
                    phases.append(phase)
                    self.wait_for_quiet()
                    continue
                phases.append(phase)
                return

        def control(name):
            log(f"isolation {name}: healthy lane only, {healthy_rate}/s")
            measure(name, lambda attempt: [
                self.stream("healthy", healthy_rate, f"i{name}{attempt}-{self.run_id}-")])

        control("control")
        self.configure_sim("gamma", latencyMs=5000, errorRate=0.5)
        log(f"isolation sick: healthy lane {healthy_rate}/s + sick lane {sick_rate}/s to gamma (5 s, 50 % errors)")
        # What the sick phase costs the router, kept in every run: a JFR profile (as throughput's) and counts of
        # what the sick lane's intents did (provider calls by outcome, status queries, events, connection errors).
        jfr_file = self.out / "isolation-sick.jfr"
        calls_before = self.provider_calls()
        sims_before = {p: self.sim_stats(p) for p in PROVIDERS}
        log_offset = self.router.logfile.stat().st_size
        self.tools.jcmd_run(self.router.pid, "JFR.start", "name=isolation-sick", "settings=profile",
                            f"filename={jfr_file}", "jdk.CPUTimeSample#enabled=true",
                            "jdk.CPUTimeSample#throttle=2ms")
        measure("sick", lambda attempt: [
            self.stream("healthy", healthy_rate, f"isick{attempt}-{self.run_id}-"),
            self.stream("sick", sick_rate, f"isickl{attempt}-{self.run_id}-", lane="sick", expect_final=False)])
        self.tools.jcmd_run(self.router.pid, "JFR.stop", "name=isolation-sick")
        scenario["sickPhaseCounts"] = self.sick_phase_counts(calls_before, sims_before, log_offset,
                                                             f"isickl%-{self.run_id}-%")
        profile_dir = self.out / "isolation-sick-profile"
        profile_dir.mkdir(exist_ok=True)
        scenario["sickProfile"] = profile.analyse(self.tools, jfr_file, profile_dir, self.classpath)
        # The same again at once: the first sick phase is also the first time the router's JIT compilers meet the
        # failure paths (timeouts, unknown outcomes, an open breaker, refusals, reconciliation), which no warm-up
        # takes; the second shows what a sick lane costs once they are compiled (its ratio is not the headline).
        log("isolation sick-again: the same, the failure paths now compiled")
        measure("sick-again", lambda attempt: [
            self.stream("healthy", healthy_rate, f"isicka{attempt}-{self.run_id}-"),
            self.stream("sick", sick_rate, f"isickal{attempt}-{self.run_id}-", lane="sick", expect_final=False)])
        self.configure_sim("gamma", latencyMs=50, errorRate=0.0)
        if not self.quick:
            control("control-after")
        kept = [p for p in phases if not p.get("discarded")]
        controls = [p["healthy"]["p99"] for p in kept if not p["sickProvider"]]
        sick_p99 = next(p["healthy"]["p99"] for p in kept if p["sickProvider"])
        scenario["controlP99"] = round(sum(controls) / len(controls), 2)
        scenario["sickP99"] = sick_p99
        scenario["ratio"] = round(sick_p99 / scenario["controlP99"], 3)
        again = [p for p in kept if p["phase"] == "sick-again"]
        if again:
            scenario["sickAgainP99"] = again[0]["healthy"]["p99"]
            scenario["sickAgainRatio"] = round(again[0]["healthy"]["p99"] / scenario["controlP99"], 3)
        # The router's CPU a sick lane's intent costs (ms per intent offered), with and without its JIT compilers,
        # against the first control phase.
        control_cpu = next(p["cpu"] for p in kept if not p["sickProvider"])
        scenario["cpuPerSickIntentMs"] = {
            p["phase"]: {"all": round(1000 * (p["cpu"]["routerCores"] - control_cpu["routerCores"]) / sick_rate, 2),
                         "withoutJit": round(1000 * ((p["cpu"]["routerCores"] - p["cpu"]["routerJitCores"])
                                                     - (control_cpu["routerCores"] - control_cpu["routerJitCores"]))
                                             / sick_rate, 2)}
            for p in kept if p["sickProvider"]}
        log(f"  isolation: ratio {scenario['ratio']}, again {scenario.get('sickAgainRatio')}, CPU per sick intent "
            f"{scenario['cpuPerSickIntentMs']}")
        self.reset_sims()
        self.save()

    def provider_calls(self):
        """The router's counters so far (provider calls by outcome, refusals, breaker transitions, parks,
        reconciliations...), {"name{labels}": count}: every payment_router_ series ending in _total or _count."""
        counts = collections.Counter()
        for name, value in self.prometheus_samples("payment_router_"):
            if name.split("{")[0].endswith(("_total", "_count")):
                counts[name] += value
        return counts

    def sim_stats(self, provider):
        status, text = http("GET", self.sim_url(provider) + "/_sim/stats")
        return json.loads(text) if status == 200 else {}

    def sick_phase_counts(self, calls_before, sims_before, log_offset, key_pattern):
        """What happened during the sick phase: provider calls and refusals (router's view), requests and status
        queries (each simulator's view), the sick lane's intents by status and their events by type, and the
        router's log lines by logger and message start."""
        calls = self.provider_calls()
        calls.subtract(calls_before)
        sims = {}
        for provider in PROVIDERS:
            after, before = self.sim_stats(provider), sims_before.get(provider, {})
            sims[provider] = {k: v - before.get(k, 0) for k, v in after.items() if isinstance(v, (int, float))}

        def grouped(sql):
            return {k: int(v) for k, v in (line.split("|") for line in self.pg.psql(sql).splitlines() if line)}

        intents = grouped(f"select status, count(*) from payment_intents where idempotency_key like '{key_pattern}' "
                          "group by status")
        events = grouped("select e.type, count(*) from intent_events e join payment_intents i on i.id = e.intent_id "
                         f"where i.idempotency_key like '{key_pattern}' group by e.type order by 2 desc")
        attempts = grouped("select a.provider, count(*) from payment_attempts a join payment_intents i "
                           f"on i.id = a.intent_id where i.idempotency_key like '{key_pattern}' group by a.provider")
        lines = collections.Counter()
        with open(self.router.logfile, "rb") as f:
            f.seek(log_offset)
            for raw in f:
                line = raw.decode("utf-8", "replace")
                match = re.search(r"\b(TRACE|DEBUG|INFO|WARN|ERROR)\s+.*?\s([\w.$]+)\s*:\s(.*)", line)
                if match:
                    # Ids, connection names and numbers vary per line: one key per kind of message.
                    message = re.sub(r"\[[^\]]*\]|\b\w*\d\w*\b", "#", match.group(3))[:70]
                    lines[f"{match.group(1)} {match.group(2)}: {message}"] += 1
                elif line.strip():
                    lines["(lines without a level: exception names, stack frames)"] += 1
        counts = {"routerCalls": {k: v for k, v in sorted(calls.items()) if v},
                  "simulators": {p: {k: v for k, v in s.items() if v} for p, s in sims.items()},
                  "sickIntents": intents, "sickEvents": events, "sickAttempts": attempts,
                  "routerLog": dict(lines.most_common(25))}
        log(f"  sick phase: router calls {counts['routerCalls']}")
        log(f"  sick phase: simulators {counts['simulators']}")
        log(f"  sick lane: intents {intents}, attempts {attempts}, events {events}")
        log(f"  sick phase: router log {counts['routerLog']}")
        return counts

    def inflight(self):
        """Thousands of intents waiting on a 20 s provider: live heap per in-flight intent, and no errors."""
        count = self.args.inflight
        sustainable = self.results.get("sustainableRate") or self.args.sustainable_rate or 100
        # Creating with Prefer: wait=0 costs about half of a whole intent: send at twice the sustainable rate, and
        # let the provider answer only after the last one is sent, so that all of them are in flight at once.
        rate = self.args.inflight_rate or max(150, min(600, round(2 * sustainable)))
        send_seconds = math.ceil(count / rate)
        latency_ms = max(20000, (send_seconds + 10) * 1000)
        call_timeout = latency_ms // 1000 + 30
        self.stop_router()
        env = self.router_env(
            PAYMENTROUTER_INTENTS_MAXACTIVE=count * 3,
            PAYMENTROUTER_PROVIDERS_ALPHA_POOL_CONCURRENCY=count + 2000,
            PAYMENTROUTER_PROVIDERS_ALPHA_POOL_QUEUECAPACITY=count + 2000,
            PAYMENTROUTER_PROVIDERS_ALPHA_POOL_CALLTIMEOUT=f"{call_timeout}s",
            PAYMENTROUTER_PROVIDERS_ALPHA_POOL_QUEUETIMEOUT="10s",
            PAYMENTROUTER_PROVIDERS_ALPHA_CONNECTTIMEOUT="5s",
            PAYMENTROUTER_PROVIDERS_ALPHA_CIRCUITBREAKER_SLOWCALLDURATION=f"{call_timeout + 10}s",
            PAYMENTROUTER_RECOVERY_LEASE=f"{call_timeout + 60}s",
            # Both must exceed the longest call (call + queue timeout), or the router refuses to start.
            PAYMENTROUTER_RECOVERY_SETTLETIME=f"{call_timeout + 60}s",
            PAYMENTROUTER_INTENTS_DRAINTIMEOUT=f"{call_timeout + 60}s",
        )
        self.reset_sims()
        self.start_router("router-inflight", env)
        self.warm_up(rates=(100,), limit=30 if self.quick else 45)
        time.sleep(1)
        before_bytes, before_classes = self.tools.live_heap(self.router.pid)
        rss_before = procs.rss_mib(self.router.pid)
        self.configure_sim("alpha", latencyMs=latency_ms)
        prefix = f"inflight-{self.run_id}-"
        log(f"many in flight: {count} intents at {rate:.0f}/s, simulator latency {latency_ms / 1000:.0f} s, "
            "Prefer: wait=0")
        result = self.generate("inflight", [self.stream("router", rate, prefix, wait=0, expect_final=False)],
                               0, send_seconds)
        active = self.router_metric("payment_router.intents.active")
        provider_in_flight = self.router_metric("payment_router.provider.in_flight?tag=provider:alpha")
        sim_stats = json.loads(http("GET", self.sim_url("alpha") + "/_sim/stats")[1] or "{}")
        after_bytes, after_classes = self.tools.live_heap(self.router.pid)
        rss_after = procs.rss_mib(self.router.pid)
        log(f"  in flight: {active} intents active, {provider_in_flight} provider calls in flight")
        in_flight = active or 0
        delta = {c.split(" (java.base@")[0]: after_classes.get(c, 0) - before_classes.get(c, 0)
                 for c in after_classes}
        (self.out / "inflight-heap-delta.json").write_text(json.dumps(
            dict(sorted(delta.items(), key=lambda kv: -kv[1])), indent=1))
        top = sorted(((b, c) for c, b in delta.items()), reverse=True)[:25]
        by_library = {}
        for name, size in delta.items():
            library = heap_library(name)
            by_library[library] = by_library.get(library, 0) + size
        log(f"waiting for the {count} intents to finish")
        try:
            wait_until(lambda: self.count_final(prefix) >= result["streams"][0]["httpStatus"].get("201", 0),
                       latency_ms / 1000 + 60,
                       interval=1, what="in-flight intents final")
        except TimeoutError as error:
            log(f"warning: {error}")
        rows = {k: int(v) for k, v in (line.split("|") for line in self.pg.psql(
            f"select status, count(*) from payment_intents where idempotency_key like '{prefix}%' group by status")
            .splitlines() if line)}
        stream = result["streams"][0]
        scenario = {
            "intents": count, "rate": rate, "providerLatencyMs": latency_ms, "callTimeoutSeconds": call_timeout,
            "activeAtPeak": active,
            "providerCallsInFlightAtPeak": provider_in_flight, "simulatorStats": sim_stats,
            "liveHeapBeforeBytes": before_bytes, "liveHeapPeakBytes": after_bytes,
            "heapPerInFlightBytes": round((after_bytes - before_bytes) / in_flight) if in_flight else None,
            "rssBeforeMiB": round(rss_before, 1), "rssPeakMiB": round(rss_after, 1),
            "rssPerInFlightKiB": round((rss_after - rss_before) * 1024 / in_flight, 2) if in_flight else None,
            "topClassesBytesPerInFlight": [[c, round(b / in_flight, 1)] for b, c in top if in_flight],
            "bytesPerInFlightByLibrary": [[k, round(v / in_flight, 1)] for k, v in
                                          sorted(by_library.items(), key=lambda kv: -kv[1]) if in_flight],
            "router": stream_row(stream), "finalByStatus": rows,
            "errors": stream["errors"] + stream["refused"] + sum(v for k, v in rows.items()
                                                                 if k not in ("succeeded",)),
        }
        log(f"  heap per in-flight intent: {scenario['heapPerInFlightBytes']} bytes; final: {rows}")
        self.results["scenarios"]["inflight"] = scenario
        self.reset_sims()
        self.save()

    def takeover(self):
        """A killed replica's open intents driven to final by one and by two survivors (bench/lib/takeover.py)."""
        self.results["scenarios"]["takeover"] = takeover.run(self)
        self.save()

    def webhooks(self):
        """One node's webhook delivery throughput against the receiver's own (bench/lib/webhooks.py)."""
        self.results["scenarios"]["webhooks"] = webhooks.run(self, API_KEY, self.args.router_port + 30)
        self.save()

    def clusterlimit(self):
        """Two replicas sharing alpha's limit: what alpha receives (bench/lib/clusterlimit.py)."""
        self.results["scenarios"]["clusterlimit"] = clusterlimit.run(self, API_KEY, OPERATOR_TOKEN)
        self.save()

    def count_final(self, prefix):
        return int(self.pg.psql(f"select count(*) from payment_intents where idempotency_key like '{prefix}%' "
                                "and status in ('succeeded', 'failed')"))

    def jmh(self):
        out = self.out / "jmh.json"
        options = ["-f", "1", "-wi", "2", "-w", "1", "-i", "3", "-r", "1"] if self.quick else \
            ["-f", "1", "-wi", "2", "-w", "1", "-i", "4", "-r", "1"]
        log("JMH: " + " ".join(options))
        with open(self.logs / "jmh.log", "w") as output:
            subprocess.run([self.tools.java, "-cp", self.classpath, "org.openjdk.jmh.Main",
                            "dev.paymentrouter.bench.jmh.*"] + options + ["-rf", "json", "-rff", str(out)],
                           check=True, stdout=output, stderr=subprocess.STDOUT)
        rows = []
        for entry in json.loads(out.read_text()):
            name = entry["benchmark"].rsplit(".", 2)
            params = entry.get("params") or {}
            rows.append({"benchmark": name[-2] + "." + name[-1] + (
                "[" + ",".join(f"{k}={v}" for k, v in params.items()) + "]" if params else ""),
                         "threads": entry["threads"], "score": round(entry["primaryMetric"]["score"], 2),
                         "error": round(entry["primaryMetric"]["scoreError"], 2)
                         if entry["primaryMetric"]["scoreError"] == entry["primaryMetric"]["scoreError"] else None,
                         "unit": entry["primaryMetric"]["scoreUnit"]})
        self.results["scenarios"]["jmh"] = rows
        self.save()

    # ------------------------------------------------------------ the run

    def run(self):
        # Overload after isolation: its aftermath (intents recovered by the sentinel) must not disturb the others.
        chosen = [s for s in self.args.only.split(",") if s] or ["throughput", "overhead", "isolation", "overload",
                                                                  "inflight", "webhooks", "takeover", "clusterlimit",
                                                                  "jmh"]
        started = time.time()
        try:
            if any(s != "jmh" for s in chosen):
                self.pg.ensure_started()
                self.pg.recreate_database()
            for name in chosen:
                if name not in ("overhead", "overload", "isolation", "inflight", "throughput", "webhooks", "takeover",
                                "clusterlimit", "jmh"):
                    raise SystemExit(f"unknown scenario {name}")
                try:
                    if name != "jmh":
                        if not self.simulator or not self.simulator.alive():
                            self.start_simulators()
                        if name not in ("inflight", "webhooks", "takeover", "clusterlimit") and (
                                not self.router or not self.router.alive() or self.router.name != "router"):
                            self.stop_router()
                            self.start_router("router", self.router_env())
                            if name != "throughput":
                                self.warm_up()
                        self.results.setdefault("othersCoresBeforeScenario", {})[name] = self.wait_for_quiet()
                    getattr(self, name)()
                except Exception as error:  # one scenario's failure must not lose the others
                    log(f"scenario {name} failed: {error!r}")
                    self.results["scenarios"].setdefault(name, {})["error"] = repr(error)
                    self.save()
        finally:
            self.stop_router()
            if self.generator:
                self.generator.stop()
            if self.simulator:
                self.simulator.stop()
            if not self.args.keep_pg:
                self.pg.stop()
            self.results["elapsedSeconds"] = round(time.time() - started)
            self.save()
        docs = (not self.quick or self.args.docs) and not self.args.no_docs and not self.args.only
        target = ROOT / "docs" if docs else TARGET
        report.write(self.results, self.out, target, ROOT)
        log(f"done in {self.results['elapsedSeconds']} s; results in {self.out}; report in {target}")


def stream_row(stream):
    latency = stream["latencyMs"]["all"]
    return {"offered": stream["offeredRate"], "sent": stream["sent"], "ok": stream["ok"],
            "okRate": round(stream["okRate"], 1), "refused": stream["refused"],
            "refusedWithoutRetryAfter": stream["refusedWithoutRetryAfter"], "errors": stream["errors"],
            "notFinal": stream["notFinal"], "unanswered": stream["unanswered"],
            "httpStatus": stream["httpStatus"], "problemCodes": stream["problemCodes"],
            "intentStatus": stream["intentStatus"], "transportErrors": stream["transportErrors"],
            "p50": latency.get("p50"), "p90": latency.get("p90"), "p99": latency.get("p99"),
            "p999": latency.get("p999"), "max": latency.get("max"),
            "refusedP99": stream["latencyMs"]["refused"].get("p99"), "maxSendLagMs": stream["maxSendLagMs"],
            "maxOutstanding": stream["maxOutstanding"], "hgrm": stream["hgrm"]}


def step_row(rate, result, passed):
    stream = result["streams"][0]
    row = {"rate": rate, "passed": passed} | stream_row(stream)
    sent = max(1, stream["sent"] + stream.get("warmupSent", 0))
    row["commitsPerIntent"] = round(result["db"]["commits"] / sent, 2)
    if "xids" in result["db"]:
        # Writing commits only (each took a transaction id): the side-by-side replay groups its intents by this.
        row["writeCommitsPerIntent"] = round(result["db"]["xids"] / sent, 3)
    row["walSyncsPerIntent"] = round(result["db"]["walSyncs"] / sent, 3)
    row["activeBackendsMean"] = result["activeBackends"]["mean"]
    row["activeBackendsMax"] = result["activeBackends"]["max"]
    row["cpu"] = result["cpu"]
    row["slowCommits"] = result["db"]["slowCommits"]
    row["slowestCommitMs"] = result["db"]["slowestCommitMs"]
    return row


def heap_library(class_name):
    """Which part of the stack a heap class belongs to (arrays and JDK collections count as "JDK")."""
    name = class_name.lstrip("[").lstrip("L") if class_name.startswith("[L") else class_name
    for prefix, library in (("dev.paymentrouter.", "application"), ("reactor.netty.", "Reactor Netty"),
                            ("io.netty.", "Netty"), ("reactor.core.", "Reactor core"),
                            ("org.springframework.", "Spring"), ("io.micrometer.", "Micrometer"),
                            ("io.r2dbc.", "R2DBC"), ("tools.jackson.", "Jackson"),
                            ("io.github.resilience4j.", "Resilience4j"), ("io.github.bucket4j.", "Bucket4j")):
        if name.startswith(prefix):
            return library
    return "JDK (strings, arrays, collections, ...)"


def machine():
    info = {"platform": platform.platform(), "cores": os.cpu_count()}
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as handle:
            info["memoryGiB"] = round(int(handle.readline().split()[1]) / 2**20, 1)
    except OSError:
        pass
    java = subprocess.run([str(Path(os.environ.get("JAVA_HOME", "")) / "bin" / "java"), "-version"],
                          capture_output=True, text=True)
    info["java"] = java.stderr.splitlines()[0] if java.stderr else "?"
    pg = subprocess.run(["/usr/lib/postgresql/15/bin/postgres", "--version"], capture_output=True, text=True)
    info["postgres"] = pg.stdout.strip()
    info["loadAverageAtStart"] = os.getloadavg()
    return info


def stop_on_sigterm(signum, frame):
    # Let the finally blocks stop the router, the simulators, the generator and PostgreSQL.
    raise KeyboardInterrupt(f"signal {signum}")


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    Suite(parse_args()).run()
