"""The cluster-limit scenario (issue 13): two router replicas on one database share alpha's rate limit. Both take
intents at twice alpha's limit each; alpha (the first choice) can take only its limit, the rest fails over to beta.
The figure is what alpha's simulator received: calls per second over the run and the most in any one second, against
the configured limit and limit + burst + replicas x max-unsynchronized, the bound the README documents. The
same run with cluster limits off (each replica its own bucket) shows what the sharing prevents."""

import json
from datetime import datetime

from procs import HOST, JavaProcess, http, log, wait_until

LIMIT = 50
BURST = 10
MAX_UNSYNCHRONIZED = 10
REPLICAS = 2


def run(suite, api_key, operator_token, port_offset=40):
    seconds = 6 if suite.quick else 15
    scenario = {"limit": LIMIT, "burst": BURST, "replicas": REPLICAS, "maxUnsynchronized": MAX_UNSYNCHRONIZED,
                "seconds": seconds,
                "bound": LIMIT + BURST + REPLICAS * MAX_UNSYNCHRONIZED}
    for shared in (True, False):
        scenario["shared" if shared else "perReplica"] = one_run(suite, api_key, operator_token, port_offset,
                                                                 seconds, shared)
    s = scenario["shared"]
    log(f"  cluster limits on: alpha received {s['perSecond']}/s (at most {s['maxInOneSecond']} in one second) "
        f"for a limit of {LIMIT}/s + burst {BURST}; {s['roundTripsPerPermit']} database round trips per permit; "
        f"off: {scenario['perReplica']['perSecond']}/s")
    return scenario


def one_run(suite, api_key, operator_token, port_offset, seconds, shared):
    a = suite.args
    limits = {"PAYMENTROUTER_PROVIDERS_ALPHA_RATELIMIT_PERMITSPERSECOND": LIMIT,
              "PAYMENTROUTER_PROVIDERS_ALPHA_RATELIMIT_BURST": BURST,
              "PAYMENTROUTER_CLUSTERLIMITS_ENABLED": str(shared).lower(),
              "PAYMENTROUTER_CLUSTERLIMITS_MAXUNSYNCHRONIZED": MAX_UNSYNCHRONIZED}
    suite.stop_router()
    suite.reset_sims()
    label = "on" if shared else "off"
    suite.start_router(f"router-cluster-{label}-1", suite.router_env(**limits), heap="1g")
    second_management = f"http://{HOST}:{a.management_port + port_offset}"
    second = JavaProcess(f"router-cluster-{label}-2", [suite.tools.java, "-Xms1g", "-Xmx1g", "-jar", str(suite.jar)],
                         suite.router_env(SERVER_PORT=a.router_port + port_offset,
                                          MANAGEMENT_SERVER_PORT=a.management_port + port_offset, **limits),
                         suite.logs / f"router-cluster-{label}-2.log")
    try:
        wait_until(lambda: http("GET", second_management + "/actuator/health/readiness")[0] == 200, 120,
                   interval=0.5, what="second router readiness")
        prefix = f"cl-{label}-{suite.run_id}-"
        rate = 2 * LIMIT
        streams = [suite.stream("replica-1", rate, prefix + "1-"),
                   suite.stream("replica-2", rate, prefix + "2-",
                                url=f"http://{HOST}:{a.router_port + port_offset}/v1/payment-intents")]
        result = suite.generate(f"cluster-limit-{label}", streams, 2, seconds, drain=20)
        status, text = http("GET", suite.sim_url("alpha") + "/_sim/ledger")
        times = sorted(datetime.fromisoformat(c["createdAt"].replace("Z", "+00:00")).timestamp()
                       for c in json.loads(text)["charges"])
        span = max(0.001, times[-1] - times[0]) if times else 0.001
        most, start = 0, 0
        for end in range(len(times)):
            while times[end] - times[start] >= 1.0:
                start += 1
            most = max(most, end - start + 1)
        permits = local = 0.0
        for management in (suite.management_url, second_management):
            permits += metric(management, operator_token, "payment_router.cluster_limits.permits")
            local += metric(management, operator_token, "payment_router.cluster_limits.local")
        created = sum(stream["ok"] for stream in result["streams"])
        return {"alphaCalls": len(times), "spanSeconds": round(span, 2), "perSecond": round(len(times) / span, 1),
                "maxInOneSecond": most, "intentsCreated": created,
                "roundTripsPerPermit": round((permits - local) / permits, 3) if permits else None}
    finally:
        second.stop()
        suite.stop_router()


def metric(management, token, name):
    status, text = http("GET", f"{management}/actuator/metrics/{name}", timeout=3,
                        headers={"Authorization": f"Bearer {token}"})
    return json.loads(text)["measurements"][0]["value"] if status == 200 else 0.0
