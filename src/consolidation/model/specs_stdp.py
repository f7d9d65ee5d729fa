"""The spike-pair protocol of STDP-window studies (``stdp.*`` keys of kind ``stdp_window``;
:mod:`consolidation.model.stdp`), part of the one table in :mod:`.specs`."""

from __future__ import annotations

from consolidation.model.spec import Spec
from consolidation.model.spec import spec as _s

SPECS_STDP: dict[str, Spec] = {
    "stdp.pathway": _s(
        "cortex",
        "STDP-window studies: the pathway whose plastic synapse (and <pathway>.rule) is probed",
        choices=("cortex", "hippocampus", "projection"),
    ),
    "stdp.offsets": _s(
        [-100.0, -80.0, -60.0, -40.0, -30.0, -20.0, -10.0, -5.0]
        + [5.0, 10.0, 20.0, 30.0, 40.0, 60.0, 80.0, 100.0],
        "STDP-window studies: spike-pair offsets t_post - t_pre (> 0: pre before post)",
        "ms",
        kind=list,
    ),
    "stdp.pairs": _s(
        60,
        "STDP-window studies: spike pairs per offset (Bi & Poo 1998: 60 at 1 Hz)",
        low=1,
        high=10_000,
    ),
    "stdp.jitter": _s(
        2.0,
        "STDP-window studies: SD of each spike's time around its nominal time (latency jitter)",
        "ms",
        low=0.0,
        high=20.0,
    ),
}
