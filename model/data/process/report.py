"""The run's report beside its outputs: report.json for machines, report.md for people, and
quality_hist.png, the distribution of quality scores with the threshold drawn on it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

REPORT_JSON, REPORT_MD, QUALITY_PNG = "report.json", "report.md", "quality_hist.png"


def write_report(report: dict[str, Any], scores: np.ndarray, threshold: float, out: Path) -> None:
    counts, edges = np.histogram(scores, bins=20, range=(0.0, 1.0))
    report["quality_histogram"] = {"edges": edges.round(3).tolist(), "counts": counts.tolist()}
    (out / REPORT_JSON).write_text(json.dumps(report, indent=2) + "\n")
    (out / REPORT_MD).write_text(markdown(report))
    plot_quality(scores, threshold, out / QUALITY_PNG)


def plot_quality(scores: np.ndarray, threshold: float, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4))
    axes.hist(scores, bins=20, range=(0.0, 1.0), color="#4c72b0")
    axes.axvline(threshold, color="#c44e52", linestyle="--", label=f"threshold {threshold:g}")
    axes.set(
        xlabel="quality score (1 = every Gopher rule holds)",
        ylabel="documents",
        title=f"Quality of {len(scores):,} documents in the wanted language",
    )
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def _rate(value: float | None) -> str:
    return f"{value:,.0f}" if value else "-"


def markdown(report: dict[str, Any]) -> str:
    lines = [
        "# Data processing report",
        "",
        f"{report['documents_in']:,} documents in, {report['documents_out']:,} out, "
        f"in {report['seconds']:.1f} s ({_rate(report['documents_per_second'])} documents/s).",
        "",
        "| stage | in | out | dropped | seconds | documents/s |",
        "| --- | ---: | ---: | --- | ---: | ---: |",
    ]
    for stage in report["stages"]:
        dropped = ", ".join(f"{k} {v:,}" for k, v in stage["dropped"].items()) or "-"
        lines.append(
            f"| {stage['name']} | {stage['documents_in']:,} | {stage['documents_out']:,} "
            f"| {dropped} | {stage['seconds']:.2f} | {_rate(stage['documents_per_second'])} |"
        )
    lines += ["", "## Why documents were dropped", "", "| reason | documents |", "| --- | ---: |"]
    lines += [f"| {reason} | {count:,} |" for reason, count in report["dropped"].items()]
    if report["failed_rules"]:
        lines += ["", "Rules broken by the low-quality documents (one may break several):", ""]
        lines += [f"- {rule}: {count:,}" for rule, count in report["failed_rules"].items()]
    lines += ["", "## Splits", "", "| split | documents | by source |", "| --- | ---: | --- |"]
    for name, split in report["splits"].items():
        sources = ", ".join(f"{s} {c:,}" for s, c in split["sources"].items()) or "-"
        lines.append(f"| {name} | {split['documents']:,} | {sources} |")
    languages = ", ".join(f"{k} {v:,}" for k, v in list(report["languages"].items())[:10])
    lines += [
        "",
        f"Languages detected (top 10): {languages or '-'}.",
        f"Near-duplicate clusters (two or more documents): {report['near_duplicate_clusters']:,}.",
        "",
        f"![quality scores]({QUALITY_PNG})",
        "",
        "Settings: `" + json.dumps(report["config"]) + "`",
        "",
    ]
    return "\n".join(lines)
