#!/usr/bin/env python3
"""The agent's memory while it fills a day's gap with remote write on, on the real process.

A first agent polls `simulate --domain-count 1000` once and saves its state; the state is then
moved a day back (every traffic cursor and send cursor 24 hours earlier, as after a day without
the agent). Two agents start from copies of it, one without remote write and one with
`--remote-write.url` at a receiver that is not there: each backfills a day of traffic for the
1,000 domains in its first run, and the second also queues every bucket of it. Peak (VmHWM) and
current resident memory of both after that run are printed side by side.

Usage: remote_write_backfill.py EXPORTER
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

from footprint import resident
from processes import SIMULATOR_ENVIRONMENT, start_simulator_and_agent, stop, wait_until_answers


def runs(port):
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=30) as answer:
        text = answer.read().decode()
    found = re.search(r'^aliyun_vod_exporter_collector_runs_total\{collector="traffic"\} (\S+)$', text, re.M)
    queued = re.search(r"^aliyun_vod_exporter_remote_write_queue_samples (\S+)$", text, re.M)
    return int(float(found.group(1))) if found else 0, float(queued.group(1)) if queued else None


def peak(pid):
    with open("/proc/%d/status" % pid) as status:
        return int(re.search(r"VmHWM:\s+(\d+)", status.read()).group(1)) / 1024


def main():
    exporter = sys.argv[1]
    folder = tempfile.mkdtemp(prefix="rw-gap-")
    processes = []
    try:
        state = os.path.join(folder, "state.json")
        first = start_simulator_and_agent(exporter, 1000, 19740, 19741, processes, extra=("--state.file", state, "--no-collector.realtime"))
        wait_until_answers("http://127.0.0.1:19741/-/ready", timeout=180, status=200)
        while runs(19741)[0] < 1:
            time.sleep(1)
        time.sleep(3)
        first.terminate()
        first.wait()
        processes.remove(first)
        document = json.load(open(state))
        day = 86_400
        for record in document["domains"].values():
            for areas in record["counters"].values():
                for ledger in areas.values():
                    if ledger.get("cursor") is not None:
                        ledger["cursor"] -= day
                    ledger["counted"] = []
        document["savedAt"] -= day
        for name in ("without.json", "with.json"):
            json.dump(document, open(os.path.join(folder, name), "w"))
        agents = {}
        for name, port, extra in (("without", 19742, ()), ("with", 19743, ("--remote-write.url", "http://127.0.0.1:1/api/v1/write"))):
            agents[name] = subprocess.Popen([exporter, "--web.listen-address", "127.0.0.1:%d" % port, "--aliyun.endpoint", "http://127.0.0.1:19740",
                                             "--api.max-qps", "100", "--log.level", "warn", "--no-collector.realtime",
                                             "--state.file", os.path.join(folder, name + ".json"), *extra],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=SIMULATOR_ENVIRONMENT)
            processes.append(agents[name])
        for port in (19742, 19743):
            while runs(port)[0] < 1 if wait_until_answers("http://127.0.0.1:%d/" % port, timeout=60) else False:
                time.sleep(1)
        time.sleep(5)
        queued = runs(19743)[1]
        without, with_queue = agents["without"].pid, agents["with"].pid
        print("a day's gap for 1,000 domains, after the backfilling run: without remote write peak %.1f MB, now %.1f MB; "
              "with remote write (%d samples queued) peak %.1f MB, now %.1f MB; peak with / without = %.2f"
              % (peak(without), resident(without)[0], queued, peak(with_queue), resident(with_queue)[0], peak(with_queue) / peak(without)))
    finally:
        stop(processes)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
