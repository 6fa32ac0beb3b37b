#!/usr/bin/env python3
"""Serving /metrics over TLS with basic auth: vodcdn-exporter against the Pushgateway with the
same --web.config.file (the exporter-toolkit format both read) and the same series, in one run.

- both serve HTTPS with the same certificate and require the same bcrypt-hashed user;
- the exporter polls `simulate --domain-count 100`; its series (without process_* and its own
  families) are pushed to a fresh Pushgateway, so the bodies match;
- wrk, 1 connection for 5 s: keep-alive, then a new connection (a full TLS handshake) per request;
- the handshake's cost per new connection is 1/rate(new connections) - 1/rate(keep-alive).

Usage: tls.py EXPORTER
"""
import base64
import os
import re
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request

import bcrypt

from processes import start_simulator_and_agent, stop


def openssl(*arguments):
    subprocess.run(["openssl", *arguments], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def certificates(folder):
    path = lambda name: os.path.join(folder, name)
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", "/CN=bench-ca",
            "-keyout", path("ca.key"), "-out", path("ca.pem"))
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=localhost",
            "-keyout", path("server.key"), "-out", path("server.csr"))
    with open(path("server.ext"), "w") as ext:
        ext.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", path("server.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"), "-CAcreateserial", "-days", "2",
            "-extfile", path("server.ext"), "-out", path("server.pem"))


def wrk(url, authorization, close):
    """(requests per second, p99 ms) of wrk on one connection for 5 s."""
    headers = ["-H", "Authorization: " + authorization] + (["-H", "Connection: close"] if close else [])
    output = subprocess.run(["wrk", "-t1", "-c1", "-d5s", "--latency", *headers, url], check=True, capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", output)
    factor = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    return rate, float(p99.group(1)) * factor


def main():
    exporter = sys.argv[1]
    folder = tempfile.mkdtemp(prefix="bench-tls-")
    certificates(folder)
    password = b"bench-password"
    hashed = bcrypt.hashpw(password, bcrypt.gensalt(10)).decode()
    config = os.path.join(folder, "web.yml")
    with open(config, "w") as out:
        out.write("tls_server_config:\n  cert_file: %s\n  key_file: %s\nbasic_auth_users:\n  bench: %s\n"
                  % (os.path.join(folder, "server.pem"), os.path.join(folder, "server.key"), hashed))
    authorization = "Basic " + base64.b64encode(b"bench:" + password).decode()
    processes = []
    try:
        start_simulator_and_agent(exporter, 100, 19730, 19731, processes, extra=("--web.config.file", config))
        context = ssl.create_default_context(cafile=os.path.join(folder, "ca.pem"))

        def get(url, data=None, method=None):
            request = urllib.request.Request(url, headers={"Authorization": authorization}, data=data, method=method)
            with urllib.request.urlopen(request, timeout=30, context=context) as answer:
                return answer.read()

        deadline = time.time() + 120
        while True:
            try:
                body = get("https://127.0.0.1:19731/metrics").decode()
                if 'collector_runs_total{collector="traffic"}' in body:
                    break
            except Exception:
                pass
            if time.time() > deadline:
                sys.exit("the exporter did not serve over TLS within 120 s")
            time.sleep(0.5)
        gateway = subprocess.Popen(["prometheus-pushgateway", "--web.listen-address=127.0.0.1:19732", "--persistence.file=", "--log.level=warn",
                                    "--web.config.file=" + config], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        processes.append(gateway)
        deadline = time.time() + 30
        while True:
            try:
                get("https://127.0.0.1:19732/-/ready")
                break
            except Exception:
                if time.time() > deadline:
                    sys.exit("the Pushgateway did not answer over TLS")
                time.sleep(0.2)
        lines = [line for line in body.splitlines() if line and not line.startswith("#")
                 and not line.startswith(("process_", "aliyun_vod_exporter_", "aliyun_vod_up"))]
        get("https://127.0.0.1:19732/metrics/job/bench", data=("\n".join(lines) + "\n").encode(), method="PUT")
        print("%d series, both over TLS 1.3 with basic auth (bcrypt cost 10, checks remembered by both)" % len(lines))
        print("%-22s %12s %12s %8s %10s %10s" % ("", "ours req/s", "pushgw req/s", "ratio", "ours p99", "pgw p99"))
        rates = {}
        for label, close in (("keep-alive", False), ("new connection each", True)):
            ours, ours_p99 = wrk("https://127.0.0.1:19731/metrics", authorization, close)
            theirs, theirs_p99 = wrk("https://127.0.0.1:19732/metrics", authorization, close)
            rates[close] = (ours, theirs)
            print("%-22s %12.1f %12.1f %7.1fx %8.2fms %8.2fms" % (label, ours, theirs, ours / theirs, ours_p99, theirs_p99))
        for name, index in (("ours", 0), ("pushgateway", 1)):
            handshake = (1 / rates[True][index] - 1 / rates[False][index]) * 1000
            print("handshake and connection setup per new connection, %s: %.2f ms" % (name, handshake))
    finally:
        stop(processes)


if __name__ == "__main__":
    main()
