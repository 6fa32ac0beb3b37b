#!/usr/bin/env python3
"""Encoding a remote-write body (the WriteRequest protobuf, snappy-compressed): vodcdn-exporter's
encoder against Google's protobuf (its C extension) with cramjam's snappy, on the same series, in
one run: 4,000 series (1,000 domains x 2 areas x traffic and peak bandwidth) of 288 samples (a
day of 5-minute buckets), best of 5.

Usage: remote_write.py BENCH_HELPER
"""
import re
import subprocess
import sys
import time

import cramjam
from prompb import write_request_class

SERIES, SAMPLES, ROUNDS = 4000, 288, 5


def python_rate():
    WriteRequest = write_request_class()
    start = 1_795_600_000_000
    best = float("inf")
    for _ in range(ROUNDS):
        begin = time.perf_counter()
        request = WriteRequest()
        for index in range(SERIES):
            series = request.timeseries.add()
            labels = {"__name__": "aliyun_vod_bucket_traffic_bytes" if index % 2 == 0 else "aliyun_vod_bucket_peak_bandwidth_bytes_per_second",
                      "area": "domestic" if index % 4 < 2 else "overseas", "domain": "d%d.example.com" % (index // 4)}
            for name in sorted(labels):
                series.labels.add(name=name, value=labels[name])
            for n in range(SAMPLES):
                series.samples.add(value=float((index * 7919 + n * 104_729) % 1_000_000_007), timestamp=start + n * 300_000)
        body = bytes(cramjam.snappy.compress_raw(request.SerializeToString()))
        best = min(best, time.perf_counter() - begin)
    return SERIES * SAMPLES / best, len(body) / (SERIES * SAMPLES)


def main():
    ours = subprocess.run([sys.argv[1], "remote-write", str(SERIES), str(SAMPLES), str(ROUNDS)], check=True, capture_output=True, text=True).stdout
    ours_rate = float(re.match(r"(\d+) samples/s", ours).group(1))
    theirs_rate, theirs_bytes = python_rate()
    print("ours:   %s" % ours.strip())
    print("python: %.0f samples/s, %.2f bytes/sample on the wire (protobuf %s, cramjam)" % (theirs_rate, theirs_bytes, __import__("google.protobuf").protobuf.__version__))
    print("ratio (ours / python): %.1fx" % (ours_rate / theirs_rate))


if __name__ == "__main__":
    main()
