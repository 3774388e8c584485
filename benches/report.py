#!/usr/bin/env python3
"""Reads criterion's output and prints the median and p95 of each benchmark.

    report.py collect OUT.json [CRITERION_DIR]   save this run's figures (default target/criterion;
                                                 every benchmark found there, so clear it between runs)
    report.py table RUN.json...                  a Markdown table over one or more saved runs

The median is criterion's (its estimate of the median time per iteration); p95 is the 95th
percentile of the per-iteration times of the samples (sample.json: time / iterations per sample).
With several runs, the table shows each run's median and p95, the median of the medians and the
largest p95, and whether that median meets the target.
"""

import json
import math
import os
import sys

TARGETS_NS = {
    "calendar/week/compact": 1_000,
    "check/flexible": 1_000,
    "book_cancel/flexible": 2_000,
    "book/refused_no_capacity": 1_000,
    "book/regular_13_weeks": 15_000,
    "search/2000_facilities/2h": 20_000,
}


def percentile(xs, p):
    xs = sorted(xs)
    k = (len(xs) - 1) * p
    lo, hi = math.floor(k), math.ceil(k)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def collect(out, root="target/criterion"):
    runs = {}
    for dirpath, _dirs, files in os.walk(root):
        if os.path.basename(dirpath) != "new" or "sample.json" not in files:
            continue
        with open(os.path.join(dirpath, "benchmark.json")) as f:
            name = json.load(f)["full_id"]
        with open(os.path.join(dirpath, "estimates.json")) as f:
            est = json.load(f)
        with open(os.path.join(dirpath, "sample.json")) as f:
            sample = json.load(f)
        per_iter = [t / n for t, n in zip(sample["times"], sample["iters"])]
        runs[name] = {
            "median_ns": est["median"]["point_estimate"],
            "mean_ns": est["mean"]["point_estimate"],
            "p95_ns": percentile(per_iter, 0.95),
            "samples": len(per_iter),
            "iterations": sum(sample["iters"]),
        }
    with open(out, "w") as f:
        json.dump(runs, f, indent=1, sort_keys=True)
    print(f"{out}: {len(runs)} benchmarks")


def fmt(ns):
    if ns is None:
        return "–"
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.0f} ns"


def table(paths):
    runs = []
    for p in paths:
        with open(p) as f:
            runs.append(json.load(f))
    names = sorted({n for r in runs for n in r})
    head = "| benchmark | target | " + " | ".join(f"run {i + 1} median / p95" for i in range(len(runs)))
    head += " | median of medians | worst p95 | met? |"
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for n in names:
        meds = [r[n]["median_ns"] for r in runs if n in r]
        p95s = [r[n]["p95_ns"] for r in runs if n in r]
        cells = [f"{fmt(r[n]['median_ns'])} / {fmt(r[n]['p95_ns'])}" if n in r else "–" for r in runs]
        med = sorted(meds)[len(meds) // 2]
        target = TARGETS_NS.get(n)
        met = "–" if target is None else ("yes" if med <= target else "**no**")
        print(f"| `{n}` | {'≤ ' + fmt(target) if target else '(extra)'} | " + " | ".join(cells)
              + f" | {fmt(med)} | {fmt(max(p95s))} | {met} |")


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "collect":
        collect(sys.argv[2], *(sys.argv[3:4]))
    elif len(sys.argv) >= 3 and sys.argv[1] == "table":
        table(sys.argv[2:])
    else:
        print(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()
