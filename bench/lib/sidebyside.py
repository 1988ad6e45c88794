"""The throughput headline measured side by side with the database (issue 15, item 1).

For each rate of a rising ladder the router and pgbench (replaying one intent's captured SQL at the same rate of
intents, as many clients as the router's R2DBC pool) take turns in short windows, a few rounds each, within about a
minute. A disk flush stall or another process's burst then hits both sides alike, and the median of the rounds with
its spread (min-max) is what the step is judged on:

- held side by side (the headline): 0 errors in every round, every answer a final 201, and
  median(router p99 - database p99) <= BOUND_MS;
- the same absolute rule for both (for the ratio of held rates): median p99 <= ABSOLUTE_P99_MS, 0 errors, and for
  pgbench that it kept up (it started at least 95 % of the transactions the rate asked for);
- saturation: every intent of every round final within FINAL_WITHIN_MS, 0 errors.

Why BOUND_MS = 50: the router's p99 over the database's at the same rate is what the router adds, and what it adds
beyond the SQL is two loopback hops (client to router, router to a 0 ms provider simulator: well under a millisecond
each), about 0.7 ms of its own CPU per intent, waiting for one of its pooled connections, and - on a 2-core machine
that also runs PostgreSQL, the simulators and the generator - one young-generation pause of its JVM (G1, 10-30 ms
at these heaps) and one scheduling delay of the kernel with four busy processes on two cores (the scheduler's
latency period, 12-24 ms). A p99 sees at most one of each in a 5-10 s window; the sum is about 50 ms. More than
that is the router's own queueing, which is what the headline must catch. The two windows of a round are seconds
apart, not simultaneous: a stall in one of them moves that round's difference, the median of three rounds does not
follow one such round.

The replay commits about as often as the router did (it must be a lower bound on the database's own share, or
router - database goes negative and judges nothing). The captured SQL runs in autocommit, two writing commits per
intent, while the router group-commits: its batch functions take the intents that are ready together in one
statement, and under load it made well under one commit per intent (0.8 at 372/s in run 20261201-063555, where the
ungrouped replay was slower than the router from 130/s on). So one pgbench transaction is BEGIN, the statements of
N intents (each with ids of its own), COMMIT, at `-R rate/N`, with N = max(1, ceil(1 / c)) and c the router's
writing commits per intent in the same step: the transaction ids PostgreSQL assigned during its windows per intent
sent (only a writing transaction takes one; xact_commit would count its read-only commits too). Round 1 runs the
router first (ABBA), so c is the median of the router windows measured so far in the step; the steps pgbench climbs
alone keep the N of the router's last step. N is rounded up, so that the replay never commits more often per intent
than the router did: at c >= 1 that is N = 1, one commit per intent instead of two; at 0.8, N = 2.
pgbench's closed-loop maximum (ratio (b)) runs N = 1 too, one transaction per intent.

Each pgbench window runs at the rate for the router's warm-up seconds before the window it counts, as the load
generator does before a router window: pgbench opens fresh connections whose backends first load their caches and
plan the script, while the router's pooled ones are warm.

The approximation: pgbench starts the N intents of a transaction together (Poisson arrivals of groups at rate/N,
not of intents at rate), and each intent's latency is its transaction's - from the scheduled start to the COMMIT,
as the router's intents wait for the group commit that carries them - so an intent run first in its group counts
the time of the ones after it. Both make the replay's latency a little higher at N > 1, never lower."""

import math
import statistics

import procs
import sqlcapture
from procs import log

BOUND_MS = 50.0
ABSOLUTE_P99_MS = 100.0
FINAL_WITHIN_MS = 2000.0
# pgbench -R with -T: what was scheduled but not started at the end is not logged; below this share it fell behind.
KEPT_UP_SHARE = 0.95


def spread(values):
    """{median, min, max} of the rounds' values (None when there are none)."""
    values = [v for v in values if v is not None]
    if not values:
        return {"median": None, "min": None, "max": None}
    return {"median": round(statistics.median(values), 2), "min": round(min(values), 2),
            "max": round(max(values), 2)}


def router_round_ok(row):
    """Every request answered 201 with an intent that succeeded (0 ms reliable providers), nothing refused."""
    return (row["errors"] == 0 and row["refused"] == 0 and row["unanswered"] == 0 and row["sent"] > 0
            and row["httpStatus"] == {"201": row["sent"]} and row["intentStatus"] == {"succeeded": row["sent"]})


def pgbench_round_ok(db):
    return not db.get("error") and db["transactions"] >= KEPT_UP_SHARE * db["expected"] - 3 * math.sqrt(
        db["expected"])


def judge(step):
    """The step's medians, spreads and verdicts from its rounds (also used again by the report)."""
    rounds = step["rounds"]
    routers = [r["router"] for r in rounds if r.get("router")]
    dbs = [r["db"] for r in rounds if r.get("db")]
    out = {"rounds": len(rounds)}
    if routers:
        out["routerP50"] = spread([r["p50"] for r in routers])
        out["routerP99"] = spread([r["p99"] for r in routers])
        out["routerMaxMs"] = max((r["max"] or 0) for r in routers)
        out["routerSent"] = sum(r["sent"] for r in routers)
        out["routerErrors"] = sum(r["errors"] + r["refused"] + r["unanswered"] for r in routers)
        out["routerAllFinal"] = all(router_round_ok(r) for r in routers)
        out["jitCores"] = spread([r["cpu"].get("routerJitCores") for r in routers])
        out["routerCores"] = spread([r["cpu"].get("routerCores") for r in routers])
        out["othersCores"] = spread([r["cpu"].get("othersCores") for r in routers])
    out["dbP50"] = spread([d.get("p50") for d in dbs])
    out["dbP99"] = spread([d.get("p99") for d in dbs])
    out["dbKeptUp"] = bool(dbs) and all(pgbench_round_ok(d) for d in dbs)
    pairs = [r for r in rounds if r.get("router") and r.get("db") and r["db"].get("p99") is not None
             and r["router"].get("p99") is not None]
    if pairs:
        out["diffP99"] = spread([r["router"]["p99"] - r["db"]["p99"] for r in pairs])
    diff = (out.get("diffP99") or {}).get("median")
    out["heldSideBySide"] = bool(routers) and out["routerAllFinal"] and diff is not None and diff <= BOUND_MS
    router_p99 = (out.get("routerP99") or {}).get("median")
    out["routerHeldAbsolute"] = bool(routers) and out["routerAllFinal"] and router_p99 is not None \
        and router_p99 <= ABSOLUTE_P99_MS
    if routers:
        out["routerCommitsPerIntent"] = spread([r.get("commitsPerIntent") for r in routers])
        out["routerWriteCommitsPerIntent"] = spread([r.get("writeCommitsPerIntent") for r in routers])
    out["replayIntentsPerTransaction"] = spread([d.get("intentsPerTransaction") for d in dbs])
    out["replayCommitsPerIntent"] = spread([d.get("commitsPerIntent") for d in dbs])
    out["replayWriteCommitsPerIntent"] = spread([d.get("writeCommitsPerIntent") for d in dbs])
    db_p99 = out["dbP99"]["median"]
    out["pgbenchHeldAbsolute"] = out["dbKeptUp"] and db_p99 is not None and db_p99 <= ABSOLUTE_P99_MS
    out["finalWithin2s"] = bool(routers) and out["routerAllFinal"] and out["routerMaxMs"] <= FINAL_WITHIN_MS
    return out


def intents_per_transaction(commits_per_intent):
    """N for the replay: at least as many intents per pgbench transaction as the router had per commit, at least
    one: ceil(1 / c), so that the replay never commits more often than the router (a lower bound, not a match)."""
    if not commits_per_intent or commits_per_intent <= 0:
        return 1
    return max(1, math.ceil(1 / commits_per_intent - 1e-9))


def router_commits_per_intent(rounds):
    """The median writing commits per intent of these rounds' router windows (all commits in rows from before the
    suite counted transaction ids), or None when none of them has one yet."""
    values = [r["router"].get("writeCommitsPerIntent", r["router"].get("commitsPerIntent"))
              for r in rounds if r.get("router")]
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def highest(steps, key):
    rates = [s["rate"] for s in steps if s["verdict"].get(key)]
    return max(rates) if rates else None


def run(suite, script, step_row):
    """The ladder, side by side, into the throughput scenario's results; `script` is the one-intent replay
    (sqlcapture.pgbench_script), `step_row(rate, result, passed)` makes a router window's row as the rest of the
    suite does."""
    args = suite.args
    rounds = args.rounds
    warmup, window = suite.durations()
    clients = args.db_pool
    scenario = {"method": "side-by-side", "roundsPerStep": rounds, "windowSeconds": window,
                "routerWarmupSeconds": warmup, "pgbenchClients": clients, "boundMs": BOUND_MS,
                "absoluteP99Ms": ABSOLUTE_P99_MS, "finalWithinMs": FINAL_WITHIN_MS, "steps": [],
                "replayGrouping": {"rule": "N = max(1, ceil(1 / c)) intents per pgbench transaction, c = the router's "
                                           "writing commits per intent in the step",
                                   "commitsFrom": "transaction ids assigned per intent (writeCommitsPerIntent)",
                                   "maximumIntentsPerTransaction": 1}}
    suite.results["scenarios"]["throughput"].update(scenario)
    steps = suite.results["scenarios"]["throughput"]["steps"]
    single = script.read_text()
    grouped = {}

    def script_of(n):
        """The replay script with n intents per transaction, written once per n next to the one-intent script."""
        if n not in grouped:
            grouped[n] = script.with_name(f"{script.stem}.x{n}.sql")
            grouped[n].write_text(sqlcapture.grouped_script(single, n))
        return grouped[n]

    # pgbench's maximum: one intent per transaction (N = 1), closed loop, as many clients as the router's pool,
    # repeated as well.
    maxima = []
    for n in range(rounds):
        log(f"pgbench maximum, round {n + 1}: one intent's SQL in one transaction, {clients} clients, closed loop, "
            f"{window} s")
        maxima.append(suite.pg.pgbench(script_of(1), clients, window))
        log(f"  {maxima[-1]['tps']:.0f} intents/s")
    pgbench_max = {"rounds": maxima, "tps": spread([m["tps"] for m in maxima]), "clients": clients,
                   "intentsPerTransaction": 1}
    suite.results["scenarios"]["throughput"]["pgbenchMax"] = pgbench_max
    suite.save()

    def router_window(rate, label):
        result = suite.generate(label, [suite.stream("router", rate, f"{label}-{suite.run_id}-")], warmup, window)
        suite.wait_router_idle()
        return result

    def db_window(rate, label, n):
        """pgbench at `rate` intents/s, n of them per transaction; its figures per transaction stand for each of its
        intents (rate, intents and commits per intent are per intent, transactions and expected per transaction)."""
        meter = suite.cpu_meter()
        before = meter.sample()
        counters = suite.pg.counters()
        tx_rate = round(rate / n, 3)
        try:
            db = suite.pg.pgbench_at_rate(script_of(n), clients, tx_rate, window, suite.out / "pgbench-rate" / label,
                                          warmup=warmup)
        except RuntimeError as error:
            db = {"error": str(error)[:500], "transactions": 0, "expected": round(tx_rate * window)}
        # pgbench itself is not one of the suite's processes: its CPU shows under "others".
        db["cpu"] = procs.CpuMeter.delta(before, meter.sample())
        after = suite.pg.counters()
        # The counters ran through pgbench's warm-up too: per intent of the whole run.
        intents = db.get("transactionsWithWarmup", db["transactions"]) * n
        db.update({"rate": rate, "transactionRate": tx_rate, "intentsPerTransaction": n,
                   "intents": db["transactions"] * n,
                   "commitsPerIntent": round((after["commits"] - counters["commits"]) / intents, 3)
                   if intents else None,
                   "writeCommitsPerIntent": round((after["xids"] - counters["xids"]) / intents, 3)
                   if intents else None})
        log(f"  {label}/pgbench -R {tx_rate:g} x {n} intents: {db['transactions']} of ~{db['expected']} "
            f"transactions, p50 {db.get('p50')} p99 {db.get('p99')} max {db.get('max')} ms, lag up to "
            f"{db.get('maxLagMs')} ms; {db['commitsPerIntent']} commits per intent ({db['writeCommitsPerIntent']} "
            f"writing)")
        return db

    carried = {"n": 1}

    def measure(rate, with_router=True):
        step = {"rate": rate, "rounds": []}
        steps.append(step)
        for n in range(rounds):
            label = f"sbs-{rate:.0f}-r{n + 1}"
            entry = {"round": n + 1}
            # ABBA: every other round starts with pgbench, so a drift within the minute favours neither side.
            order = ("router", "db") if n % 2 == 0 else ("db", "router")
            if not with_router:
                order = ("db",)
            entry["order"] = list(order)
            for side in order:
                if side == "router":
                    result = router_window(rate, label)
                    entry["router"] = step_row(rate, result, None) | {"label": label}
                else:
                    # The router's grouping at this rate so far; pgbench alone keeps that of the last router step.
                    commits = router_commits_per_intent(step["rounds"] + [entry])
                    n = intents_per_transaction(commits) if commits is not None else carried["n"]
                    carried["n"] = n
                    entry["db"] = db_window(rate, label, n)
            step["rounds"].append(entry)
            suite.save()
        step["verdict"] = judge(step)
        v = step["verdict"]
        log(f"step {rate:.0f}/s: router p99 {v.get('routerP99', {}).get('median')} ms, database p99 "
            f"{v['dbP99']['median']} ms, difference {v.get('diffP99', {}).get('median')} ms (medians of {rounds}); "
            f"side by side {'held' if v['heldSideBySide'] else 'not held'}, pgbench within "
            f"{ABSOLUTE_P99_MS:.0f} ms {'yes' if v['pgbenchHeldAbsolute'] else 'no'}, all final within 2 s "
            f"{'yes' if v.get('finalWithin2s') else 'no'}, JIT {v.get('jitCores', {}).get('median')} cores; "
            f"commits per intent: router {v.get('routerCommitsPerIntent', {}).get('median')} "
            f"({v.get('routerWriteCommitsPerIntent', {}).get('median')} writing), replay "
            f"{v['replayCommitsPerIntent']['median']} at N = {v['replayIntentsPerTransaction']['median']}")
        suite.save()
        return step

    # The router climbs until a step neither has every intent final within 2 s nor holds side by side: beyond that
    # it only queues. (A database that stalls for 2 s ends the saturation rule, not the headline's climb.)
    rate = args.start_rate
    descending = False
    while rate <= args.max_rate:
        step = measure(rate)
        if step["verdict"]["finalWithin2s"] or step["verdict"]["heldSideBySide"]:
            if descending:
                break
            rate = round(rate * args.ladder_factor)
            continue
        if len(steps) == 1 or descending:
            # Not even the first rate held: go down until one does.
            descending = True
            rate = round(rate / args.ladder_factor)
            if rate < 5:
                break
            continue
        break
    # pgbench alone climbs on while it holds the absolute rule, up to its closed-loop maximum.
    top = max(s["rate"] for s in steps)
    rate = round(top * args.ladder_factor)
    ceiling = min(args.max_rate, 1.2 * (pgbench_max["tps"]["median"] or 0))
    while steps and max(steps, key=lambda s: s["rate"])["verdict"]["pgbenchHeldAbsolute"] \
            and rate <= ceiling:
        log(f"pgbench alone on: it still held at {max(s['rate'] for s in steps):.0f}/s")
        measure(rate, with_router=False)
        rate = round(rate * args.ladder_factor)

    t = suite.results["scenarios"]["throughput"]
    t["heldRate"] = highest(steps, "heldSideBySide")
    t["routerHeldAbsoluteRate"] = highest(steps, "routerHeldAbsolute")
    t["pgbenchHeldRate"] = highest(steps, "pgbenchHeldAbsolute")
    t["saturationRate"] = highest(steps, "finalWithin2s")
    t["ratioHeld"] = (round(t["routerHeldAbsoluteRate"] / t["pgbenchHeldRate"], 3)
                      if t["routerHeldAbsoluteRate"] and t["pgbenchHeldRate"] else None)
    t["ratioSaturation"] = (round(t["saturationRate"] / pgbench_max["tps"]["median"], 3)
                            if t["saturationRate"] and pgbench_max["tps"]["median"] else None)
    log(f"held side by side: {t['heldRate']}/s; within {ABSOLUTE_P99_MS:.0f} ms: router {t['routerHeldAbsoluteRate']}"
        f"/s, pgbench {t['pgbenchHeldRate']}/s (ratio {t['ratioHeld']}); saturation {t['saturationRate']}/s ÷ "
        f"pgbench maximum {pgbench_max['tps']['median']}/s = {t['ratioSaturation']}")
    suite.save()
    return t


def representative(step):
    """The router round of a step whose p99 is the median one (its histogram stands for the step in the chart)."""
    routers = sorted((r["router"] for r in step["rounds"] if r.get("router")), key=lambda r: r["p99"] or 0)
    return routers[len(routers) // 2] if routers else None

