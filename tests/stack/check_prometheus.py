#!/usr/bin/python3
"""Checks deploy/prometheus/ against the running local stack with a real Prometheus server.

Usage: tests/stack/check_prometheus.py <stack dir (FHV_LOCAL_DIR)>

Checks the rules and the configuration with promtool, starts Debian's prometheus with a copy of
deploy/prometheus/prometheus.yml (its targets file pointed at the stack's, intervals shortened to
2 s), and asks its HTTP API until, within 90 s, every service's target is up, every service shows
RPC metrics, the domain metrics of every service are there and every alert rule evaluates without
error. Exits 0 if all hold, 1 naming each check that did not.
"""

import json
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

REPO = pathlib.Path(__file__).resolve().parents[2]
SERVICES = ["recruitment", "investigation", "placement", "payments"]
# Metrics every service must export (PromQL selectors); the domain ones are from each service's
# metrics/ directory and are present once the service has counted its tables.
REQUIRED = {
    "RPC calls handled, per service": "grpc_server_handled_total",
    "RPC latency histograms, per service": "grpc_server_handling_seconds_count",
    "database pool, per service": "fhv_db_pool_connections",
    "outbox backlog, per service": "fhv_outbox_backlog",
}
DOMAIN = {
    "recruitment": "fhv_recruitment_applicants",
    "investigation": "fhv_investigation_investigations",
    "placement": "fhv_placement_requests",
    "payments": "fhv_payment_runs",
}
DEADLINE_S = 90


def fail(msg):
    print(f"check_prometheus: {msg}", file=sys.stderr)
    sys.exit(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api(port, path, **params):
    url = f"http://127.0.0.1:{port}/api/v1/{path}"
    if params:
        url += "?" + urllib.parse.urlencode(params)
    with urllib.request.urlopen(url, timeout=5) as resp:
        body = json.load(resp)
    if body.get("status") != "success":
        raise RuntimeError(f"{path}: {body}")
    return body["data"]


def jobs_with(port, selector):
    data = api(port, "query", query=f"count by (job) ({selector})")
    return {r["metric"].get("job") for r in data["result"]}


def problems(port):
    """The checks that do not hold yet, in words."""
    out = []
    targets = api(port, "targets", state="active")["activeTargets"]
    health = {t["labels"].get("job"): t["health"] for t in targets}
    for s in SERVICES:
        if health.get(s) != "up":
            out.append(f"target {s} is {health.get(s, 'missing')}")
    for what, selector in REQUIRED.items():
        missing = set(SERVICES) - jobs_with(port, selector)
        if missing:
            out.append(f"{what}: no {selector} from {', '.join(sorted(missing))}")
    for service, metric in DOMAIN.items():
        if service not in jobs_with(port, metric):
            out.append(f"domain metric {metric} missing from {service}")
    rules = [r for g in api(port, "rules")["groups"] for r in g["rules"]]
    if not rules:
        out.append("no alert rules loaded")
    for r in rules:
        if r.get("health") != "ok":
            out.append(f"rule {r['name']} is {r.get('health')}: {r.get('lastError', '')}")
    return out, len(rules)


def main():
    if len(sys.argv) != 2:
        fail("usage: check_prometheus.py <stack dir>")
    stack = pathlib.Path(sys.argv[1]).resolve()
    targets = stack / "prometheus-targets.json"
    if not targets.is_file():
        fail(f"{targets} does not exist: is the local stack up (deploy/local/up)?")
    for tool in ("prometheus", "promtool"):
        if shutil.which(tool) is None:
            fail(f"{tool} not found: run deploy/deps/install (Debian package prometheus)")

    src = REPO / "deploy" / "prometheus"
    subprocess.run(["promtool", "check", "rules", str(src / "alerts.yml")], check=True)
    work = pathlib.Path(tempfile.mkdtemp(prefix="fhv-prometheus-"))
    try:
        config = (src / "prometheus.yml").read_text()
        for old, new in [("../../.local/prometheus-targets.json", str(targets)),
                         ("scrape_interval: 15s", "scrape_interval: 2s"),
                         ("evaluation_interval: 15s", "evaluation_interval: 2s"),
                         ("refresh_interval: 30s", "refresh_interval: 2s")]:
            if old not in config:
                fail(f"deploy/prometheus/prometheus.yml no longer contains '{old}'; update this test")
            config = config.replace(old, new)
        (work / "prometheus.yml").write_text(config)
        shutil.copy(src / "alerts.yml", work / "alerts.yml")
        subprocess.run(["promtool", "check", "config", str(work / "prometheus.yml")], check=True)

        port = free_port()
        log = open(work / "prometheus.log", "w")
        server = subprocess.Popen(
            ["prometheus", f"--config.file={work / 'prometheus.yml'}",
             f"--storage.tsdb.path={work / 'data'}", f"--web.listen-address=127.0.0.1:{port}"],
            stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + DEADLINE_S
            last = ["Prometheus did not answer"]
            while time.monotonic() < deadline:
                if server.poll() is not None:
                    fail(f"prometheus exited with {server.returncode}:\n"
                         + (work / "prometheus.log").read_text()[-3000:])
                try:
                    last, rule_count = problems(port)
                    if not last:
                        print(f"check_prometheus: all {len(SERVICES)} targets up, RPC and domain "
                              f"metrics present, {rule_count} alert rules healthy "
                              f"(Prometheus on 127.0.0.1:{port})")
                        return
                except (OSError, RuntimeError) as e:
                    last = [f"Prometheus API: {e}"]
                time.sleep(1)
            fail(f"after {DEADLINE_S} s:\n  " + "\n  ".join(last))
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
