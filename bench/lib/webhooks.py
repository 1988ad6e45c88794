"""The webhook scenario (issue 12): how fast one node's delivery worker drains a backlog of deliveries, against what
the same receiver takes from a plain HTTP client at the worker's concurrency, measured in the same run.

A router with its worker off takes intents while eight endpoints are subscribed to every event, so each intent leaves
sixteen deliveries pending; the router is then started again with its worker on, alone, and drains them. The receiver
(dev.paymentrouter.bench.load.WebhookSink) answers 204 at once, so the figure is the router's: claims, signing,
sends and outcome writes. The baseline POSTs the same number of bodies of the same size straight to the receiver."""

import json
import subprocess
import time

from procs import HOST, JavaProcess, http, log, wait_until

ENDPOINTS = 8
SINK_CLASS = "dev.paymentrouter.bench.load.WebhookSink"


def run(suite, api_key, sink_port):
    sink_url = f"http://{HOST}:{sink_port}"
    sink = JavaProcess("webhook-sink", [suite.tools.java, "-Xmx512m", "-cp", suite.classpath, SINK_CLASS, "serve",
                                        str(sink_port)], {}, suite.logs / "webhook-sink.log")
    try:
        wait_until(lambda: http("GET", sink_url + "/stats")[0] == 200, 60, what="webhook sink")
        intents = 500 if suite.quick else 2000
        rate = 100
        # Local mode: endpoints on loopback and plain http are allowed (the receiver is on this machine).
        suite.stop_router()
        suite.start_router("router-webhooks", suite.router_env(PAYMENTROUTER_LOCALMODE="true",
                                                               PAYMENTROUTER_WEBHOOKS_DELIVERY_ENABLED="false"))
        for n in range(ENDPOINTS):
            status, text = http("POST", suite.router_url + "/v1/webhook-endpoints",
                                {"url": f"{sink_url}/hooks/{n}", "events": ["*"]},
                                headers={"Authorization": "Bearer " + api_key})
            if status != 201:
                raise RuntimeError(f"webhook endpoint not registered: {status} {text}")
        prefix = f"wh-{suite.run_id}-"
        log(f"webhooks: {intents} intents at {rate}/s with the worker off, {ENDPOINTS} endpoints subscribed to all")
        suite.generate("webhooks-backlog", [suite.stream("router", rate, prefix)], 0, intents / rate)
        suite.wait_router_idle()
        backlog = int(suite.pg.psql("select count(*) from webhook_deliveries where status = 'pending'"))
        body_bytes = int(float(suite.pg.psql("select coalesce(avg(length(data::text)), 0) from webhook_events")) + 80)
        suite.stop_router()

        log(f"  draining {backlog} deliveries (bodies about {body_bytes} bytes) with one node's worker")
        cpu_before = suite.pg.cpu_seconds()
        suite.start_router("router-webhooks-drain", suite.router_env(PAYMENTROUTER_LOCALMODE="true"))
        router_cpu_before = suite.router.cpu_seconds()
        wait_until(lambda: int(suite.pg.psql("select count(*) from webhook_deliveries where status = 'pending'")) == 0,
                   600, interval=0.5, what="the delivery backlog drained")
        stats = json.loads(http("GET", sink_url + "/stats")[1])
        seconds = max(0.001, (stats["lastMillis"] - stats["firstMillis"]) / 1000)
        router_cores = (suite.router.cpu_seconds() - router_cpu_before) / seconds
        pg_cores = (suite.pg.cpu_seconds() - cpu_before) / seconds
        tries, failed = suite.pg.psql("select coalesce(sum(attempts), 0) || '|' || count(*) filter "
                                      "(where status = 'failed') from webhook_deliveries").split("|")
        suite.stop_router()

        log(f"  baseline: {backlog} POSTs straight to the receiver at 64 at once")
        blast = subprocess.run([suite.tools.java, "-Xmx512m", "-cp", suite.classpath, SINK_CLASS, "blast",
                                sink_url + "/hooks/baseline", str(backlog), "64", str(body_bytes)],
                               capture_output=True, text=True, timeout=600, check=True)
        baseline = json.loads(blast.stdout.strip().splitlines()[-1])
        scenario = {"intents": intents, "endpoints": ENDPOINTS, "backlog": backlog, "bodyBytes": body_bytes,
                    "delivered": stats["received"], "tries": int(tries), "failed": int(failed),
                    "drainSeconds": round(seconds, 2), "deliveriesPerSecond": round(stats["received"] / seconds, 1),
                    "routerCores": round(router_cores, 2), "postgresCores": round(pg_cores, 2),
                    "baselinePerSecond": baseline["perSecond"],
                    "ratio": round(stats["received"] / seconds / baseline["perSecond"], 3)}
        log(f"  one node delivered {scenario['deliveriesPerSecond']}/s ({scenario['delivered']} in "
            f"{scenario['drainSeconds']} s; router {scenario['routerCores']} cores, PostgreSQL "
            f"{scenario['postgresCores']}); the receiver alone took {baseline['perSecond']}/s: ratio {scenario['ratio']}")
        return scenario
    finally:
        sink.stop()
