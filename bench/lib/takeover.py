"""The takeover scenario (issue 13): a replica dies (SIGKILL) holding thousands of open intents, each with a charge in
flight; how long after their leases run out the survivors have driven every one of them to a final state, with one
survivor and with two.

A victim router takes the intents with `Prefer: wait=0` while the provider holds every charge for 15 s, so that all
of them are in flight when the victim is killed; the provider then answers at once again. Survivors started after the
kill claim the victim's intents once their leases run out (the sentinel's batch claim), record the charges in flight
as unknown and ask the provider about them. The figure is the time from the last lease's end (by the database's
clock) until every intent of the run is final, the same from the first lease's end, and the intents per second
that makes (the leases end over the seconds the intents took to create; the survivors take each up as it ends)."""

import os
import signal
import time

from procs import HOST, JavaProcess, http, log, wait_until

PROVIDER_HOLD_MS = 15000
CALL_TIMEOUT_S = 20
QUEUE_TIMEOUT_S = 10
LEASE_S = CALL_TIMEOUT_S + QUEUE_TIMEOUT_S + 5
SETTLE_S = LEASE_S + CALL_TIMEOUT_S + 5


def recovery_env(count):
    """Settings every router of the scenario shares: room for all the intents, calls long enough for the hold."""
    return {
        "PAYMENTROUTER_INTENTS_MAXACTIVE": count * 2,
        "PAYMENTROUTER_PROVIDERS_ALPHA_POOL_CONCURRENCY": count + 1000,
        "PAYMENTROUTER_PROVIDERS_ALPHA_POOL_QUEUECAPACITY": count + 1000,
        "PAYMENTROUTER_PROVIDERS_ALPHA_POOL_CALLTIMEOUT": f"{CALL_TIMEOUT_S}s",
        "PAYMENTROUTER_PROVIDERS_ALPHA_POOL_QUEUETIMEOUT": f"{QUEUE_TIMEOUT_S}s",
        "PAYMENTROUTER_PROVIDERS_ALPHA_CIRCUITBREAKER_SLOWCALLDURATION": f"{CALL_TIMEOUT_S + 10}s",
        # Every taken-over intent asks the provider once: the status-query budget must not be what is measured.
        "PAYMENTROUTER_PROVIDERS_ALPHA_RATELIMIT_STATUSQUERIESPERSECOND": 100000,
        "PAYMENTROUTER_PROVIDERS_ALPHA_RATELIMIT_STATUSQUERYBURST": 100000,
        "PAYMENTROUTER_RECOVERY_LEASE": f"{LEASE_S}s",
        "PAYMENTROUTER_RECOVERY_SETTLETIME": f"{SETTLE_S}s",
        "PAYMENTROUTER_INTENTS_DRAINTIMEOUT": f"{LEASE_S}s",
        "PAYMENTROUTER_RECOVERY_SCANINTERVAL": "1s",
    }


def start_survivor(suite, n, count):
    port = suite.args.router_port + 10 + 2 * n
    env = suite.router_env(**recovery_env(count), SERVER_PORT=port, MANAGEMENT_SERVER_PORT=port + 1,
                           PAYMENTROUTER_RECOVERY_NODEID=f"survivor-{n}")
    # Only the routing of the intents taken over matters: every survivor routes to alpha first, as the victim did.
    router = JavaProcess(f"survivor-{n}", [suite.tools.java, "-Xms1g", "-Xmx1g", "-jar", str(suite.jar)], env,
                         suite.logs / f"takeover-survivor-{n}.log")
    wait_until(lambda: http("GET", f"http://{HOST}:{port + 1}/actuator/health/readiness")[0] == 200, 120,
               interval=0.5, what=f"survivor {n} readiness")
    return router


def one_run(suite, survivors, count, rate):
    prefix = f"takeover{survivors}-{suite.run_id}-"
    suite.stop_router()
    suite.reset_sims()
    suite.start_router("router-victim", suite.router_env(**recovery_env(count), PAYMENTROUTER_RECOVERY_NODEID="victim"))
    suite.warm_up(rates=(100,), limit=20)
    suite.configure_sim("alpha", latencyMs=PROVIDER_HOLD_MS)
    log(f"takeover ({survivors} survivor{'s' if survivors > 1 else ''}): {count} intents at {rate}/s, the provider "
        f"holds each charge {PROVIDER_HOLD_MS / 1000:.0f} s")
    suite.generate(f"takeover{survivors}", [suite.stream("router", rate, prefix, wait=0, expect_final=False)], 0,
                   count / rate, drain=5)
    owned = int(suite.pg.psql(f"select count(*) from payment_intents where idempotency_key like '{prefix}%' "
                              "and owner = 'victim' and status in ('pending', 'processing')"))
    os.kill(suite.router.pid, signal.SIGKILL)
    suite.router.process.wait(10)
    killed = time.time()
    suite.router = None
    suite.configure_sim("alpha", latencyMs=0)
    first_end, lease_end = (float(v) for v in suite.pg.psql(
        "select coalesce(extract(epoch from min(lease_until)), 0) || '|' || coalesce(extract(epoch from "
        f"max(lease_until)), 0) from payment_intents where idempotency_key like '{prefix}%' and owner = 'victim'")
        .split("|"))
    log(f"  victim killed holding {owned} open intents; their last lease ends in "
        f"{lease_end - float(suite.pg.psql('select extract(epoch from now())')):.1f} s")
    routers = [start_survivor(suite, n, count) for n in range(survivors)]
    try:
        def open_intents():
            return int(suite.pg.psql(f"select count(*) from payment_intents where idempotency_key like '{prefix}%' "
                                     "and unresolved_reason is null and status in ('pending', 'processing')"))
        wait_until(lambda: open_intents() == 0, LEASE_S + SETTLE_S + 300, interval=0.5,
                   what="every taken-over intent final")
        done = float(suite.pg.psql("select extract(epoch from now())"))
        by_status = {k: int(v) for k, v in (line.split("|") for line in suite.pg.psql(
            f"select status, count(*) from payment_intents where idempotency_key like '{prefix}%' group by status")
            .splitlines() if line)}
        by_owner = {k: int(v) for k, v in (line.split("|") for line in suite.pg.psql(
            f"select owner, count(*) from payment_intents where idempotency_key like '{prefix}%' group by owner")
            .splitlines() if line)}
        unresolved = int(suite.pg.psql(f"select count(*) from payment_intents where idempotency_key like "
                                       f"'{prefix}%' and unresolved_reason is not null"))
    finally:
        for router in routers:
            router.stop()
    seconds = done - lease_end
    # The leases end over the time the intents were created; the survivors take each up as its lease ends.
    since_first = done - first_end
    row = {"survivors": survivors, "openAtKill": owned, "secondsFromLeaseEndToAllFinal": round(seconds, 1),
           "secondsFromFirstLeaseEndToAllFinal": round(since_first, 1),
           "leasesEndedOverSeconds": round(lease_end - first_end, 1),
           "secondsFromKillToAllFinal": round(time.time() - killed, 1),
           "intentsPerSecondAfterLeaseEnd": round(owned / since_first, 1) if since_first > 0 else None,
           "byStatus": by_status, "byOwner": by_owner, "unresolved": unresolved}
    log(f"  all final {row['secondsFromLeaseEndToAllFinal']} s after the last lease ended, "
        f"{row['secondsFromFirstLeaseEndToAllFinal']} s after the first (leases ended over "
        f"{row['leasesEndedOverSeconds']} s; {row['intentsPerSecondAfterLeaseEnd']}/s); {by_status}; owners {by_owner}")
    return row


def run(suite):
    count = 2000 if suite.quick else 5000
    rate = 250 if suite.quick else 500
    rows = [one_run(suite, survivors, count, rate) for survivors in (1, 2)]
    suite.reset_sims()
    return {"intents": count, "providerHoldMs": PROVIDER_HOLD_MS, "leaseSeconds": LEASE_S,
            "settleSeconds": SETTLE_S, "runs": rows}
