#!/usr/bin/env python3
"""What the spike rules' expected-level group costs a Prometheus server: one evaluation of each of
its heavy records (the per-day hour and 3-hour medians and today's 3-hour median, the ones that
read 31 hours of each domain's history), timed through the query API at the end of a week of
history, for N domains (two areas each).

Two shapes of history, each loaded with promtool tsdb create-blocks-from openmetrics:
- `bucket`: the bucket series `backfill` and remote write store, one sample per 5 minutes;
- `scraped`: the scraped gauge at a 1-minute scrape interval, five times the samples.
A baseline in the same run: the 1-minute group's heaviest record (`current`, last_over_time over
an hour) on the same data. Prints the median of 5 evaluations of each, and the ratio.

    scripts/bench-lib/expected_level.py OUT_DIR [--domains 1000] [--scraped-domains 200]
"""

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WEEK = 7 * 86400
END = 1_796_000_400  # on the hour


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_history(path, domains, shape):
    """A week of flat-ish traffic per domain and area ending at END."""
    step = 300 if shape == "bucket" else 60
    name = "aliyun_vod_bucket_traffic_bytes" if shape == "bucket" else "aliyun_vod_interval_traffic_bytes"
    extra = "" if shape == "bucket" else ',job="vodcdn-exporter",instance="e:10790"'
    with open(path, "w") as f:
        f.write(f"# TYPE {name} gauge\n")
        for d in range(domains):
            for area in ("domestic", "overseas"):
                labels = f'{{domain="d{d}.example.com",area="{area}"{extra}}}'
                for t in range(END - WEEK, END, step):
                    f.write(f"{name}{labels} {1e9 + (t // 300 % 288) * 1e6:.0f} {t}\n")
        f.write("# EOF\n")


def record_expressions():
    """The heavy records of the expected-level group, as written in alerts.yml."""
    text = open(os.path.join(ROOT, "deploy/prometheus/alerts.yml")).read()
    group = text[text.index("  - name: vodcdn-bandwidth-expected"):text.index("  - name: vodcdn-exporter\n")]
    expressions = {}
    for match in re.finditer(r"- record: (\S+)\n        expr: (\|\n(?:          .*\n)+|.*\n)", group):
        name, body = match.group(1), match.group(2)
        body = body[2:] if body.startswith("|\n") else body
        expressions[name] = " ".join(line.strip() for line in body.splitlines())
    return {k: v for k, v in expressions.items() if "quantile_over_time" in v}


def timed(port, expression, at):
    url = f"http://127.0.0.1:{port}/api/v1/query?" + urllib.parse.urlencode({"query": expression, "time": str(at)})
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        with urllib.request.urlopen(url, timeout=600) as response:
            body = json.loads(response.read())
        runs.append(time.perf_counter() - started)
        if body.get("status") != "success":
            sys.exit(f"query failed: {body}")
    return statistics.median(runs), len(body["data"]["result"])


def measure(shape, domains, work):
    history = os.path.join(work, f"{shape}.om")
    data = os.path.join(work, f"{shape}-data")
    write_history(history, domains, shape)
    subprocess.run(["promtool", "tsdb", "create-blocks-from", "openmetrics", "--max-block-duration=24h", history, data],
                   check=True, capture_output=True)
    os.remove(history)
    port = free_port()
    config = os.path.join(work, "prometheus.yml")
    open(config, "w").write("global: {scrape_interval: 1m}\n")
    server = subprocess.Popen(["prometheus", f"--config.file={config}", f"--storage.tsdb.path={data}", f"--web.listen-address=127.0.0.1:{port}",
                               "--storage.tsdb.retention.time=100y", "--log.level=error"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/-/ready", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        at = END + 20 * 60 if shape == "bucket" else END
        rows = []
        total = 0.0
        for name, expression in record_expressions().items():
            seconds, series = timed(port, expression, at)
            total += seconds
            rows.append((name, seconds, series))
        raw = "aliyun_vod_bucket_traffic_bytes" if shape == "bucket" else "aliyun_vod_interval_traffic_bytes"
        baseline, _ = timed(port, f"last_over_time(max by (domain) (sum without (area) ({raw}))[1h:1m])", at)
        return rows, total, baseline
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(data, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out")
    parser.add_argument("--domains", type=int, default=1000)
    parser.add_argument("--scraped-domains", type=int, default=200)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    lines = []
    with tempfile.TemporaryDirectory(prefix="expected-level-") as work:
        for shape, domains in (("bucket", args.domains), ("scraped", args.scraped_domains)):
            rows, total, baseline = measure(shape, domains, work)
            lines.append(f"{shape} history, {domains} domains x 2 areas, a week:")
            for name, seconds, series in rows:
                lines.append(f"  {name}: {seconds * 1000:.0f} ms ({series} series)")
            lines.append(f"  the group's heavy records together: {total:.2f} s per evaluation (every 5 minutes: {total / 300 * 100:.2f} % of one core)")
            lines.append(f"  baseline, an hour's last_over_time of the same data: {baseline * 1000:.0f} ms; ratio {total / baseline:.0f}x")
    text = "\n".join(lines) + "\n"
    print(text, end="")
    open(os.path.join(args.out, "expected_level.txt"), "w").write(text)


if __name__ == "__main__":
    main()
