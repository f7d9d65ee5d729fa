"""The datasets pass the IOOS compliance checker's CF-1.11 test with no error.

Warnings remain for the dotted names (``param.sleep.duration`` attributes, grid-axis dimensions
such as ``sleep.disruption``): they are what users select by (docs/datasets.md).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

CHECKER = Path(sys.executable).with_name("compliance-checker")

pytestmark = pytest.mark.slow


def cf_errors(path: Path, tmp_path: Path) -> list[str]:
    """The checker's high-priority findings (its errors) for one file."""
    report = tmp_path / f"{path.stem}.json"
    proc = subprocess.run(
        [str(CHECKER), "--test=cf:1.11", "--format=json", f"--output={report}", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert report.exists(), proc.stdout + proc.stderr

    result = json.loads(report.read_text())["cf:1.11"]
    return [
        f"{item['name']}: {' '.join(item['msgs'])}"
        for item in result["high_priorities"]
        if item["value"][0] < item["value"][1]
    ]


def test_study_and_cell_datasets_have_no_cf_error(finished, tmp_path):
    workdir, _, _ = finished
    studies = sorted((workdir / "results").glob("*/*.nc"))
    cells = sorted((workdir / "results" / "cells").glob("*/*/seed~*.nc"))[:2]
    assert studies and cells
    for path in [*studies, *cells]:
        assert cf_errors(path, tmp_path) == [], path
