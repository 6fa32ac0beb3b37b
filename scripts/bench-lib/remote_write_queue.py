#!/usr/bin/env python3
"""The agent's memory with a day's remote-write queue, measured on the real process.

Two agents poll the same `simulate --domain-count 1000` on their schedule with the default
collectors: one without remote write, one with `--remote-write.url` pointing at a receiver that
is not there and a queue already holding a day of buckets and minutes for the 1,000 domains
(written by `vodcdn-bench fill-queue`, in the agent's own format). After each scheduled traffic
run, both processes' resident memory, and the queue's size, are printed side by side.

Usage: remote_write_queue.py EXPORTER BENCH MINUTES
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

from footprint import resident
from processes import start_simulator_and_agent, stop, wait_until_answers


def metrics(port):
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=30) as answer:
        return answer.read().decode()


def value(text, pattern):
    found = re.search(r"^" + pattern + r" (\S+)$", text, re.M)
    return float(found.group(1)) if found else None


def main():
    exporter, bench, minutes = sys.argv[1], sys.argv[2], float(sys.argv[3])
    folder = tempfile.mkdtemp(prefix="rw-queue-")
    processes = []
    try:
        filled = subprocess.run([bench, "fill-queue", os.path.join(folder, "with.json.remote-write"), "1000", "24"],
                                check=True, capture_output=True, text=True).stdout.strip()
        print("a day for 1,000 domains: " + filled)
        plain = start_simulator_and_agent(exporter, 1000, 19730, 19731, processes, extra=("--state.file", os.path.join(folder, "without.json")))
        writing = subprocess.Popen([exporter, "--web.listen-address", "127.0.0.1:19732", "--aliyun.endpoint", "http://127.0.0.1:19730",
                                    "--api.max-qps", "100", "--log.level", "warn", "--state.file", os.path.join(folder, "with.json"),
                                    "--remote-write.url", "http://127.0.0.1:1/api/v1/write"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={
                                       "ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI5tSimulatorKeyId",
                                       "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "SimulatorSecretNotForProduction", "PATH": "/usr/bin:/bin"})
        processes.append(writing)
        for port in (19731, 19732):
            wait_until_answers("http://127.0.0.1:%d/-/ready" % port, timeout=180, status=200)
        seen = 0
        end = time.time() + minutes * 60
        while True:
            texts = [metrics(19731), metrics(19732)]
            runs = min(value(text, r'aliyun_vod_exporter_collector_runs_total\{collector="traffic"\}') or 0 for text in texts)
            if runs > seen:
                seen = runs
                time.sleep(5)  # both runs over, their state saved
                texts = [metrics(19731), metrics(19732)]
                queued = value(texts[1], "aliyun_vod_exporter_remote_write_queue_samples")
                failed = value(texts[1], "aliyun_vod_exporter_remote_write_samples_failed_total")
                without, with_queue = resident(plain.pid), resident(writing.pid)
                print("after run %d: without remote write %.1f MB (%.1f anonymous); with a queue of %d samples %.1f MB (%.1f anonymous); "
                      "with / without = %.2f; samples failed so far %d"
                      % (runs, without[0], without[1], queued, with_queue[0], with_queue[1], with_queue[0] / without[0], failed), flush=True)
            if time.time() > end:
                break
            time.sleep(5)
    finally:
        stop(processes)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
