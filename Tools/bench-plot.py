#!/usr/bin/python3
"""Plots `make bench` results (build/bench/results.json) with matplotlib.

Usage: bench-plot.py RESULTS.json OUTPUT_DIR

Writes OUTPUT_DIR/bench-ratios.png (for each metric, how many times better Skiff or Linux is,
on a log scale) and OUTPUT_DIR/bench-boot.png (every run's boot time to first output, host
clock, per system).
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(results_path, output):
    with open(results_path) as f:
        record = json.load(f)
    context, rows = record["context"], record["rows"]
    subtitle = "{machine}, {cpus} vCPUs, {memoryMiB} MiB, {accelerator}, median of {runs} runs".format(**context)

    # Skiff's advantage: >1 means Skiff is better by that factor, <1 that Linux is.
    shown = [r for r in rows if r.get("skiff") and r.get("linux")]
    labels, factors = [], []
    for r in shown:
        ratio = r["skiff"] / r["linux"]
        factors.append(1 / ratio if r["lowerIsBetter"] else ratio)
        labels.append("{} ({})".format(r["title"], r["unit"]))
    missing = [r["title"] for r in rows if not (r.get("skiff") and r.get("linux"))]

    fig, ax = plt.subplots(figsize=(9, 0.45 * len(shown) + 1.8))
    colors = ["#2a7ab9" if f >= 1 else "#c8553d" for f in factors]
    ax.barh(range(len(shown)), [f - 1 for f in factors], color=colors, left=1)
    ax.set_xscale("log")
    ax.axvline(1, color="black", linewidth=0.8)
    ax.set_yticks(range(len(shown)))
    ax.set_yticklabels(labels)
    ax.invert_yaxis()
    for i, f in enumerate(factors):
        text = "Skiff {:.3g}×".format(f) if f >= 1 else "Linux {:.3g}×".format(1 / f)
        ax.text(f * (1.08 if f >= 1 else 0.92), i, text, va="center", ha="left" if f >= 1 else "right", fontsize=8)
    low, high = min(factors + [1]), max(factors + [1])
    ax.set_xlim(low / 4, high * 4)
    ax.set_xlabel("times better (right: Skiff, left: Linux; log scale)")
    title = "Skiff beside Linux — " + subtitle
    if missing:
        title += "\nnot compared (n/a): " + ", ".join(missing)
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(output + "/bench-ratios.png", dpi=110)

    boot = next(r for r in rows if r["id"] == "boot-host")
    fig, ax = plt.subplots(figsize=(6, 3.2))
    for i, (name, key) in enumerate([("Skiff", "skiffSamples"), ("Linux", "linuxSamples")]):
        samples = boot[key]
        ax.scatter(samples, [i] * len(samples), s=30, alpha=0.7)
        if samples:
            median = sorted(samples)[len(samples) // 2]
            ax.text(median, i + 0.2, "{:.0f} ms".format(median), ha="center", fontsize=8)
    ax.set_xscale("log")
    ax.set_yticks([0, 1])
    ax.set_yticklabels(["Skiff", "Linux"])
    ax.set_ylim(-0.5, 1.6)
    ax.set_xlabel("QEMU start to first line of the application (ms, host clock, log scale)")
    ax.set_title("Boot to first output, every run — " + context["accelerator"], fontsize=10)
    fig.tight_layout()
    fig.savefig(output + "/bench-boot.png", dpi=110)
    print("bench: plots in {0}/bench-ratios.png and {0}/bench-boot.png".format(output))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
