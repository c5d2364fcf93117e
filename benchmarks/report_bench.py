"""How `pycert report` scales: 10k, 100k and 200k export rows, time and peak memory.

    python benchmarks/report_bench.py [--sizes 10000,100000,200000] [--keep DIR]

Each size runs in a fresh child process (so one size's memory does not hide another's):
the child builds the report from a generated Intune export (api columns, UTF-8 with BOM,
one device per row) and writes the CSV and the HTML, like
`pycert report export.csv --csv fleet.csv --html fleet.html`. Reported: wall time of that
work (wall and CPU: other load on the machine shows in wall time), the child's peak RSS (resource.getrusage), and the 200k/100k ratios (linear = ~2).
Generating the export is not timed.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 11, 21, 9, 0, tzinfo=timezone.utc)


def child(size: int, folder: Path) -> dict:
    from pycert.report import run, samples

    export = folder / f"export-{size}.csv"
    samples.write_export(export, samples.fleet(size, NOW, seed=size))
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start, cpu_start = time.perf_counter(), time.process_time()
    run([str(export)], NOW, "table", "ja", str(folder / f"fleet-{size}.html"), str(folder / f"fleet-{size}.csv"))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"rows": size, "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), "peak_rss_mib": round(peak / 1024, 1),
            "rss_before_mib": round(base_rss / 1024, 1), "export_mib": round(export.stat().st_size / 2**20, 1),
            "html_mib": round((folder / f"fleet-{size}.html").stat().st_size / 2**20, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,200000")
    parser.add_argument("--keep", metavar="DIR", help="Keep the generated files in DIR.")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, Path(args.folder))))
        return
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="pycert-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    results = {}
    print(f"{'rows':>8} {'seconds':>8} {'CPU s':>6} {'peak RSS MiB':>13} {'RSS before MiB':>15} {'export MiB':>11} {'HTML MiB':>9}")
    for size in (int(s) for s in args.sizes.split(",")):
        proc = subprocess.run([sys.executable, __file__, "--child", str(size), "--folder", str(folder)],
                              capture_output=True, text=True, cwd=ROOT, check=True)
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        results[size] = r
        print(f"{r['rows']:>8} {r['seconds']:>8} {r['cpu_seconds']:>6} {r['peak_rss_mib']:>13} {r['rss_before_mib']:>15} "
              f"{r['export_mib']:>11} {r['html_mib']:>9}")
    if 100_000 in results and 200_000 in results:
        a, b = results[100_000], results[200_000]
        print(f"ratio 200k/100k: time {b['seconds'] / a['seconds']:.2f}, CPU {b['cpu_seconds'] / a['cpu_seconds']:.2f}, "
              f"peak RSS {b['peak_rss_mib'] / a['peak_rss_mib']:.2f}, "
              f"RSS growth {(b['peak_rss_mib'] - b['rss_before_mib']) / (a['peak_rss_mib'] - a['rss_before_mib']):.2f}")
    if not args.keep:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
