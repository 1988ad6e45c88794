"""docs/benchmarks.md and its latency chart from one run's results (target/bench/results/<run>/results.json).
Also runnable on its own: python3 bench/lib/report.py target/bench/results/latest [docs]"""

import json
import math
import re
import sys
import time
from pathlib import Path

NOTES_BEGIN = "<!-- BEGIN NOTES: kept when the suite rewrites this file -->"
NOTES_END = "<!-- END NOTES -->"
HISTORY_BEGIN = "<!-- BEGIN HISTORY: kept when the suite rewrites this file; each side-by-side run adds a row -->"
HISTORY_END = "<!-- END HISTORY -->"
# The headline before issue 15 changed its method: kept so that the change shows.
HISTORY_SEED = [
    "| run | method | held rate | ratio | notes |",
    "|---|---|---|---|---|",
    "| `20261127-151958` | ladder, one 10 s window per step, router p99 < 100 ms absolute, a failed step repeated once "
    "| 1,212/s | limit ratio 0.782: 1,212 ÷ 1,550/s (pgbench closed loop, 32 clients) | another run that day held "
    "1,576/s; pgbench -R at 1,212/s: p99 277 ms |",
    "| 2026-11-30, fresh clone | the same | 326/s | 0.323: 326 ÷ 1,008/s (computed from issue 15's figures) | 372/s "
    "failed twice on p99 125 and 162 ms with 0 errors; pgbench -R at 326/s: p99 885 ms |",
]

# The issue asks overload answers to "stay fast" without a number; this is ten times the ladder's p99 bound.
OVERLOAD_P99_MS = 1000

TARGETS = {
    "commits": 2,
    "throughput": 1000,
    "limitRatio": 0.6,
    "overheadP99": 10.0,
    "heapPerInFlight": 4096,
    "isolation": 1.25,  # issue 15 (issue 5 asked 1.10)
}


def fmt(value, digits=1, unit=""):
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value) + unit
    if isinstance(value, int):
        return f"{value:,}{unit}"
    return f"{value:,.{digits}f}{unit}"


def met(ok):
    return "**met**" if ok else "**not met**"


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(str(c) for c in row) + " |")
    return "\n".join(lines)


# ---------------------------------------------------------------- chart

def read_hgrm(path):
    """[(percentile, value ms)] from HdrHistogram's percentile distribution output."""
    points = []
    if not path.exists():
        return points
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) == 4 and re.match(r"^[0-9.]+$", parts[0]) and re.match(r"^[0-9.]+$", parts[1]):
            percentile = float(parts[1])
            if percentile < 1.0:
                points.append((percentile, float(parts[0])))
    return points


def panel(series, x0, y0, width, height, title, y_label):
    """One chart panel: latency by percentile, percentile axis in 'nines' (log of 1/(1-p))."""
    svg = []
    max_nines = 4.0
    values = [v for _, points, _ in series for p, v in points if -math.log10(1 - p) <= max_nines]
    if not values:
        return ""
    y_max = max(values) * 1.08
    y_min = 0.0
    if min(values) > 0.5 * max(values):
        # A narrow band far from zero (a 200 ms provider): zoom in on it.
        y_min = min(values) * 0.95
    step = nice_step((y_max - y_min) / 5)
    y_max = math.ceil(y_max / step) * step
    y_min = math.floor(y_min / step) * step

    def x(p):
        return x0 + width * min(max_nines, -math.log10(1 - p)) / max_nines

    def y(v):
        return y0 + height - height * (v - y_min) / (y_max - y_min)

    svg.append(f'<text x="{x0 + width / 2}" y="{y0 - 12}" text-anchor="middle" font-size="14" '
               f'font-weight="bold">{title}</text>')
    svg.append(f'<rect x="{x0}" y="{y0}" width="{width}" height="{height}" fill="none" stroke="#999"/>')
    tick = y_min
    while tick <= y_max + 1e-9:
        svg.append(f'<line x1="{x0}" x2="{x0 + width}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#eee"/>')
        svg.append(f'<text x="{x0 - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11">{tick:g}</text>')
        tick += step
    for nines, label in ((0.30103, "50%"), (1, "90%"), (2, "99%"), (3, "99.9%"), (4, "99.99%")):
        px = x0 + width * nines / max_nines
        svg.append(f'<line x1="{px:.1f}" x2="{px:.1f}" y1="{y0}" y2="{y0 + height}" stroke="#eee"/>')
        svg.append(f'<text x="{px:.1f}" y="{y0 + height + 16}" text-anchor="middle" font-size="11">{label}</text>')
    svg.append(f'<text x="{x0 + width / 2}" y="{y0 + height + 34}" text-anchor="middle" font-size="12">'
               'percentile</text>')
    svg.append(f'<text x="{x0 - 44}" y="{y0 + height / 2}" text-anchor="middle" font-size="12" '
               f'transform="rotate(-90 {x0 - 44} {y0 + height / 2})">{y_label}</text>')
    for index, (name, points, colour) in enumerate(series):
        path = " ".join(f"{x(p):.1f},{y(v):.1f}" for p, v in points if -math.log10(1 - p) <= max_nines)
        if path:
            svg.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{path}"/>')
        ly = y0 + 16 + index * 16
        svg.append(f'<line x1="{x0 + 10}" x2="{x0 + 30}" y1="{ly - 4}" y2="{ly - 4}" stroke="{colour}" '
                   'stroke-width="2"/>')
        svg.append(f'<text x="{x0 + 36}" y="{ly}" font-size="11">{name}</text>')
    return "\n".join(svg)


def nice_step(raw):
    if raw <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 2.5, 5, 10):
        if raw <= multiple * power:
            return multiple * power
    return 10 * power


def chart(results, run_dir, path):
    scenarios = results["scenarios"]
    left, right = [], []
    throughput = scenarios.get("throughput", {})
    if throughput.get("atHalf"):
        left.append((f"router, {fmt(throughput['atHalf']['rate'], 0)}/s (half of sustainable)",
                     read_hgrm(run_dir / throughput["atHalf"]["hgrm"]), "#1f77b4"))
    if throughput.get("atSustainable", {}).get("hgrm"):
        left.append((f"router, {fmt(throughput['atSustainable']['rate'], 0)}/s (highest sustainable)",
                     read_hgrm(run_dir / throughput["atSustainable"]["hgrm"]), "#d62728"))
    overhead = scenarios.get("overhead")
    if overhead:
        right.append((f"router, {fmt(overhead['rate'], 0)}/s", read_hgrm(run_dir / overhead["router"]["hgrm"]),
                      "#d62728"))
        right.append(("provider alone (same generator, same time)", read_hgrm(run_dir / overhead["direct"]["hgrm"]),
                      "#2ca02c"))
    width, height = 980, 400
    body = []
    if left:
        body.append(panel(left, 70, 50, 380, 290, "Create to final status, 0 ms provider", "latency (ms)"))
    if right:
        body.append(panel(right, 570, 50, 380, 290, "Overhead: 200 ms provider", "latency (ms)"))
    stamp = f"payment-router benchmark run {results['runId']}; latency from the intended send time (open model)"
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif">\n<rect width="100%" height="100%" fill="white"/>\n' + "\n".join(body) +
           f'\n<text x="{width / 2}" y="{height - 12}" text-anchor="middle" font-size="11" fill="#555">{stamp}</text>'
           "\n</svg>\n")
    path.write_text(svg)


# ---------------------------------------------------------------- markdown

def write(results, run_dir, target_dir, root):
    run_dir = Path(run_dir)
    target_dir = Path(target_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    chart_path = target_dir / "benchmarks-latency.svg"
    chart(results, run_dir, chart_path)
    doc_path = target_dir / "benchmarks.md"
    notes = ""
    if doc_path.exists():
        old = doc_path.read_text()
        if NOTES_BEGIN in old and NOTES_END in old:
            notes = old[old.index(NOTES_BEGIN):old.index(NOTES_END) + len(NOTES_END)]
    if not notes:
        notes = f"{NOTES_BEGIN}\n_No notes yet._\n{NOTES_END}"
    history = history_block(results, [doc_path, Path(root) / "docs" / "benchmarks.md"])
    doc_path.write_text(markdown(results, chart_path.name, notes, history))
    (run_dir / "summary.json").write_text(json.dumps(summary(results), indent=2))


def history_block(results, sources):
    """The history table from the first of `sources` that has one (else the seed), with this run's row added when
    it measured the headline side by side and is not in it yet."""
    lines = None
    for source in sources:
        if source.exists():
            text = source.read_text()
            if HISTORY_BEGIN in text and HISTORY_END in text:
                body = text[text.index(HISTORY_BEGIN) + len(HISTORY_BEGIN):text.index(HISTORY_END)]
                lines = [line for line in body.strip().splitlines() if line.strip()]
                break
    if lines is None:
        lines = list(HISTORY_SEED)
    t = results["scenarios"].get("throughput", {})
    if t.get("method") == "side-by-side" and not any(f"`{results['runId']}`" in line for line in lines):
        at = next((s for s in t.get("steps", []) if s["rate"] == t.get("heldRate")), None)
        v = at["verdict"] if at else {}
        lines.append(
            f"| `{results['runId']}`{' (quick)' if results.get('quick') else ''} | side by side: "
            f"{t['roundsPerStep']} rounds of {t['windowSeconds']} s per step, median router p99 − database p99 ≤ "
            f"{fmt(t['boundMs'], 0)} ms, 0 errors{replay_method(t)} | {fmt(t.get('heldRate'), 0)}/s | (a) "
            f"{fmt(t.get('routerHeldAbsoluteRate'), 0)} ÷ {fmt(t.get('pgbenchHeldRate'), 0)}/s = "
            f"{fmt(t.get('ratioHeld'), 3)}; (b) {fmt(t.get('saturationRate'), 0)} ÷ "
            f"{fmt(t.get('pgbenchMax', {}).get('tps', {}).get('median'), 0)}/s = {fmt(t.get('ratioSaturation'), 3)} "
            f"| at the held rate: router p99 {spread_text(v.get('routerP99'))} ms, database p99 "
            f"{spread_text(v.get('dbP99'))} ms |")
    return HISTORY_BEGIN + "\n" + "\n".join(lines) + "\n" + HISTORY_END


def replay_method(t):
    """How the run's replay committed, for its history row (nothing for runs from before it was grouped)."""
    if not t.get("replayGrouping"):
        return ""
    ns = [n for s in t.get("steps", []) for key in ("min", "max")
          if (n := s["verdict"].get("replayIntentsPerTransaction", {}).get(key)) is not None]
    used = f"{fmt(min(ns), 0)}–{fmt(max(ns), 0)}" if ns and min(ns) != max(ns) else fmt(ns[0] if ns else None, 0)
    return f"; replay grouped as the router commits (N = {used} intents per transaction), maximum at N = 1"


def spread_text(value, digits=1):
    """median (min–max) of a step's rounds."""
    if not value or value.get("median") is None:
        return "—"
    return f"{fmt(value['median'], digits)} ({fmt(value['min'], digits)}–{fmt(value['max'], digits)})"


def yes(flag):
    return "yes" if flag else "no"


def commits_row(sql, rate, at_rate):
    """The Targets row of durable commits per intent: one intent's captured SQL alone, and what group commit made
    of it at `rate` (the step measured there is `at_rate`)."""
    commits = sql.get("durableCommits")
    xids = sql.get("writeTransactionsPerIntent")
    return ["database commits per intent, happy path", "≤ 2",
            f"{commits} durable commits per intent alone ({sql.get('transactions')} transactions, "
            f"{sql.get('statements')} statements; PostgreSQL assigned {fmt(xids, 2)} transaction ids per "
            f"intent); at {fmt(rate, 0)}/s group commit made it "
            f"{fmt(at_rate.get('commitsPerIntent'), 2)} commits per intent, read-only ones included", "",
            met(commits is not None and commits <= TARGETS["commits"]
                and (xids is None or xids <= TARGETS["commits"]))]


def side_by_side_targets(t, results):
    """The Targets rows of a side-by-side throughput scenario."""
    rows = [commits_row(t.get("sqlPerIntent", {}), t.get("heldRate"), t.get("atSustainable") or {})]
    step = next((s for s in t.get("steps", []) if s["rate"] == t.get("heldRate")), None)
    v = step["verdict"] if step else {}
    rows.append([f"intents/s to final status held side by side: 0 errors, median router p99 − database p99 ≤ "
                 f"{fmt(t['boundMs'], 0)} ms ({t['roundsPerStep']} rounds)", "≥ 1,000/s",
                 f"{fmt(t.get('heldRate'), 0)}/s: router p99 {spread_text(v.get('routerP99'))} ms, database p99 "
                 f"{spread_text(v.get('dbP99'))} ms, difference {spread_text(v.get('diffP99'))} ms", "",
                 met((t.get("heldRate") or 0) >= TARGETS["throughput"])])
    rows.append([f"(a) held rates under one rule: router ÷ pgbench -R, both median p99 ≤ "
                 f"{fmt(t['absoluteP99Ms'], 0)} ms, 0 errors", f"≥ {TARGETS['limitRatio']}",
                 f"{fmt(t.get('routerHeldAbsoluteRate'), 0)} ÷ {fmt(t.get('pgbenchHeldRate'), 0)} intents/s",
                 fmt(t.get("ratioHeld"), 3), met((t.get("ratioHeld") or 0) >= TARGETS["limitRatio"])])
    pmax = t.get("pgbenchMax", {})
    rows.append([f"(b) saturation: highest rate with every intent final within {fmt(t['finalWithinMs'] / 1000, 0)} s"
                 f" ÷ pgbench's maximum (closed loop, {pmax.get('clients')} clients)", f"≥ {TARGETS['limitRatio']}",
                 f"{fmt(t.get('saturationRate'), 0)} ÷ {spread_text(pmax.get('tps'), 0)} intents/s",
                 fmt(t.get("ratioSaturation"), 3), met((t.get("ratioSaturation") or 0) >= TARGETS["limitRatio"])])
    return rows


def cpu_per_intent(add, cpu, rate, where):
    """The paragraph on CPU per intent at `rate`, from the CPU measured there (nothing without either)."""
    if cpu and rate:
        per = 1000 * cpu["routerCores"] / rate
        pg = 1000 * cpu["postgresCores"] / rate
        add(f"At {where} the router spends **{per:.2f} ms of CPU per intent** and PostgreSQL {pg:.2f} ms; the "
            f"machine was {fmt(100 * cpu['machineBusy'], 0)} % busy.")
        add("")


def grouped_replay_text(t):
    """The method sentence on a replay grouped as the router commits (results from 2026-12-01 on)."""
    return (f"{t['windowSeconds']} s window of `pgbench -R <rate/N> -c {t['pgbenchClients']}` (as many clients as "
            "the router's R2DBC pool) replaying one intent's captured SQL with N intents per pgbench transaction "
            "(`BEGIN`, N intents' statements with ids of their own, `COMMIT`), so that the replay's commits follow "
            "the router's group commits: the captured statements alone commit twice per intent, while the router's "
            "batch functions commit the intents that are ready together at once. N = max(1, ceil(1 / c)), c the "
            "router's writing commits per intent (transaction ids PostgreSQL assigned per intent) in its windows "
            "of the same step so far; steps pgbench climbs alone keep the last router step's N. pgbench, too, runs "
            f"{t['routerWarmupSeconds']} s at the rate before the window it counts (its connections are new). Each "
            "intent's latency is its transaction's (from the scheduled start: Poisson arrivals, no coordinated "
            "omission; earlier runs, up to 20261201-063555, added pgbench's schedule lag to it a second time), the "
            "database's share of one intent; at N > 1 its N intents arrive together and the first waits for the "
            "others, which makes the replay a little slower, not faster.")


def side_by_side_section(t, results, add):
    """The throughput section of a side-by-side run."""
    add("## Throughput to final status, side by side with the database")
    add("")
    add(f"Intents with `Prefer: wait=10` (the answer comes when the intent is final) at rising constant rates, 0 ms "
        f"simulators. At each rate the router and pgbench take turns: {t['roundsPerStep']} rounds, each a "
        f"{t['windowSeconds']} s window of the router (after {t['routerWarmupSeconds']} s at the rate) and a "
        + (grouped_replay_text(t) if t.get("replayGrouping") else
           f"{t['windowSeconds']} s window of `pgbench -R <rate> -c {t['pgbenchClients']}` (as many clients as the "
           "router's R2DBC pool) replaying one intent's captured SQL, one intent per pgbench transaction, so its "
           "latency (from the scheduled start: Poisson arrivals, no coordinated omission) is the database's share of "
           "one intent.")
        + " Rounds alternate which side goes first (router, pgbench, then pgbench, router), all within "
        "about a minute. Figures are the median of the rounds and, in brackets, their spread (min–max).")
    add("")
    add("A step is judged by what the router adds over the database at that rate:")
    add("")
    add(f"- **held side by side** (the headline): 0 errors and every answer a final 201 in every round, and median"
        f"(router p99 − database p99) ≤ {fmt(t['boundMs'], 0)} ms. Why {fmt(t['boundMs'], 0)} ms: beyond the SQL "
        "the router adds two loopback hops (client to router, router to a 0 ms simulator: well under a millisecond "
        "each), about 0.7 ms of its own CPU per intent, a wait for one of its pooled connections, and on this "
        "2-core machine shared with PostgreSQL, the simulators and the generator, up to one young-generation pause "
        "of its JVM (G1, 10–30 ms at these heaps) and one scheduling delay of the kernel with four busy processes "
        "(12–24 ms). A p99 of a short window sees at most one of each: about 50 ms. More than that is the router's "
        "own queueing, which the headline must catch. The two windows of a round are seconds apart: a disk flush "
        "stall in one of them moves that round, not the median of three.")
    add(f"- **within {fmt(t['absoluteP99Ms'], 0)} ms** (for ratio (a), the same rule for both): median p99 ≤ "
        f"{fmt(t['absoluteP99Ms'], 0)} ms and 0 errors; pgbench also has to keep up (start at least 95 % of the "
        "transactions the rate schedules; what is not started when `-T` ends is not in its log). pgbench is given "
        "the whole budget, not the budget minus the router's bound.")
    add(f"- **final within {fmt(t['finalWithinMs'] / 1000, 0)} s** (saturation, ratio (b)): every intent of every "
        "round final within 2 s, 0 errors. The router climbs until a step fails this; pgbench alone climbs on "
        "while it holds its rule.")
    add("")
    rows = []
    grouped = bool(t.get("replayGrouping"))
    for step in t.get("steps", []):
        v = step["verdict"]
        router = "routerP99" in v
        rows.append([fmt(step["rate"], 0), v["rounds"],
                     spread_text(v.get("routerP50")) if router else "—",
                     spread_text(v.get("routerP99")) if router else "—",
                     spread_text(v.get("dbP50")), spread_text(v.get("dbP99")),
                     spread_text(v.get("diffP99")) if router else "—",
                     fmt(v.get("routerErrors"), 0) if router else "—",
                     fmt(v.get("routerMaxMs"), 0) if router else "—",
                     spread_text(v.get("jitCores"), 2) if router else "—",
                     f"{spread_text(v.get('routerCores'), 2)} / {spread_text(v.get('othersCores'), 2)}"
                     if router else "—",
                     yes(v.get("heldSideBySide")) if router else "—",
                     yes(v.get("routerHeldAbsolute")) if router else "—",
                     yes(v.get("pgbenchHeldAbsolute")),
                     yes(v.get("finalWithin2s")) if router else "—"])
        if grouped:
            rows[-1][6:6] = [spread_text(v.get("replayIntentsPerTransaction"), 0),
                             f"{spread_text(v.get('routerWriteCommitsPerIntent'), 2)} / "
                             f"{spread_text(v.get('replayWriteCommitsPerIntent'), 2)}" if router else
                             f"— / {spread_text(v.get('replayWriteCommitsPerIntent'), 2)}"]
    header = ["rate/s", "rounds", "router p50 ms", "router p99 ms", "DB p50 ms", "DB p99 ms",
              "router p99 − DB p99 ms", "errors", "router max ms", "router JIT cores", "router / others cores",
              "held side by side", f"router ≤ {fmt(t['absoluteP99Ms'], 0)} ms",
              f"pgbench ≤ {fmt(t['absoluteP99Ms'], 0)} ms", "final ≤ 2 s"]
    if grouped:
        header[6:6] = ["N (intents per DB transaction)", "writing commits per intent: router / DB"]
    add(table(header, rows))
    add("")
    if grouped:
        add("*N* is the replay's intents per pgbench transaction, *writing commits per intent* the transaction ids "
            "PostgreSQL assigned per intent during each side's windows (a writing transaction takes one; "
            "results.json also has all commits per intent, read-only ones included).")
        add("")
    add("*router JIT cores* is the CPU of the router's C1 and C2 compiler threads during its windows (issue 15, "
        "item 4: compilation that does not settle at a steady load). *others* is CPU used outside the suite while "
        "the router's window ran; pgbench itself counts there during its own windows (in results.json).")
    add("")
    pmax = t.get("pgbenchMax", {})
    if pmax:
        how = ("one intent per transaction (N = 1: `BEGIN`, its statements, `COMMIT`)"
               if pmax.get("intentsPerTransaction") else "the same script")
        add(f"**pgbench's maximum:** {how} closed loop (`-c {pmax.get('clients')}`, no `-R`), "
            f"{len(pmax.get('rounds', []))} rounds of {t['windowSeconds']} s before the ladder: "
            f"{spread_text(pmax.get('tps'), 0)} intents/s (" + ", ".join(
                f"{fmt(r['tps'], 0)}/s avg {fmt(r.get('latencyAvgMs'), 1)} ms" for r in pmax.get("rounds", []))
            + ").")
        add("")
    warm = results.get("warmUps") or []
    if warm:
        w = warm[0]
        add("**Warm-up before the ladder** (50/s then 100/s; at each rate windows until the JIT uses under 0.1 "
            "cores, or its CPU no longer falls — the mean of the last two windows above 80 % of the two before — "
            "or the time limit): JIT "
            "cores per window " + ", ".join(f"{fmt(x['jitCores'], 2)} at {x['rate']}/s" for x in w["windows"])
            + "; stopped: " + "; ".join(f"{x['rate']}/s: {x['reason']}" for x in w["stops"])
            + f"; {fmt(w.get('seconds'), 0)} s in all.")
        add("")
    cpu_per_intent(add, (t.get("atSustainable") or {}).get("cpu"), t.get("heldRate"),
                   "the held rate (its median round)")
    sql = t.get("sqlPerIntent", {})
    add(f"The SQL of one intent, captured with `log_statement = all` while intents were created one at a time "
        f"({sql.get('statements')} statements in {sql.get('transactions')} transactions, "
        f"{sql.get('durableCommits')} of which write and so wait for a WAL flush); pgbench (`-M prepared -n`) "
        + ("replays it with the captured values, intent id and keys made unique per intent, N intents per "
           "transaction (`target/bench/results/<run>/intent.pgbench.sql`, grouped in `intent.pgbench.x<N>.sql`):"
           if t.get("replayGrouping") else
           "replays it with the captured values, intent id and keys made unique per transaction "
           "(`target/bench/results/<run>/intent.pgbench.sql`):"))
    add("")
    add("```sql")
    for statement in sql.get("sql", []):
        add(statement if len(statement) < 160 else statement[:157] + "...")
    add("```")
    add("")
    calibration = t.get("singleInsert", {})
    if calibration:
        add("For scale, single-row inserts on this machine: " + ", ".join(
            f"{fmt(v['tps'], 0)}/s with {k} client{'s' if k != '1' else ''}" for k, v in calibration.items()) + ".")
        add("")


def summary(results):
    s = results["scenarios"]
    out = {}
    t = s.get("throughput", {})
    if t:
        out["sustainableRate"] = t.get("sustainableRate")
        out["limitRatio"] = t.get("limitRatio")
        if t.get("method") == "side-by-side":
            for key in ("heldRate", "routerHeldAbsoluteRate", "pgbenchHeldRate", "saturationRate", "ratioHeld",
                        "ratioSaturation"):
                out[key] = t.get(key)
        out["durableCommitsPerIntent"] = t.get("sqlPerIntent", {}).get("durableCommits")
    if s.get("overhead"):
        out["overheadP99"] = s["overhead"]["overhead_p99"]
    if s.get("inflight"):
        out["heapPerInFlightBytes"] = s["inflight"]["heapPerInFlightBytes"]
    if s.get("isolation"):
        out["isolationRatio"] = s["isolation"]["ratio"]
    if s.get("webhooks", {}).get("deliveriesPerSecond"):
        out["webhookDeliveriesPerSecond"] = s["webhooks"]["deliveriesPerSecond"]
    return out


def cores(cpu):
    return (f"{fmt(cpu.get('routerCores'), 2)} / {fmt(cpu.get('postgresCores'), 2)} / "
            f"{fmt(cpu.get('simulatorsCores'), 2)} / {fmt(cpu.get('generatorCores'), 2)} / "
            f"{fmt(cpu.get('othersCores'), 2)}")


CORES_HEADER = "CPU cores: router / PostgreSQL / simulators / generator / others"
SLOW_HEADER = "COMMITs > 100 ms (slowest)"


def slow(row):
    count = row.get("slowCommits")
    if count is None:
        return "—"
    return "0" if count == 0 else f"{count} ({fmt(row.get('slowestCommitMs'), 0)} ms)"


def markdown(results, chart_name, notes, history=None):
    s = results["scenarios"]
    m = results["machine"]
    lines = []
    add = lines.append
    add("# Benchmarks")
    add("")
    add("How much the router adds to each payment and how it holds up, measured against the limit that no router on "
        "this machine can pass: PostgreSQL's durable commit. Written by `bench/run.sh` (issue 5); the numbers below "
        "are from one run of the whole suite. The notes at the end are written by hand and kept across runs.")
    add("")
    add("## Machine and run")
    add("")
    add(table(["", ""], [
        ["run", f"`{results['runId']}`{' (quick)' if results.get('quick') else ''}, "
                f"{fmt(results.get('elapsedSeconds'), 0)} s"],
        ["CPU", f"{m.get('cpu', '?')}, {m.get('cores')} cores"],
        ["memory", f"{m.get('memoryGiB')} GiB"],
        ["OS", m.get("platform", "?")],
        ["Java", m.get("java", "?")],
        ["PostgreSQL", f"{m.get('postgres', '?')}, own cluster under `target/bench/pg`: fsync and "
                       "synchronous_commit on, shared_buffers 512MB"],
        ["load average at start", ", ".join(f"{v:.2f}" for v in m.get("loadAverageAtStart", []))],
        ["router", f"`java -Xms2g -Xmx2g {results['settings'].get('routerJvm') or ''} -jar "
                   "target/payment-router-*.jar`".replace("  ", " ") + ", R2DBC pool "
                   f"{results['settings']['dbPool']}, provider rate limits 100,000/s, pools 512 + queue 4,096"],
    ]))
    add("")
    add("Everything runs on this one machine and binds to 127.0.0.1: PostgreSQL, the three provider simulators (one "
        "JVM), the router (its own JVM, started from the packaged jar with environment variables only) and the load "
        "generator. The generator is open-model: request *i* of a stream is sent at *t0 + i / rate* whether or not "
        "earlier ones were answered, and its latency is measured from that intended time, so a stall shows in the "
        "percentiles instead of lowering the offered load (no coordinated omission). Each scenario runs beside its "
        "baseline in the same run. The column *others* is CPU used by processes outside the suite while a step ran "
        "(other builds on a shared machine): the noise of that step.")
    add("")
    add("## Running it")
    add("")
    add("```bash")
    add("bench/run.sh                      # everything (~15 min): builds, runs, rewrites docs/benchmarks.md + chart")
    add("bench/run.sh --quick              # shorter, fewer steps (~6 min); report in target/bench/")
    add("bench/run.sh --only throughput,overhead --no-build   # some scenarios, reusing the build")
    add("bench/run.sh --only jmh           # the JMH benchmarks alone (or: bench/jmh.sh [JMH options])")
    add("bench/run.sh --help               # ports, pool size, rates, in-flight count ...")
    add("```")
    add("")
    add("Raw results of every run (generator JSON, HdrHistogram distributions, router and simulator logs, the JFR "
        "recording and its views, the captured SQL, the pgbench script) stay in `target/bench/results/<run>/`; "
        "`python3 bench/lib/report.py target/bench/results/<run> docs` rewrites this page from one of them.")
    add("")

    # ---------------- summary
    add("## Targets")
    add("")
    rows = []
    t = s.get("throughput")
    side_by_side = bool(t) and t.get("method") == "side-by-side"
    if side_by_side:
        rows.extend(side_by_side_targets(t, results))
    elif t:
        step = t.get("atSustainable", {})
        rows.append(commits_row(t.get("sqlPerIntent", {}), t.get("sustainableRate"), step))
        limit = t.get("databaseLimit", {}).get(str(results["settings"]["dbPool"]), {})
        rows.append(["intents/s to final status, p99 < 100 ms, no errors", "≥ 1,000/s",
                     f"{fmt(t.get('sustainableRate'), 0)}/s (p50 {fmt(step.get('p50'))} ms, p99 "
                     f"{fmt(step.get('p99'))} ms)", "", met((t.get("sustainableRate") or 0) >= TARGETS["throughput"])])
        rows.append(["limit ratio: router ÷ the same SQL through pgbench", "≥ 0.6",
                     f"{fmt(t.get('sustainableRate'), 0)} ÷ {fmt(limit.get('tps'), 0)} intents/s "
                     f"({results['settings']['dbPool']} clients)", fmt(t.get("limitRatio"), 3),
                     met((t.get("limitRatio") or 0) >= TARGETS["limitRatio"])])
    o = s.get("overhead")
    if o:
        rows.append(["overhead p99: router p99 − provider p99 (200 ms provider)", "≤ 10 ms",
                     f"{fmt(o['router']['p99'])} − {fmt(o['direct']['p99'])} ms at {fmt(o['rate'], 0)}/s",
                     f"{fmt(o['overhead_p99'])} ms", met(o["overhead_p99"] <= TARGETS["overheadP99"])])
    f = s.get("inflight")
    if f:
        per = f.get("heapPerInFlightBytes")
        rows.append(["live heap per in-flight intent", "≤ 4 KiB",
                     f"{fmt(f.get('activeAtPeak'), 0)} in flight, {fmt(per, 0)} bytes each; "
                     f"{fmt(f.get('errors'), 0)} errors", fmt(per / 1024, 2) + " KiB" if per else "—",
                     met(per is not None and per <= TARGETS["heapPerInFlight"] and f.get("errors") == 0)])
    i = s.get("isolation")
    if i:
        rows.append(["isolation: healthy p99 with a sick provider ÷ without", f"≤ {TARGETS['isolation']:.2f}",
                     f"{fmt(i['sickP99'])} ms vs {fmt(i['controlP99'])} ms", fmt(i["ratio"], 3),
                     met(i["ratio"] <= TARGETS["isolation"])])
    v = s.get("overload")
    if v:
        r = v["router"]
        fast = (r.get("p99") or 1e9) <= OVERLOAD_P99_MS
        bounded = (v["heapUsedMiB"]["max"] or 1e9) < 0.9 * 2048
        rows.append(["overload (3 × sustainable): answers fast, refusals with Retry-After, memory bounded, nothing "
                     "lost", f"p99 ≤ {OVERLOAD_P99_MS:,} ms, lost = 0",
                     f"p99 {fmt(r.get('p99'))} ms; {fmt(r['refused'], 0)} refused "
                     f"({r['refusedWithoutRetryAfter']} without Retry-After); {fmt(v['created201'], 0)} created, "
                     f"{v['lost']} lost; {sum(r['transportErrors'].values())} transport errors; heap ≤ "
                     f"{fmt(v['heapUsedMiB']['max'])} MiB", "",
                     met(v["lost"] == 0 and r["refusedWithoutRetryAfter"] == 0 and fast and bounded
                         and not r["transportErrors"])])
    w = s.get("webhooks")
    if w and "deliveriesPerSecond" in w:
        rows.append(["webhook delivery, one node: a backlog drained ÷ the receiver alone (64 at once)", "—",
                     f"{fmt(w['deliveriesPerSecond'], 0)}/s vs {fmt(w['baselinePerSecond'], 0)}/s; "
                     f"{fmt(w['delivered'], 0)} of {fmt(w['backlog'], 0)} delivered, {w['failed']} failed; "
                     f"router {fmt(w['routerCores'], 2)} / PostgreSQL {fmt(w['postgresCores'], 2)} cores",
                     fmt(w["ratio"], 3), ""])
    k = s.get("takeover")
    if k and k.get("runs"):
        for r in k["runs"]:
            rows.append([f"takeover: a killed replica's open intents all final, {r['survivors']} survivor(s)",
                         "≤ 60 s after the leases end",
                         f"{fmt(r['openAtKill'], 0)} open at the kill; {fmt(r['secondsFromLeaseEndToAllFinal'])} s "
                         f"({fmt(r['intentsPerSecondAfterLeaseEnd'], 0)}/s); {r['unresolved']} unresolved",
                         "", met(r["secondsFromLeaseEndToAllFinal"] <= 60)])
    c = s.get("clusterlimit")
    if c and "shared" in c:
        on, off = c["shared"], c["perReplica"]
        rows.append([f"provider limit shared by {c['replicas']} replicas: calls/s alpha received ÷ its limit "
                     f"({c['limit']}/s, burst {c['burst']})",
                     f"≤ {c['bound']} in any second",
                     f"{fmt(on['perSecond'])}/s, at most {on['maxInOneSecond']} in one second; "
                     f"{fmt(on['roundTripsPerPermit'], 3)} database round trips per permit; per-replica buckets: "
                     f"{fmt(off['perSecond'])}/s",
                     fmt(on["perSecond"] / c["limit"], 3), met(on["maxInOneSecond"] <= c["bound"])])
    add(table(["what", "target", "measured", "ratio", ""], rows))
    add("")
    add(f"![Latency by percentile]({chart_name})")
    add("")

    if history is not None:
        add("### History of the headline")
        add("")
        add("How the headline was measured and what it gave, run by run (kept when the suite rewrites this file). "
            "Until issue 15 a step held on an absolute p99 < 100 ms, one window each, and the limit ratio set a "
            "latency-bounded router rate against an unbounded pgbench rate; since then the router is judged side by "
            "side with the database at the same rate, over repeated rounds.")
        add("")
        add(history)
        add("")

    # ---------------- throughput
    if side_by_side:
        side_by_side_section(t, results, add)
    if t and not side_by_side:
        add("## Throughput to final status")
        add("")
        add("Create intents with `Prefer: wait=10` (the answer comes when the intent is final) at rising constant "
            "rates, 0 ms simulators; a step holds when every answer is a final 201, p99 < 100 ms and nothing is "
            "refused. Each step: warm-up, then the measured window. The router was warmed up first.")
        add("")
        rows = []
        for step in t.get("ladder", []):
            held = "yes" if step["passed"] else (f"no ({step['disturbed']}): repeated" if step.get("disturbed") else "no")
            rows.append([fmt(step["rate"], 0), held, fmt(step["sent"], 0),
                         fmt(step["ok"], 0), f"{step['errors']} / {step['refused']}", fmt(step["p50"]),
                         fmt(step["p99"]), fmt(step["p999"]), fmt(step["max"]),
                         fmt(step.get("commitsPerIntent"), 2), fmt(step.get("activeBackendsMean"), 1),
                         slow(step), cores(step["cpu"])])
        add(table(["rate/s", "held", "sent", "final 201", "errors / refused", "p50 ms", "p99 ms", "p99.9 ms",
                   "max ms", "commits/intent", "busy DB conns", SLOW_HEADER, CORES_HEADER], rows))
        add("")
        add("*COMMITs > 100 ms* counts the commits PostgreSQL itself logged as slower than 100 ms during the step "
            "(`log_min_duration_statement`; the router's batched writes commit on their own and count too): mostly "
            "WAL flushes stalled by the virtual disk. Every request waiting on such a commit waits with it, whatever "
            "the router does. A step that fails is repeated once, after the machine is quiet, and the repeat "
            "decides; both tries are in the table.")
        add("")
        rate_db = t.get("databaseAtRate")
        if rate_db:
            add(f"**The database alone at the same rate:** pgbench replaying one intent's SQL at "
                f"{fmt(rate_db['rate'], 0)}/s (`-R`, Poisson arrivals, latency from the scheduled start), "
                f"{rate_db['clients']} clients: p50 {fmt(rate_db['p50'])} ms, p90 {fmt(rate_db['p90'])} ms, p99 "
                f"{fmt(rate_db['p99'])} ms, p99.9 {fmt(rate_db['p999'])} ms, max {fmt(rate_db['max'])} ms over "
                f"{fmt(rate_db['transactions'], 0)} intents.")
            add("")
        half = t.get("atHalf")
        if half:
            add(f"**At half the sustainable rate ({fmt(half['rate'], 0)}/s):** p50 {fmt(half['p50'])} ms, p90 "
                f"{fmt(half['p90'])} ms, p99 {fmt(half['p99'])} ms, p99.9 {fmt(half['p999'])} ms, "
                f"{half['errors']} errors. CPU {CORES_HEADER.split(': ')[1]}: {cores(half['cpu'])}.")
            add("")
        cpu_per_intent(add, t.get("atSustainable", {}).get("cpu"), t.get("sustainableRate"),
                       "the sustainable rate")

        add("## Limit ratio: the same SQL straight into PostgreSQL")
        add("")
        sql = t.get("sqlPerIntent", {})
        add(f"The SQL of one intent, captured with `log_statement = all` while intents were created one at a time "
            f"({sql.get('statements')} statements in {sql.get('transactions')} transactions, "
            f"{sql.get('durableCommits')} of which write and so wait for a WAL flush):")
        add("")
        add("```sql")
        for statement in sql.get("sql", []):
            add(statement if len(statement) < 160 else statement[:157] + "...")
        add("```")
        add("")
        add("`pgbench -M prepared -n` replays exactly these statements with the captured values (intent id and keys "
            "made unique per transaction; the script is `target/bench/results/<run>/intent.pgbench.sql`), closed "
            "loop, on the same cluster while the router is idle:")
        add("")
        rows = []
        for clients, limit in sorted(t.get("databaseLimit", {}).items(), key=lambda kv: int(kv[0])):
            rows.append([clients, fmt(limit["tps"], 0), fmt(limit.get("latencyAvgMs"), 2), limit.get("failed", 0),
                         fmt(t["sustainableRate"] / limit["tps"], 3)])
        add(table(["clients", "intents/s", "avg latency ms", "failed", "router ÷ this"], rows))
        add("")
        calibration = t.get("singleInsert", {})
        if calibration:
            add("For scale, single-row inserts on this machine (the issue quotes ~2,900/s with one client and "
                "~9,000/s with 16 on a comparable 2-core machine): " + ", ".join(
                    f"{fmt(v['tps'], 0)}/s with {k} client{'s' if k != '1' else ''}" for k, v in calibration.items())
                + ".")
            add("")

    if t:
        prof = t.get("profile")
        if prof and prof.get("samples"):
            add("## Where the time goes at saturation")
            add("")
            ps = t.get("profileStep", {})
            add(f"JFR (`settings=profile`, {prof['source']}) on the router during {fmt(ps.get('rate'), 0)}/s "
                f"(p99 {fmt(ps.get('p99'))} ms, CPU {CORES_HEADER.split(': ')[1]}: "
                f"{cores(ps.get('cpu', {}))}), {fmt(prof['samples'], 0)} samples. Shares are of the router's "
                "CPU samples.")
            add("")
            add("**By activity** — the recognized frame nearest the leaf decides, so JDK, Reactor and Netty "
                "plumbing counts for the activity that called it:")
            add("")
            add(table(["activity", "% of CPU"], [[n, fmt(p)] for n, _, p in prof.get("costCentres", [])]))
            add("")
            add("**By thread**")
            add("")
            add(table(["threads", "% of CPU"], [[n, fmt(p)] for n, _, p in prof.get("byThreadGroup", [])]))
            add("")
            add("**By library of the code running** (JDK code counted for the library that called it)")
            add("")
            add(table(["library", "% of CPU"], [[n, fmt(p)] for n, _, p in prof.get("selfByLibrary", [])]))
            add("")
            add("**Hottest methods (self)**")
            add("")
            add(table(["method", "% of CPU"], [[f"`{n}`", fmt(p)] for n, _, p in prof.get("selfByMethod", [])[:15]]))
            add("")
            add("**Application frames nearest the leaf** (which of our calls the time is spent for)")
            add("")
            add(table(["frame", "% of CPU"],
                      [[f"`{n}`", fmt(p)] for n, _, p in prof.get("byApplicationCallSite", [])[:15]]))
            add("")

    if o:
        add("## Overhead with a 200 ms provider")
        add("")
        add(f"Two streams at {fmt(o['rate'], 0)}/s each, at the same time from the same generator: intents through "
            "the router (`Prefer: wait=10`, final status) and charges sent straight to the simulator the router "
            "calls. The provider's own latency is the baseline.")
        add("")
        rows = []
        for name, row in (("router", o["router"]), ("provider alone", o["direct"])):
            rows.append([name, fmt(row["sent"], 0), row["errors"], fmt(row["p50"]), fmt(row["p90"]),
                         fmt(row["p99"]), fmt(row["p999"]), fmt(row["max"])])
        rows.append(["**overhead**", "", "", fmt(o["overhead_p50"]), fmt(o["overhead_p90"]), fmt(o["overhead_p99"]),
                     fmt(o["overhead_p999"]), ""])
        add(table(["", "sent", "errors", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms"], rows))
        add("")
        add(f"CPU {CORES_HEADER.split(': ')[1]}: {cores(o['cpu'])}. PostgreSQL COMMITs over 100 ms during the "
            f"run: {slow(o)}.")
        add("")

    if f:
        add("## Many intents in flight")
        add("")
        add(f"{fmt(f['intents'], 0)} intents at {fmt(f['rate'], 0)}/s with `Prefer: wait=0` against a simulator "
            f"answering after {fmt(f['providerLatencyMs'] / 1000, 0)} s, so that all are in flight when the last is "
            "sent (router started with max-active, alpha's pool concurrency and queue raised, a "
            f"{f.get('callTimeoutSeconds', '?')} s call timeout and a longer lease). Live heap is measured with "
            "`jcmd GC.class_histogram` (a full GC first) after warm-up and again when every intent is in flight; "
            "every in-flight intent holds one provider call and so one HTTP connection.")
        add("")
        add(table(["", ""], [
            ["intents active at the peak", fmt(f.get("activeAtPeak"), 0)],
            ["provider calls in flight at the peak", fmt(f.get("providerCallsInFlightAtPeak"), 0)],
            ["live heap before / at the peak", f"{fmt(f['liveHeapBeforeBytes'] / 2**20)} / "
                                               f"{fmt(f['liveHeapPeakBytes'] / 2**20)} MiB"],
            ["**live heap per in-flight intent**", f"**{fmt(f.get('heapPerInFlightBytes'), 0)} bytes**"],
            ["RSS before / at the peak", f"{fmt(f['rssBeforeMiB'])} / {fmt(f['rssPeakMiB'])} MiB "
                                         f"({fmt(f.get('rssPerInFlightKiB'))} KiB per intent, incl. direct buffers)"],
            ["answers", json.dumps(f["router"]["httpStatus"])],
            ["final states afterwards", json.dumps(f["finalByStatus"])],
            ["errors", f["errors"]],
        ]))
        add("")
        if f.get("bytesPerInFlightByLibrary"):
            add("The extra live heap per in-flight intent by the library its classes belong to:")
            add("")
            add(table(["library", "bytes per in-flight intent"],
                      [[k, fmt(b, 0)] for k, b in f["bytesPerInFlightByLibrary"] if abs(b) >= 1]))
            add("")
        add("What the extra live heap is made of, per in-flight intent (largest classes):")
        add("")
        add(table(["class", "bytes per in-flight intent"],
                  [[f"`{c}`", fmt(b)] for c, b in f.get("topClassesBytesPerInFlight", [])[:15]]))
        add("")

    if i:
        add("## Isolation: one provider slow and failing")
        add("")
        add(f"A healthy lane at {fmt(i['healthyRate'], 0)}/s (alpha, beta: 50 ms) measured alone and then with a "
            f"sick lane at {fmt(i['sickRate'], 0)}/s routed to gamma only (rule `sick`: metadata lane=sick), gamma "
            f"answering after {i['sick']['latencyMs']} ms and failing {fmt(100 * i['sick']['errorRate'], 0)} % of "
            "charges with 500.")
        add("")
        rows = []
        for phase in i["phases"]:
            h = phase["healthy"]
            name = phase["phase"] + (" (disturbed, repeated)" if phase.get("discarded") else "")
            rows.append([name, "healthy", fmt(h["sent"], 0), h["errors"], fmt(h["p50"]), fmt(h["p99"]),
                         fmt(h["p999"]), json.dumps(h["httpStatus"]), slow(phase), cores(phase["cpu"])])
            if phase.get("sickLane"):
                k = phase["sickLane"]
                rows.append([name, "sick (gamma)", fmt(k["sent"], 0), k["errors"], fmt(k["p50"]),
                             fmt(k["p99"]), fmt(k["p999"]),
                             json.dumps(k["httpStatus"] | {"intent": k["intentStatus"]}), "", ""])
        add(table(["phase", "lane", "sent", "errors", "p50 ms", "p99 ms", "p99.9 ms", "answers", SLOW_HEADER,
                   CORES_HEADER], rows))
        add("")
        add(f"Healthy p99: {fmt(i['sickP99'])} ms with the sick provider, {fmt(i['controlP99'])} ms without "
            f"(mean of the control phases): ratio **{fmt(i['ratio'], 3)}**.")
        add("")

    if v:
        r = v["router"]
        add("## Overload: three times the sustainable rate")
        add("")
        add(f"{fmt(v['rate'], 0)}/s for {v['durationSeconds']} s (3 × {fmt(v['sustainableRate'], 0)}/s), "
            "`Prefer: wait=10`, no warm-up. Afterwards the database is asked what became of every stored intent.")
        add("")
        add(table(["", ""], [
            ["answers", json.dumps(r["httpStatus"])],
            ["refusals by code", json.dumps(r["problemCodes"])],
            ["latency of all answers", f"p50 {fmt(r['p50'])} ms, p99 {fmt(r['p99'])} ms, max {fmt(r['max'])} ms"],
            ["latency of refusals (429/503)", f"p99 {fmt(r.get('refusedP99'))} ms; "
                                              f"{r['refusedWithoutRetryAfter']} without Retry-After"],
            ["transport errors", json.dumps(r["transportErrors"]) or "none"],
            ["stored intents", f"{fmt(v['stored'], 0)} {json.dumps(v['storedByStatus'])}"],
            ["201 answers / final in the database / lost", f"{fmt(v['created201'], 0)} / {fmt(v['final'], 0)} / "
                                                           f"{v['lost']}"],
            ["stored without a 201 (client gave up or timed out)", fmt(v["storedWithout201"], 0)],
            ["time until every stored intent was final", (f"{v['secondsUntilAllFinal']} s after the load (intents "
                                                          "left open by storage errors are taken over by the "
                                                          "sentinel when their lease runs out)")
             if v.get("secondsUntilAllFinal") is not None else f"{v.get('openAfterLoad')} still open"],
            ["router heap used, max while overloaded", f"{fmt(v['heapUsedMiB']['max'])} MiB (of 2,048)"],
            ["router RSS, max", f"{fmt(v['routerRssMiB']['max'])} MiB"],
            ["CPU " + CORES_HEADER.split(": ")[1], cores(v["cpu"])],
        ]))
        add("")
        series = (v.get("admission") or {}).get("series") or []
        if series:
            add("Admission limit over time (`payment_router_admission_*`, sampled once a second from "
                "`/actuator/prometheus`; refusals counted from the start of the load):")
            add("")
            add(table(["t (s)", "limit", "in flight", "refused so far"],
                      [[fmt(p["t"]), fmt(p["limit"], 0), fmt(p["inFlight"], 0), fmt(p["refused"], 0)]
                       for p in series]))
            add("")

    j = s.get("jmh")
    if j:
        add("## JMH: the hot pure paths")
        add("")
        add("`bench/jmh.sh` (or `bench/run.sh --only jmh`); one fork, average time per operation. Sources in "
            "`src/test/java/dev/paymentrouter/bench/jmh` (compiled by every build, run only here).")
        add("")
        add(table(["benchmark", "threads", "ns/op", "± (99.9 %)"],
                  [[f"`{row['benchmark']}`", row["threads"], fmt(row["score"], 1), fmt(row["error"], 1)]
                   for row in j]))
        add("")

    add("## Notes")
    add("")
    add(notes)
    add("")
    add(f"<sub>Generated {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} by bench/run.sh.</sub>")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    run = Path(sys.argv[1]).resolve()
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else run
    write(json.loads((run / "results.json").read_text()), run, out, Path(__file__).resolve().parents[2])
    print(f"wrote {out / 'benchmarks.md'}")
