#!/usr/bin/env python3
"""The footprint of the shipped binary, measured on the real process.

- size of the release binary (stripped, as built by scripts/build-release) and its symbol file;
- `demo`: process start to the first 200 from /-/ready (the simulator inside, so data arrives
  at the first run), best and worst of five;
- resident memory of `vodcdn-exporter` polling `simulate --domain-count 1000` with its default
  collectors, after its first run and then every scheduled grid point for MINUTES, split into its
  own (anonymous) pages and pages mapped from files;
- a fresh Pushgateway holding as many series as the exporter serves, after two scrapes, in the
  same run.

Usage: footprint.py EXPORTER MINUTES
"""
import os
import re
import subprocess
import sys
import time
import urllib.request

from processes import SIMULATOR_ENVIRONMENT, start_simulator_and_agent, stop, wait_until_answers


def get(url, headers=None, data=None, method=None):
    request = urllib.request.Request(url, headers=headers or {}, data=data, method=method)
    with urllib.request.urlopen(request, timeout=30) as answer:
        return answer.status, answer.read()


def resident(pid):
    """(total, anonymous, from files) in MB, from /proc/PID/smaps_rollup."""
    fields = {}
    with open("/proc/%d/smaps_rollup" % pid) as rollup:
        for line in rollup:
            match = re.match(r"(\w+):\s+(\d+) kB", line)
            if match:
                fields[match.group(1)] = int(match.group(2)) / 1024
    return fields["Rss"], fields["Anonymous"], fields["Rss"] - fields["Anonymous"]


def main():
    exporter, minutes = sys.argv[1], float(sys.argv[2])
    size = os.path.getsize(exporter) / 1e6
    debug = exporter + ".debug"
    print("binary: %.1f MB%s" % (size, " (symbols: %.1f MB in %s)" % (os.path.getsize(debug) / 1e6, os.path.basename(debug)) if os.path.exists(debug) else ""))

    starts = []
    for attempt in range(5):
        port = 19700 + attempt
        begin = time.perf_counter()
        demo = subprocess.Popen([exporter, "demo", "--web.listen-address", "127.0.0.1:%d" % port],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=SIMULATOR_ENVIRONMENT)
        ready = wait_until_answers("http://127.0.0.1:%d/-/ready" % port, timeout=30, status=200, every=0.002)
        starts.append((time.perf_counter() - begin) * 1000 if ready else float("nan"))
        demo.terminate()
        demo.wait()
    print("demo: start to /-/ready 200: best %.0f ms, worst %.0f ms (%s)" % (min(starts), max(starts), ", ".join("%.0f" % s for s in starts)))

    processes = []
    try:
        agent = start_simulator_and_agent(exporter, 1000, 19720, 19721, processes)
        wait_until_answers("http://127.0.0.1:19721/-/ready", timeout=120, status=200)

        def runs():
            _, body = get("http://127.0.0.1:19721/metrics")
            text = body.decode()
            found = re.search(r'aliyun_vod_exporter_collector_runs_total\{collector="traffic"\} (\d+)', text)
            return int(found.group(1)) if found else 0, sum(1 for line in text.splitlines() if line and not line.startswith("#"))

        while runs()[0] < 1:
            time.sleep(1)
        get("http://127.0.0.1:19721/metrics", headers={"Accept-Encoding": "gzip"})
        count, series = runs()
        print("exporter, 1,000 domains, %d series, after run %d: %.1f MB (%.1f anonymous + %.1f from files)" % ((series, count) + resident(agent.pid)))
        end = time.time() + minutes * 60
        seen = count
        while time.time() < end:
            time.sleep(5)
            count, series = runs()
            if count > seen:
                seen = count
                get("http://127.0.0.1:19721/metrics", headers={"Accept-Encoding": "gzip"})
                print("exporter, 1,000 domains, %d series, after run %d: %.1f MB (%.1f anonymous + %.1f from files)" % ((series, count) + resident(agent.pid)), flush=True)

        gateway = subprocess.Popen(["prometheus-pushgateway", "--web.listen-address=127.0.0.1:19722", "--persistence.file=", "--log.level=warn"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        processes.append(gateway)
        wait_until_answers("http://127.0.0.1:19722/")
        # The exporter's own exposition, pushed as it is (without its HELP/TYPE lines, which the
        # Pushgateway regroups): the same series, names and label values.
        _, body = get("http://127.0.0.1:19721/metrics")
        lines = [line for line in body.decode().splitlines() if line and not line.startswith("#")
                 and not line.startswith(("process_", "aliyun_vod_exporter_", "aliyun_vod_up"))]
        get("http://127.0.0.1:19722/metrics/job/bench", data=("\n".join(lines) + "\n").encode(), method="PUT")
        get("http://127.0.0.1:19722/metrics")
        get("http://127.0.0.1:19722/metrics", headers={"Accept-Encoding": "gzip"})
        time.sleep(2)
        total, anonymous, files = resident(gateway.pid)
        mine = resident(agent.pid)[0]
        print("pushgateway (fresh) holding the same %d series, after two scrapes: %.1f MB (%.1f anonymous + %.1f from files); exporter / pushgateway = %.2f"
              % (len(lines), total, anonymous, files, mine / total))
    finally:
        stop(processes)


if __name__ == "__main__":
    main()
