"""The throughput headline measured side by side with the database (issue 15, item 1).

For each rate of a rising ladder the router and pgbench (one intent's captured SQL per pgbench transaction, `-R` at
the same rate, as many clients as the router's R2DBC pool) take turns in short windows, a few rounds each, within
about a minute. A disk flush stall or another process's burst then hits both sides alike, and the median of the
rounds with its spread (min-max) is what the step is judged on:

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
follow one such round."""

import math
import statistics

import procs
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
    db_p99 = out["dbP99"]["median"]
    out["pgbenchHeldAbsolute"] = out["dbKeptUp"] and db_p99 is not None and db_p99 <= ABSOLUTE_P99_MS
    out["finalWithin2s"] = bool(routers) and out["routerAllFinal"] and out["routerMaxMs"] <= FINAL_WITHIN_MS
    return out


def highest(steps, key):
    rates = [s["rate"] for s in steps if s["verdict"].get(key)]
    return max(rates) if rates else None


def run(suite, script, step_row):
    """The ladder, side by side, into the throughput scenario's results; `step_row(rate, result, passed)` makes a
    router window's row as the rest of the suite does."""
    args = suite.args
    rounds = args.rounds
    warmup, window = suite.durations()
    clients = args.db_pool
    scenario = {"method": "side-by-side", "roundsPerStep": rounds, "windowSeconds": window,
                "routerWarmupSeconds": warmup, "pgbenchClients": clients, "boundMs": BOUND_MS,
                "absoluteP99Ms": ABSOLUTE_P99_MS, "finalWithinMs": FINAL_WITHIN_MS, "steps": []}
    suite.results["scenarios"]["throughput"].update(scenario)
    steps = suite.results["scenarios"]["throughput"]["steps"]

    # pgbench's maximum: the same script, closed loop, as many clients as the router's pool, repeated as well.
    maxima = []
    for n in range(rounds):
        log(f"pgbench maximum, round {n + 1}: one intent's SQL, {clients} clients, closed loop, {window} s")
        maxima.append(suite.pg.pgbench(script, clients, window))
        log(f"  {maxima[-1]['tps']:.0f} intents/s")
    pgbench_max = {"rounds": maxima, "tps": spread([m["tps"] for m in maxima]), "clients": clients}
    suite.results["scenarios"]["throughput"]["pgbenchMax"] = pgbench_max
    suite.save()

    def router_window(rate, label):
        result = suite.generate(label, [suite.stream("router", rate, f"{label}-{suite.run_id}-")], warmup, window)
        suite.wait_router_idle()
        return result

    def db_window(rate, label):
        meter = suite.cpu_meter()
        before = meter.sample()
        try:
            db = suite.pg.pgbench_at_rate(script, clients, rate, window, suite.out / "pgbench-rate" / label)
        except RuntimeError as error:
            db = {"rate": rate, "error": str(error)[:500], "transactions": 0, "expected": round(rate * window)}
        # pgbench itself is not one of the suite's processes: its CPU shows under "others".
        db["cpu"] = procs.CpuMeter.delta(before, meter.sample())
        log(f"  {label}/pgbench -R {rate:.0f}: {db['transactions']} of ~{db['expected']} transactions, "
            f"p50 {db.get('p50')} p99 {db.get('p99')} max {db.get('max')} ms, lag up to {db.get('maxLagMs')} ms")
        return db

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
                    entry["db"] = db_window(rate, label)
            step["rounds"].append(entry)
            suite.save()
        step["verdict"] = judge(step)
        v = step["verdict"]
        log(f"step {rate:.0f}/s: router p99 {v.get('routerP99', {}).get('median')} ms, database p99 "
            f"{v['dbP99']['median']} ms, difference {v.get('diffP99', {}).get('median')} ms (medians of {rounds}); "
            f"side by side {'held' if v['heldSideBySide'] else 'not held'}, pgbench within "
            f"{ABSOLUTE_P99_MS:.0f} ms {'yes' if v['pgbenchHeldAbsolute'] else 'no'}, all final within 2 s "
            f"{'yes' if v.get('finalWithin2s') else 'no'}, JIT {v.get('jitCores', {}).get('median')} cores")
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

