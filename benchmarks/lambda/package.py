"""The Lambda zip before and after, side by side in one run: sizes and cold import times.

    .venv/bin/python benchmarks/lambda/package.py --baseline /path/to/baseline/checkout

Builds the zip with this tree's platform/lambda_build/build.py and with the baseline checkout's
(each from its own source tree, dependencies from pip for Lambda's platform), unpacks both, and
times each handler's cold import in a fresh interpreter that sees only the unpacked zip and the
standard library (`-S -I`, bytecode writing off as on Lambda's read-only /var/task). Rounds
interleave the two packages; medians and the range are reported. Appends a table to RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

# Run as a script from the repository root: the shared benchmark helpers live beside it.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from benchmarks.machine import describe as describe_machine

ROOT = Path(__file__).resolve().parents[2]
RESULTS = Path(__file__).with_name("RESULTS.md")
FUNCTIONS = ("email_api", "email_sender", "ses_notifications", "feedback_api")
PROBE = (
    "import sys, time; sys.path.insert(0, sys.argv[1]); t = time.perf_counter();"
    " __import__('entrypoints.lambdas.' + sys.argv[2]); print(time.perf_counter() - t)"
)


def build(tree: Path, out: Path) -> Path:
    print(f"building the zip from {tree} ...", file=sys.stderr, flush=True)
    subprocess.run(
        [
            sys.executable,
            str(tree / "platform/lambda_build/build.py"),
            "--source",
            str(tree),
            "--out",
            str(out),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return out / "refocused-lambdas.zip"


def sizes(package: Path, unpacked: Path) -> dict[str, float]:
    with zipfile.ZipFile(package) as archive:
        archive.extractall(unpacked)
        infos = archive.infolist()
    return {
        "zipped_mb": package.stat().st_size / 1e6,
        "unzipped_mb": sum(i.file_size for i in infos) / 1e6,
        "files": len(infos),
        "pyc": sum(i.filename.endswith(".pyc") for i in infos),
    }


def cold_import(unpacked: Path, function: str) -> float:
    completed = subprocess.run(
        [sys.executable, "-S", "-I", "-c", PROBE, str(unpacked), function],
        capture_output=True,
        text=True,
        env={"PYTHONDONTWRITEBYTECODE": "1", "PATH": os.environ.get("PATH", "")},
        check=True,
    )
    return float(completed.stdout) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", type=Path, required=True, help="a checkout to compare with")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    trees = {"baseline": args.baseline.resolve(), "this tree": ROOT}
    with tempfile.TemporaryDirectory(prefix="lambda-bench-") as temporary:
        work = Path(temporary)
        facts, dirs = {}, {}
        for label, tree in trees.items():
            slug = label.replace(" ", "-")
            package = build(tree, work / slug / "out")
            dirs[label] = work / slug / "task"
            facts[label] = sizes(package, dirs[label])
        times: dict[tuple[str, str], list[float]] = {}
        for round_number in range(args.rounds):
            print(f"round {round_number + 1}/{args.rounds}", file=sys.stderr, flush=True)
            for function in FUNCTIONS:
                for label in trees:
                    times.setdefault((label, function), []).append(
                        cold_import(dirs[label], function)
                    )
    machine = describe_machine()
    lines = [
        f"\n## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, baseline {args.baseline}, "
        f"median of {args.rounds} interleaved rounds, {machine}\n",
        "| package | zipped MB | unzipped MB | files | .pyc files |",
        "| --- | --- | --- | --- | --- |",
    ]
    for label, f in facts.items():
        lines.append(
            f"| {label} | {f['zipped_mb']:.1f} | {f['unzipped_mb']:.1f} | {f['files']:,} "
            f"| {f['pyc']:,} |"
        )
    lines += [
        "",
        "| handler | cold import, baseline ms | this tree ms | this / baseline |",
        "| --- | --- | --- | --- |",
    ]
    for function in FUNCTIONS:
        before = times[("baseline", function)]
        after = times[("this tree", function)]
        lines.append(
            f"| {function} | {_spread(before)} | {_spread(after)} "
            f"| {statistics.median(after) / statistics.median(before):.2f} |"
        )
    table = "\n".join(lines) + "\n"
    print(table)
    print(json.dumps({k: v for k, v in facts.items()}), file=sys.stderr)
    with RESULTS.open("a") as results:
        results.write(table)


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.0f} ({min(values):.0f}-{max(values):.0f})"


if __name__ == "__main__":
    main()
