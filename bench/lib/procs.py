"""Processes of the benchmark: PostgreSQL, the provider simulators, the router, the load generator, and the
bookkeeping around them (CPU time per process, database counters, HTTP helpers). Standard library only."""

import json
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

HOST = "127.0.0.1"


def log(message):
    print(time.strftime("%H:%M:%S"), message, flush=True)


# ---------------------------------------------------------------- HTTP

def http(method, url, body=None, timeout=5.0, headers=None):
    """(status, text) of one request; status 0 when nothing answered."""
    data = None
    all_headers = dict(headers or {})
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        all_headers.setdefault("Content-Type", "application/json")
    request = urllib.request.Request(url, data=data, method=method, headers=all_headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")
    except (urllib.error.URLError, OSError, TimeoutError):
        return 0, ""


def wait_until(check, timeout, interval=0.2, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        result = check()
        if result:
            return result
        time.sleep(interval)
    raise TimeoutError(f"{what} not reached within {timeout:.0f} s")


# ---------------------------------------------------------------- CPU accounting

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid):
    with open(f"/proc/{pid}/stat") as handle:
        text = handle.read()
    # The command name may hold spaces; fields start after its closing parenthesis.
    return text[text.rindex(")") + 2:].split()


def cpu_seconds(pid, with_children=False):
    try:
        fields = _stat_fields(pid)
    except (FileNotFoundError, ProcessLookupError, ValueError):
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if with_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / CLOCK_TICKS


def thread_cpu_seconds(pid):
    """CPU seconds of a JVM's threads by kind: JIT compiler, GC, and the rest."""
    out = {"jit": 0.0, "gc": 0.0, "other": 0.0}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as handle:
                name = handle.read().strip()
            fields = _stat_fields(f"{pid}/task/{tid}")
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
        seconds = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        if name.startswith(("C1 Compiler", "C2 Compiler")):
            out["jit"] += seconds
        elif name.startswith(("GC Thread", "G1 ", "VM Thread")):
            out["gc"] += seconds
        else:
            out["other"] += seconds
    return out


def children_of(parent):
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if int(_stat_fields(entry)[1]) == parent:
                    pids.append(int(entry))
            except (FileNotFoundError, ProcessLookupError, ValueError, IndexError):
                pass
    return pids


def machine_cpu():
    """(busy, total) jiffies of the whole machine."""
    with open("/proc/stat") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def rss_mib(pid):
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return 0.0


class CpuMeter:
    """CPU seconds used by each named process (PostgreSQL: the postmaster and all its children) over a span."""

    def __init__(self, processes):
        self.processes = processes  # name -> callable returning CPU seconds now

    def sample(self):
        return {name: read() for name, read in self.processes.items()} | {"_machine": machine_cpu(),
                                                                            "_time": time.time()}

    @staticmethod
    def delta(before, after):
        seconds = after["_time"] - before["_time"]
        out = {"seconds": round(seconds, 2)}
        for name in before:
            if name in ("_machine", "_time"):
                continue
            key = name.lstrip("_") + "Cores"
            out[key] = round((after[name] - before[name]) / seconds, 3)
        busy = after["_machine"][0] - before["_machine"][0]
        total = after["_machine"][1] - before["_machine"][1]
        out["machineBusy"] = round(busy / total, 3) if total else 0.0
        # Whatever else ran on the machine meanwhile (other users' builds, the kernel): the noise of this step.
        ours = sum(out.get(k, 0.0) for k in ("routerCores", "simulatorsCores", "postgresCores", "generatorCores"))
        out["othersCores"] = round(max(0.0, out["machineBusy"] * (os.cpu_count() or 1) - ours), 3)
        return out


# ---------------------------------------------------------------- PostgreSQL

class Postgres:
    """A PostgreSQL cluster of the benchmark's own under target/, durable settings (fsync, synchronous_commit on)."""

    def __init__(self, bindir, root, port, database):
        self.bindir = Path(bindir)
        self.root = Path(root)
        self.data = self.root / "data"
        self.sockets = self.root / "run"
        self.logfile = self.root / "postgres.log"
        self.port = port
        self.database = database
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args, check=True, capture=False):
        return subprocess.run(self.as_postgres + [str(a) for a in args], check=check, text=True,
                              capture_output=capture)

    def ensure_started(self, max_connections=300):
        self.root.mkdir(parents=True, exist_ok=True)
        self.sockets.mkdir(parents=True, exist_ok=True)
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
            shutil.chown(self.sockets, "postgres", "postgres")
        if not (self.data / "PG_VERSION").exists():
            log(f"initdb {self.data}")
            self._run(self.bindir / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                      "--locale=C.UTF-8", capture=True)
            with open(self.data / "postgresql.conf", "a") as conf:
                conf.write(f"""
# payment-router benchmark: durable commits as in production, loopback only
listen_addresses = '{HOST}'
port = {self.port}
unix_socket_directories = '{self.sockets}'
max_connections = {max_connections}
shared_buffers = 512MB
fsync = on
synchronous_commit = on
log_line_prefix = '%m [%p] %q%u@%d '
log_timezone = 'UTC'
timezone = 'UTC'
""")
            if self.as_postgres:
                subprocess.run(["chown", "-R", "postgres:postgres", str(self.root)], check=True)
        if self._run(self.bindir / "pg_ctl", "-D", self.data, "status", check=False, capture=True).returncode != 0:
            log(f"starting PostgreSQL on {HOST}:{self.port}")
            self._run(self.bindir / "pg_ctl", "-D", self.data, "-l", self.logfile, "-w", "-t", "60", "start",
                      capture=True)
        self.psql("select 1", database="postgres")
        # Slow statements (e.g. a COMMIT waiting on a slow WAL flush) are logged, to explain latency spikes.
        self.psql("alter system set log_min_duration_statement = '100ms'", database="postgres")
        self.psql("select pg_reload_conf()", database="postgres")

    def stop(self):
        self._run(self.bindir / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop", check=False, capture=True)

    def postmaster_pid(self):
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (FileNotFoundError, ValueError, PermissionError):
            return None

    def cpu_seconds(self):
        """The postmaster and every backend, walker and writer it started."""
        master = self.postmaster_pid()
        if master is None:
            return 0.0
        return cpu_seconds(master, with_children=True) + sum(cpu_seconds(p) for p in children_of(master))

    def psql(self, sql, database=None, user="postgres"):
        result = subprocess.run(
            [str(self.bindir / "psql"), "-h", HOST, "-p", str(self.port), "-U", user, "-d", database or self.database,
             "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql],
            check=True, text=True, capture_output=True)
        return result.stdout.strip()

    def recreate_database(self, owner="router", password="router"):
        exists = self.psql(f"select 1 from pg_roles where rolname = '{owner}'", database="postgres")
        if not exists:
            self.psql(f"create role {owner} login password '{password}'", database="postgres")
        self.psql(f"drop database if exists {self.database} with (force)", database="postgres")
        self.psql(f"create database {self.database} owner {owner}", database="postgres")

    def counters(self):
        """Commits, rollbacks and WAL activity so far (cluster-wide WAL, this database's transactions), and the
        transaction ids assigned so far: only a transaction that writes takes one, so their difference counts the
        writing commits (and rollbacks) that xact_commit mixes with read-only ones. Reading it assigns none."""
        row = self.psql(f"""
            select d.xact_commit, d.xact_rollback, w.wal_records, w.wal_sync, w.wal_write, w.wal_bytes,
                   pg_snapshot_xmax(pg_current_snapshot())
              from pg_stat_database d, pg_stat_wal w where d.datname = '{self.database}'""")
        commit, rollback, records, sync, write, wal_bytes, xids = row.split("|")
        return {"commits": int(commit), "rollbacks": int(rollback), "walRecords": int(records),
                "walSyncs": int(sync), "walWrites": int(write), "walBytes": int(float(wal_bytes)), "xids": int(xids)}

    def active_backends(self):
        return int(self.psql(f"""select count(*) from pg_stat_activity
                                  where datname = '{self.database}' and state <> 'idle'
                                    and pid <> pg_backend_pid()"""))

    def set_statement_logging(self, enabled):
        if enabled:
            self.psql("alter system set log_statement = 'all'", database="postgres")
        else:
            self.psql("alter system reset log_statement", database="postgres")
        self.psql("select pg_reload_conf()", database="postgres")

    def log_size(self):
        return self.logfile.stat().st_size if self.logfile.exists() else 0

    def read_log_from(self, offset):
        with open(self.logfile, "rb") as handle:
            handle.seek(offset)
            return handle.read().decode(errors="replace")

    def slow_statements(self, offset):
        """Statements PostgreSQL logged as slower than log_min_duration_statement since `offset` of its log:
        (COMMITs, the slowest COMMIT in ms, other statements)."""
        commits, slowest, others = 0, 0.0, 0
        for match in re.finditer(r"duration: ([0-9.]+) ms\s+(?:statement|execute [^:]*): (\S+(?: \S+)?)",
                                 self.read_log_from(offset)):
            # A COMMIT, or one of the router's batched writes, which commit on their own (autocommit).
            if match.group(2).upper().startswith(("COMMIT", "SELECT PAYMENT_ROUTER_")):
                commits += 1
                slowest = max(slowest, float(match.group(1)))
            else:
                others += 1
        return commits, slowest, others

    def pgbench_at_rate(self, script, clients, rate, seconds, log_dir, user="router", warmup=0):
        """The script at a fixed rate (pgbench -R: Poisson arrivals, latency counted from the scheduled start, so
        no coordinated omission): the database's own latency distribution at that load. The first `warmup` seconds
        run at the rate too but are not counted, as the load generator's warm-up before a router window: pgbench
        opens fresh connections, whose backends first load their caches and plan the script's statements."""
        log_dir.mkdir(parents=True, exist_ok=True)
        for old in log_dir.glob("pgb*"):
            old.unlink()
        threads = min(clients, os.cpu_count() or 2)
        result = subprocess.run(
            [str(self.bindir / "pgbench"), "-h", HOST, "-p", str(self.port), "-U", user, "-n", "-M", "prepared",
             "-c", str(clients), "-j", str(threads), "-T", str(warmup + seconds), "-R", str(rate), "-l",
             f"--log-prefix={log_dir}/pgb", "-f", str(script), self.database], text=True, capture_output=True)
        if result.returncode != 0:
            raise RuntimeError(f"pgbench -R failed ({result.returncode}): {result.stdout}\n{result.stderr}")
        logged = []
        for log_file in log_dir.glob("pgb*"):
            for line in log_file.read_text().splitlines():
                parts = line.split()
                if len(parts) >= 7 and parts[2].isdigit():
                    # pgbench logs a throttled transaction's time from its scheduled start already (end minus
                    # scheduled; schedule_lag, the 7th field, is the part of it before the transaction began):
                    # adding the lag again counted every delay twice.
                    latency_us = int(parts[2])
                    scheduled_us = int(parts[4]) * 1_000_000 + int(parts[5]) - latency_us
                    logged.append((scheduled_us, latency_us / 1000.0, int(parts[6]) / 1000.0))
        first = min((t for t, _, _ in logged), default=0)
        measured = [(latency, lag) for t, latency, lag in logged if t >= first + warmup * 1_000_000]
        latencies = sorted(latency for latency, _ in measured)
        max_lag = max((lag for _, lag in measured), default=0.0)
        # The per-transaction logs are large at high rates and their figures are kept below.
        for old in log_dir.glob("pgb*"):
            old.unlink()

        def at(p):
            return round(latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))], 2) if latencies else None

        # Transactions scheduled (Poisson, rate x seconds on average) but not started when -T ended are not logged:
        # a database that falls behind shows as fewer transactions than expected and a growing schedule lag.
        return {"rate": rate, "clients": clients, "seconds": seconds, "warmupSeconds": warmup,
                "transactions": len(latencies), "transactionsWithWarmup": len(logged),
                "expected": round(rate * seconds), "maxLagMs": round(max_lag, 2),
                "p50": at(50), "p90": at(90), "p99": at(99), "p999": at(99.9),
                "max": round(latencies[-1], 2) if latencies else None}

    def pgbench(self, script, clients, seconds, user="router", mode="prepared"):
        """Transactions per second of a custom script, closed loop, `clients` connections."""
        threads = min(clients, os.cpu_count() or 2)
        result = subprocess.run(
            [str(self.bindir / "pgbench"), "-h", HOST, "-p", str(self.port), "-U", user, "-n", "-M", mode,
             "-c", str(clients), "-j", str(threads), "-T", str(seconds), "-f", str(script), self.database],
            text=True, capture_output=True)
        match = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", result.stdout)
        failed = re.search(r"number of failed transactions: (\d+)", result.stdout)
        latency = re.search(r"latency average = ([0-9.]+) ms", result.stdout)
        if result.returncode != 0 or match is None:
            raise RuntimeError(f"pgbench failed ({result.returncode}): {result.stdout}\n{result.stderr}")
        return {"tps": float(match.group(1)), "clients": clients, "seconds": seconds,
                "failed": int(failed.group(1)) if failed else 0,
                "latencyAvgMs": float(latency.group(1)) if latency else None}


# ---------------------------------------------------------------- Java processes

class JavaProcess:
    """A JVM started in the background, its output in a log file, stopped on exit."""

    def __init__(self, name, command, env, logfile):
        self.name = name
        self.logfile = Path(logfile)
        self.logfile.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(self.logfile, "w")
        full_env = dict(os.environ)
        full_env.update({k: str(v) for k, v in env.items()})
        self.process = subprocess.Popen(command, env=full_env, stdout=self.handle, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        self.pid = self.process.pid

    def alive(self):
        return self.process.poll() is None

    def cpu_seconds(self):
        return cpu_seconds(self.pid)

    def stop(self, timeout=30):
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.handle.close()


class Tools:
    """The JDK's tools."""

    def __init__(self, java_home):
        self.java_home = Path(java_home)
        self.java = str(self.java_home / "bin" / "java")
        self.jcmd = str(self.java_home / "bin" / "jcmd")
        self.jfr = str(self.java_home / "bin" / "jfr")

    def jcmd_run(self, pid, *args, timeout=120):
        result = subprocess.run([self.jcmd, str(pid)] + list(args), text=True, capture_output=True, timeout=timeout)
        return result.stdout

    def live_heap(self, pid):
        """Live objects after a full GC: (total bytes, {class: bytes}) from GC.class_histogram."""
        text = self.jcmd_run(pid, "GC.class_histogram")
        classes = {}
        total = 0
        for line in text.splitlines():
            parts = line.split()
            if len(parts) >= 4 and parts[0].endswith(":") and parts[0][:-1].isdigit():
                classes[" ".join(parts[3:])] = int(parts[2])
            elif parts and parts[0] == "Total":
                total = int(parts[2])
        return total, classes


class Generator:
    """The load generator as one long-lived JVM (LoadGenerator --serve): its JIT warms up once for the whole suite.
    Each plan's progress markers ("phase measure", "phase drain", "done ...") are read from its output."""

    def __init__(self, java, classpath, logfile):
        import queue
        import threading
        self.lines = queue.Queue()
        self.log = open(logfile, "w")
        self.process = subprocess.Popen(
            # A pause of the generator would count as latency of every request in flight: a low-pause collector,
            # and its GC log next to its own log to check.
            [java, "-Xms1g", "-Xmx1g", "-XX:+UseZGC", f"-Xlog:gc:file={logfile}.gc:time,uptime", "-cp", classpath,
             "dev.paymentrouter.bench.load.LoadGenerator", "--serve"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.pid = self.process.pid

        def pump():
            for line in self.process.stdout:
                self.log.write(line)
                self.log.flush()
                self.lines.put(line.strip())
            self.lines.put("exited")

        threading.Thread(target=pump, daemon=True).start()
        self.expect("ready", 60)

    def expect(self, prefix, timeout):
        import queue
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.time()))
            except queue.Empty:
                break
            if line.startswith(prefix):
                return line
            if line == "exited":
                raise RuntimeError("the load generator exited")
        raise TimeoutError(f"load generator: no '{prefix}' within {timeout} s")

    def poll_line(self):
        import queue
        try:
            return self.lines.get_nowait()
        except queue.Empty:
            return None

    def submit(self, plan_file, result_file):
        self.process.stdin.write(f"{plan_file} {result_file}\n")
        self.process.stdin.flush()

    def cpu_seconds(self):
        return cpu_seconds(self.pid)

    def stop(self):
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()
