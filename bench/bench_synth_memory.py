"""Show that `generate_force` streams: speed and peak memory at 100k incidents and at N.

    .venv/bin/python bench/bench_synth_memory.py [N] [--seed S]

Each size runs in a fresh interpreter (peak RSS from resource.getrusage is per process), writing
to a temporary directory that is removed afterwards. Bounded memory shows as a peak RSS at N close
to the peak at 100k.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run_one(incidents: int, seed: int) -> dict[str, float]:
    from threadline.synth import generate_force

    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        cpu = time.process_time()
        summary = generate_force(Path(folder), incidents, seed)
        wall = time.perf_counter() - start
        cpu = time.process_time() - cpu
        size = sum(p.stat().st_size for p in Path(folder).iterdir())
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "incidents": summary.incidents,
        "crimes": summary.crimes,
        "mentions": summary.mentions,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "incidents_per_s": round(incidents / wall),
        "incidents_per_cpu_s": round(incidents / cpu),
        "peak_rss_mib": round(peak_kib / 1024, 1),
        "output_mib": round(size / 2**20, 1),
    }


def measure(incidents: int, seed: int) -> dict[str, float]:
    """Run one size in a child interpreter so that its peak RSS is its own."""
    child = subprocess.run(
        [sys.executable, __file__, str(incidents), "--seed", str(seed), "--single"],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(child.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("incidents", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--single", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.single:
        print(json.dumps(run_one(args.incidents, args.seed)))
        return
    for size in (100_000, args.incidents):
        r = measure(size, args.seed)
        print(
            f"N={r['incidents']:>9,}  {r['incidents_per_s']:>7,} incidents/s "
            f"({r['incidents_per_cpu_s']:,}/s of CPU)  wall {r['wall_s']} s  "
            f"peak RSS {r['peak_rss_mib']} MiB  output {r['output_mib']} MiB  "
            f"crimes {r['crimes']:,}  mentions {r['mentions']:,}"
        )


if __name__ == "__main__":
    main()
