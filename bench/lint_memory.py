"""Peak memory and time of `cfbops --headless lint` on one large migration file.

Writes a file of --mb megabytes (default 10) made of the project's own migrations repeated
with renamed objects — tables, indexes, foreign keys, functions with `;` inside dollar
quotes, strings and comments — then lints it in a subprocess, --repeat times. Prints the
peak resident set size (the child's ru_maxrss) and wall seconds of each run, their
medians, and the violations found. Target: ≤ 200 MB for a 10 MB file.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cfbops.config import default_sql_dir


def build_file(path: Path, megabytes: float) -> int:
    """Repeat the project's migrations (renamed per copy) up to `megabytes`; copies made."""
    sources = sorted((default_sql_dir() / "migrations").glob("V*.sql"))
    block = "\n".join(p.read_text(encoding="utf-8") for p in sources)
    target = int(megabytes * 1024 * 1024)
    copies = 0
    with path.open("w", encoding="utf-8") as out:
        written = 0
        while written < target:
            copies += 1
            # Distinct schema names per copy, so no copy's objects are "new" to the next.
            text = re.sub(r"\b(ops|core|ref|stats|nfl)\.", rf"\1_{copies}.", block)
            out.write(f"-- copy {copies}\n{text}\n")
            written += len(text.encode()) + 16
    return copies


def lint_once(path: Path) -> tuple[float, float, int, int]:
    """Seconds, peak RSS in MB, exit code and violations of one lint subprocess."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "cfbops", "--headless", "lint", str(path), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if peak_kb <= before:
        print("  (peak not above an earlier run's; figure is a lower bound)", file=sys.stderr)
    try:
        violations = len(json.loads(result.stdout)["violations"])
    except (json.JSONDecodeError, KeyError):
        print(result.stderr, file=sys.stderr)
        violations = -1
    return seconds, peak_kb / 1024, result.returncode, violations


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=10.0, help="file size in MB (default 10)")
    parser.add_argument("--repeat", type=int, default=3, help="runs (default 3)")
    args = parser.parse_args()
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}")
    with tempfile.TemporaryDirectory(prefix="cfbops-lint-bench-") as scratch:
        path = Path(scratch) / "V9999__big.sql"
        copies = build_file(path, args.mb)
        size_mb = path.stat().st_size / 1024 / 1024
        print(f"file: {size_mb:.1f} MB, {copies} copies of the project's migrations")
        # ru_maxrss of RUSAGE_CHILDREN is the largest child so far, so each run is measured
        # from an interpreter of its own (`--one`), whose only child is that lint.
        runs = []
        for index in range(args.repeat):
            probe = subprocess.run(
                [sys.executable, __file__, "--one", str(path)],
                capture_output=True,
                text=True,
                check=False,
            )
            seconds, peak_mb, code, violations = json.loads(probe.stdout)
            runs.append((seconds, peak_mb))
            print(
                f"run {index + 1}: {seconds:6.2f} s  peak RSS {peak_mb:7.1f} MB  "
                f"exit {code}  {violations} violations"
            )
        print(
            f"median: {statistics.median(s for s, _ in runs):.2f} s, "
            f"peak RSS {statistics.median(m for _, m in runs):.1f} MB "
            f"(max {max(m for _, m in runs):.1f} MB; target ≤ 200 MB for 10 MB)"
        )
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(lint_once(Path(sys.argv[2]))))
        sys.exit(0)
    sys.exit(main())
