"""Write the reference datasets of the driver test (tests/test_driver.py).

Run from the repository with the project's venv: ``.venv/bin/python tests/data/reference/make.py``.
The references' numbers were last changed when cortical learning lost its planned windows; they
were re-made, every earlier value unchanged, when the datasets gained ``wm_held`` and
``swr_cortex_lead``. The test checks every later version of the code against them, bit for
bit, for each backend. Re-make them only for a change that is meant to change the numbers,
and say so in the commit. A
parameter that is removed is deleted from their attributes, their data untouched (so far
``sleep.downscale`` and ``sleep.downscale_spare``, when homeostasis became part of the rule).
"""

from __future__ import annotations

import sys
from pathlib import Path

from consolidation import simulate
from consolidation.results.io import write_netcdf

HERE = Path(__file__).resolve().parent
SEED = 7
# Encode, a day boundary, a night with ripples, a test: every part of the phase loop.
CELL = {
    "network.scale": 0.2,
    "test.gap": 100.0,  # the default when the references were made
    "schedule.phases": [
        {"phase": "encode"},
        {"phase": "day"},
        {"phase": "offline", "duration": 1.0},
        {"phase": "test", "label": "post"},
    ],
}
DEVICES = ("runtime", "cpp_standalone")

if __name__ == "__main__":
    for device in sys.argv[1:] or DEVICES:
        ds = simulate({**CELL, "simulation.device": device}, SEED)
        write_netcdf(ds, HERE / f"{device}.nc")
        print(device, dict(ds.sizes))
