"""What each study's program costs to compile when the studies come one after another.

The first cell (seed 0) of each network study of a config runs on the compiled device in this
one process, in config order, against the compile cache of ``CONSOLIDATION_CACHE`` (give it an
empty directory to start from nothing). Per study: the files make compiled (from the
project's ``compile.log``), the project it was built on, and the compile, Python build and
binary seconds. Usage (docs/performance.md, "Another schedule, the same network")::

    CONSOLIDATION_CACHE=$(mktemp -d) .venv/bin/python benchmarks/compile_sequence.py \\
        [--config config/config.yaml] [--studies sleep_vs_wake ribot ...]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import yaml

from consolidation import simulate
from consolidation.backends.projects import cache_dir
from consolidation.studies.grid import load_studies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="config/config.yaml")
    parser.add_argument("--studies", nargs="*", help="default: every network study")
    args = parser.parse_args()
    studies = load_studies(yaml.safe_load(Path(args.config).read_text()))
    names = args.studies or [n for n, s in studies.items() if s.kind == "network"]
    for name in names:
        cell = studies[name].cells[0]
        start = time.perf_counter()
        ds = simulate({**cell.overrides, "simulation.device": "cpp_standalone"}, 0)
        project = cache_dir() / ds.attrs["standalone_key"]
        compiled = ds.attrs["standalone_compile_s"] > 0
        log = (project / "compile.log").read_text().splitlines() if compiled else []
        row = {
            "study": name,
            "files_compiled": sum(" -c " in line for line in log),
            "built_on": json.loads((project / "structure.json").read_text())["built_on"],
            **{k: round(ds.attrs[f"standalone_{k}"], 2) for k in ("compile_s", "setup_s", "run_s")},
            "wall_s": round(time.perf_counter() - start, 1),
        }
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
