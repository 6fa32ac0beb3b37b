#!/usr/bin/env python3
"""Scrapes with the right password while the listener is flooded, against the same run without a
flood: the shipped binary (`demo`) over TLS with basic auth (bcrypt cost 10, as htpasswd -B makes).

- the scraper: one scrape of /metrics every 100 ms, each on a new connection (a full TLS
  handshake: stricter than Prometheus, which keeps its connection), with the right password;
- phases of 30 s each: no flood; a wrong-password flood of 20 and of 50 requests a second (every
  password new, each on its own TLS connection); a flood of 220 connections a second from
  another address (127.0.0.2) that send half a TLS record header and stall;
- per phase: the scrapes' p50, p99 and worst latency, how many failed, and what the listener
  counted as refused (aliyun_vod_exporter_web_refused_total).

Each flood runs in a process of its own (as it would on another machine): in the scraper's
process it would compete with the scraper for Python's interpreter lock and show as slow scrapes.

Usage: web_floods.py EXPORTER
"""
import base64
import multiprocessing
import os
import re
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import bcrypt

from processes import stop
from tls import certificates

PHASE_SECONDS = int(os.environ.get("FLOOD_PHASE_SECONDS", "30"))


def scrape(port, context, authorization):
    """Seconds one scrape took, or None when it failed."""
    start = time.monotonic()
    try:
        request = urllib.request.Request("https://localhost:%d/metrics" % port, headers={"Authorization": authorization})
        with urllib.request.urlopen(request, context=context, timeout=10) as answer:
            answer.read()
            if answer.status != 200:
                return None
    except Exception:
        return None
    return time.monotonic() - start


def wrong_password_flood(port, context, rate, stop_event):
    """`rate` requests a second, each with a new wrong password on a new TLS connection."""
    count = 0
    def one(index):
        authorization = "Basic " + base64.b64encode(b"prometheus:wrong-%d" % index).decode()
        try:
            request = urllib.request.Request("https://localhost:%d/metrics" % port, headers={"Authorization": authorization})
            urllib.request.urlopen(request, context=context, timeout=10).read()
        except Exception:
            pass
    next_at = time.monotonic()
    while not stop_event.is_set():
        threading.Thread(target=one, args=(count,), daemon=True).start()
        count += 1
        next_at += 1 / rate
        time.sleep(max(0, next_at - time.monotonic()))


def stalled_handshake_flood(port, rate, stop_event):
    """`rate` connections a second from 127.0.0.2, each sending 3 bytes of a TLS record and stalling."""
    held = []
    next_at = time.monotonic()
    while not stop_event.is_set():
        try:
            raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            raw.bind(("127.0.0.2", 0))
            raw.settimeout(1)
            raw.connect(("127.0.0.1", port))
            raw.sendall(b"\x16\x03\x01")
            held.append(raw)
        except OSError:
            pass
        next_at += 1 / rate
        time.sleep(max(0, next_at - time.monotonic()))
    for raw in held:
        raw.close()


def refused(port, context, authorization):
    request = urllib.request.Request("https://localhost:%d/metrics" % port, headers={"Authorization": authorization})
    text = urllib.request.urlopen(request, context=context, timeout=10).read().decode()
    return {m.group(1): int(float(m.group(2))) for m in re.finditer(r'aliyun_vod_exporter_web_refused_total\{reason="([a-z_]+)"\} (\S+)', text)}


def wrong_passwords(port, cafile, rate, stop_event):
    wrong_password_flood(port, ssl.create_default_context(cafile=cafile), rate, stop_event)


def phase(name, port, context, authorization, flood):
    """`flood`: (function, arguments) run in a process of its own until the phase ends."""
    stop_event = multiprocessing.Event()
    before = refused(port, context, authorization)
    flooder = multiprocessing.Process(target=flood[0], args=(*flood[1], stop_event), daemon=True) if flood else None
    if flooder:
        flooder.start()
        time.sleep(2)  # let it build up
    latencies, failures = [], 0
    end = time.monotonic() + PHASE_SECONDS
    while time.monotonic() < end:
        started = time.monotonic()
        took = scrape(port, context, authorization)
        if took is None:
            failures += 1
        else:
            latencies.append(took * 1000)
        time.sleep(max(0, 0.1 - (time.monotonic() - started)))
    stop_event.set()
    if flooder:
        flooder.join()
    time.sleep(6)  # stalled connections reach their handshake deadline
    after = refused(port, context, authorization)
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else float("nan")
    counted = ", ".join("%s %d" % (reason, after[reason] - before.get(reason, 0)) for reason in sorted(after) if after[reason] - before.get(reason, 0))
    print("  %-44s scrapes %4d  failed %d  p50 %6.1f ms  p99 %6.1f ms  worst %6.1f ms  refused: %s"
          % (name, len(latencies) + failures, failures, pick(0.5), pick(0.99), latencies[-1] if latencies else float("nan"), counted or "none"))
    return pick(0.99), failures


def main():
    exporter = sys.argv[1]
    folder = tempfile.mkdtemp(prefix="floods-")
    certificates(folder)
    password_hash = bcrypt.hashpw(b"right-password", bcrypt.gensalt(10)).decode()
    config = os.path.join(folder, "web.yml")
    with open(config, "w") as f:
        f.write("tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\nbasic_auth_users:\n  prometheus: %s\n" % password_hash)
    port = 10893
    processes = [subprocess.Popen([exporter, "demo", "--web.listen-address", "127.0.0.1:%d" % port, "--web.config.file", config],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        cafile = os.path.join(folder, "ca.pem")
        context = ssl.create_default_context(cafile=cafile)
        authorization = "Basic " + base64.b64encode(b"prometheus:right-password").decode()
        deadline = time.time() + 20
        while scrape(port, context, authorization) is None and time.time() < deadline:
            time.sleep(0.2)
        results = [
            phase("no flood", port, context, authorization, None),
            phase("wrong passwords, 20/s", port, context, authorization, (wrong_passwords, (port, cafile, 20))),
            phase("wrong passwords, 50/s", port, context, authorization, (wrong_passwords, (port, cafile, 50))),
            phase("stalled handshakes, 220/s from 127.0.0.2", port, context, authorization, (stalled_handshake_flood, (port, 220))),
        ]
        baseline = results[0][0]
        worst = max(p99 for p99, _ in results[1:])
        failed = sum(failures for _, failures in results)
        print("summary: right-password scrapes p99 %.1f ms without a flood, at most %.1f ms under the floods (%.1fx); target p99 < 100 ms and none failed: %s (%d failed)"
              % (baseline, worst, worst / baseline, "met" if worst < 100 and failed == 0 else "NOT met", failed))
    finally:
        stop(processes)


if __name__ == "__main__":
    main()
