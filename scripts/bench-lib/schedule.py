#!/usr/bin/env python3
"""Scheduled polling, measured on the shipped binary in its real mode.

For each size, a `vodcdn-exporter simulate --domain-count N` (every answer delayed by the given
latency) and a `vodcdn-exporter` against it with its default data collectors (traffic and
bandwidth on the 5-minute grid, realtime every minute, usage hourly in the rate they leave), run on their real schedule. Every few seconds the exporter's /metrics is read; each time a
collector's run count grows, the run's elapsed time (grid point to end) and the age of the data
then published are recorded. Prints one line per scheduled run and a summary per size.

Usage: schedule.py EXPORTER OUT_DIR SIZE:QPS [SIZE:QPS ...]   (all sizes run at the same time)
"""
import re
import subprocess
import sys
import time
import urllib.request

from processes import SIMULATOR_ENVIRONMENT, stop, wait_until_answers

LATENCY_MS = 20
RUNS = 3            # scheduled runs (grid points) measured per size
SCRAPE_EVERY = 5    # seconds
SETTLE = 900


def scrape(port):
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=30) as answer:
        return answer.read().decode()


def values(text, family, label=None):
    """{label value: sample value} of a family's series (label None: the whole line)."""
    found = {}
    for line in text.splitlines():
        if not line.startswith(family + "{") and not line.startswith(family + " "):
            continue
        name, _, value = line.rpartition(" ")
        key = name
        if label:
            match = re.search(r'%s="([^"]*)"' % label, name)
            key = match.group(1) if match else None
        found[key] = float(value)
    return found


def main():
    exporter, out = sys.argv[1], sys.argv[2]
    sizes = [tuple(int(x) for x in arg.split(":")) for arg in sys.argv[3:]]
    processes, cases = [], []
    for index, (domains, qps) in enumerate(sizes):
        sim_port, port = 19600 + index * 2, 19601 + index * 2
        processes.append(subprocess.Popen(
            [exporter, "simulate", "--web.listen-address", "127.0.0.1:%d" % sim_port, "--domain-count", str(domains),
             "--faults", "slow:%dms" % LATENCY_MS], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_until_answers("http://127.0.0.1:%d/" % sim_port) or sys.exit("the simulator never answered")
        log = open("%s/schedule-%d-%d.log" % (out, domains, qps), "w")
        processes.append(subprocess.Popen(
            [exporter, "--web.listen-address", "127.0.0.1:%d" % port, "--aliyun.endpoint", "http://127.0.0.1:%d" % sim_port,
             "--api.max-qps", str(qps), "--no-collector.quota", "--no-collector.tasks", "--log.format", "json"],
            env=SIMULATOR_ENVIRONMENT,
            stdout=subprocess.DEVNULL, stderr=log))
        wait_until_answers("http://127.0.0.1:%d/" % port) or sys.exit("the exporter never answered")
        # Traffic and bandwidth make 2 calls a domain at each grid point; realtime takes 1 call per
        # 20 domains every minute out of the same --api.max-qps.
        calls = 2 * domains
        realtime_qps = (domains + 19) // 20 / 60
        bound = max(60, calls / (qps - realtime_qps)) * 1.1 + LATENCY_MS / 1000
        cases.append({"domains": domains, "qps": qps, "port": port, "bound": bound, "runs": {}, "scheduled": [], "usage": None, "done": False})
    try:
        # The usage collector's first run (at start, in the rate the others leave) takes up to
        # about 25 minutes at 1,000 domains and 10 calls/s.
        deadline = time.time() + 60 * 40
        while time.time() < deadline and not all(case["done"] for case in cases):
            time.sleep(SCRAPE_EVERY)
            for case in cases:
                if case["done"]:
                    continue
                try:
                    text = scrape(case["port"])
                except Exception:
                    continue
                now = time.time()
                runs = values(text, "aliyun_vod_exporter_collector_runs_total", "collector")
                elapsed = values(text, "aliyun_vod_exporter_collector_elapsed_seconds", "collector")
                failures = sum(values(text, "aliyun_vod_exporter_collector_failures_total").values())
                for collector in ("traffic", "bandwidth"):
                    count = int(runs.get(collector, 0))
                    seen = case["runs"].get(collector, 0)
                    if count <= seen:
                        continue
                    case["runs"][collector] = count
                    if seen == 0 and count == 1:
                        continue  # the first run: at start, unspread, not on the grid
                    # The age of the data when the run published it: the run's end (its last
                    # success) less the end of each domain's newest bucket.
                    published = values(text, "aliyun_vod_exporter_collector_last_success_timestamp_seconds", "collector").get(collector, now)
                    newest = values(text, "aliyun_vod_data_timestamp_seconds", None)
                    traffic = [v for k, v in newest.items() if 'source="%s"' % collector in k]
                    age_newest = published - (max(traffic) + 300) if traffic else float("nan")
                    age_oldest = published - (min(traffic) + 300) if traffic else float("nan")
                    record = {"collector": collector, "run": count, "skipped": count - seen - 1, "elapsed": elapsed.get(collector, float("nan")),
                              "age_newest": age_newest, "age_oldest": age_oldest, "failures": failures}
                    case["scheduled"].append(record)
                    print("%6d domains at %3d QPS: %-9s run %d: %6.1f s from its grid point (bound %.1f s)%s; data age %.0f-%.0f s after the bucket's end"
                          % (case["domains"], case["qps"], collector, count, record["elapsed"], case["bound"],
                             "" if record["skipped"] == 0 else " SKIPPED %d" % record["skipped"], age_newest, age_oldest), flush=True)
                if case["usage"] is None and runs.get("usage", 0) >= 1:
                    projected = values(text, "aliyun_vod_exporter_collector_projected_run_seconds", "collector").get("usage", float("nan"))
                    usage_failures = sum(v for k, v in values(text, "aliyun_vod_exporter_collector_failures_total").items() if 'collector="usage"' in k)
                    case["usage"] = {"elapsed": elapsed.get("usage", float("nan")), "projected": projected, "failures": usage_failures}
                    print("%6d domains at %3d QPS: usage     run 1: %6.1f s from its start (projected %.0f s in the rate the others leave), failures %d"
                          % (case["domains"], case["qps"], case["usage"]["elapsed"], projected, usage_failures), flush=True)
                if case["usage"] and all(len([r for r in case["scheduled"] if r["collector"] == c]) >= RUNS for c in ("traffic", "bandwidth")):
                    case["done"] = True
        for case in cases:
            scheduled = case["scheduled"]
            worst = max((r["elapsed"] for r in scheduled), default=float("nan"))
            within = all(r["elapsed"] <= case["bound"] for r in scheduled) and len(scheduled) >= 2 * RUNS
            skipped = sum(r["skipped"] for r in scheduled)
            oldest = max((r["age_oldest"] for r in scheduled), default=float("nan"))
            print("summary %d domains at %d QPS: %d scheduled runs, slowest %.1f s against the bound %.1f s (%s), %d skipped, "
                  "data age at most %.0f s after the bucket's end (settle delay + 2 min = %d s), failures %d"
                  % (case["domains"], case["qps"], len(scheduled), worst, case["bound"], "met" if within else "MISSED", skipped,
                     oldest, SETTLE + 120, int(scheduled[-1]["failures"]) if scheduled else -1), flush=True)
            usage = case["usage"]
            print("summary %d domains at %d QPS: usage's first run %s" % (case["domains"], case["qps"],
                  "%.0f s (projected %.0f s), failures %d" % (usage["elapsed"], usage["projected"], usage["failures"]) if usage else "NOT FINISHED"), flush=True)
    finally:
        stop(processes)


if __name__ == "__main__":
    main()
