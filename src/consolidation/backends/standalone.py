"""Compile once, run many: the network as a cached brian2 cpp_standalone project.

The standalone backend builds the same network as the runtime one (:mod:`..model.network`) on
brian2's cpp_standalone device, so that the whole schedule (one run, with the day decay and the
weight snapshots as the network's events) becomes one C++ program. The program is compiled once per
network structure into a cache directory and then run for every (params, seed) with run-time
values only:

- the seed, from the environment variable ``CONSOLIDATION_SEED`` (the program seeds its random
  generators with it): connectivity, initial potentials and all noise;
- every value the network takes from the parameters (:class:`..model.network.Constants`) and the
  control signals (TimedArray values, which carry the memories, stimuli, ripples, ACh and the
  plasticity gates), as brian2's run-time arguments (``run_args``).

The program is generated with zeros in place of all those values, so two cells that differ only
in them generate the same source files. The cache key is a hash of the generated project (every
file but the makefiles, whose paths name the environment) with the compiler, the CPU and
brian2's code-generation preferences; a change of sizes, durations, equations, connection
probabilities or code makes another project (see :mod:`.projects`). What the program computes
from run-time values before it reads them (the initial potentials) it computes again after.

Several cells can run in one process: each starts from a fresh device with brian2's earlier
objects gone, so it generates the same names (hence the same key) as in a fresh process. The
seeds of one grid cell share even the Python build of the network: they differ only in run-time
values.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import brian2 as b2
import numpy as np

from consolidation.backends.base import (
    Backend,
    Finished,
    Plan,
    configure_brian,
    forget_objects,
    plan,
    run_schedule,
)
from consolidation.backends.projects import (
    SEED_VARIABLE,
    ensure_project,
    generated_key,
    results_dir,
    run_project,
)
from consolidation.model.equations import V_INIT
from consolidation.model.network import Model, build_network
from consolidation.model.parameters import Parameters

# Seed every random generator from the environment before anything draws a number.
SEED_GENERATORS = """
{
    const char* _seed = std::getenv("@SEED@");
    if (_seed == NULL)
    {
        std::cerr << "consolidation: @SEED@ is not set" << std::endl;
        return 2;
    }
    for (size_t _i = 0; _i < brian::_random_generators.size(); _i++)
        brian::_random_generators[_i].seed(std::stoul(_seed) + _i);
}
""".replace("@SEED@", SEED_VARIABLE)


def activate(params: Parameters) -> None:
    """A fresh cpp_standalone device (forgetting any earlier cell's network)."""
    device = b2.get_device()
    if isinstance(device, b2.devices.cpp_standalone.device.CPPStandaloneDevice):
        device.reinit()
    forget_objects()
    b2.set_device("cpp_standalone", build_on_run=False)
    configure_brian(params)


def deactivate() -> None:
    """Back to runtime mode, so that later runtime cells in this process are unaffected."""
    b2.get_device().reinit()
    b2.set_device("runtime")
    forget_objects()


class Program:
    """The schedule queued on the device, with zeros for every run-time value."""

    def __init__(self, params: Parameters, cell: Plan):
        device = b2.get_device()
        device.insert_code("main", SEED_GENERATORS)
        self.signals = cell.controls.timed_arrays()
        self.model = build_network(
            params, cell.memories, self.signals, len(cell.phases), placeholders=True
        )
        device.apply_run_args()
        # Computed from run-time values: again, now that the program has read them.
        for group in self.model.groups.values():
            group.v = V_INIT
        run_schedule(self.model, cell)

    def run_args(self, directory: Path, controls) -> list[str]:
        """The run-time arguments of one run: the network's constants and `controls`' signals
        (arrays are written into `directory`, the run's own results directory)."""
        args = []
        for (obj, name), value in self.model.constants.values.items():
            number = np.asarray(value, dtype=obj.variables[name].dtype)
            if number.size != 1:  # an array would go through a file, like the signals
                raise NotImplementedError(f"{obj.name}.{name}: only single values are passed")
            args.append(f"{obj.name}.{name}={number.item()!r}")
        for name, ta in controls.timed_arrays().items():
            built = self.signals[name]
            if ta.values.shape != built.values.shape:
                raise ValueError(
                    f"control signal {name}: {ta.values.shape} values, the program was built "
                    f"for {built.values.shape} (another schedule length)"
                )
            path = directory / f"{ta.name}.dat"
            np.ascontiguousarray(ta.values).tofile(path)
            args.append(f"{ta.name}.values={path}")
        return args


def structure_key(params: Parameters, seed: int = 0) -> str:
    """The cache key of the program for `params` (generates its code, compiles nothing)."""
    cell = plan(params, seed)
    activate(params)
    try:
        Program(params, cell)
        key, _ = generated_key()
        return key
    finally:
        deactivate()


class Standalone(Backend):
    """The seeds of one grid cell through one compiled project.

    The network is built in Python once, for the first seed: seeds differ only in run-time
    values (the seed itself and the control signals, which carry the memories and the night's
    events), so every further seed only runs the binary again. Each dataset is bit-identical to
    the same seed run alone (tests/test_standalone.py).
    """

    def __enter__(self) -> Standalone:
        activate(self.params)
        self.program: Program | None = None
        return self

    def __exit__(self, *exc: object) -> None:
        deactivate()

    def _compiled(self, cell: Plan) -> dict[str, float]:
        """Build and compile (or find) the program on the first cell; its one-off costs."""
        if self.program is not None:
            return {"standalone_setup_s": 0.0, "standalone_compile_s": 0.0}
        start = time.perf_counter()
        self.program = Program(self.params, cell)
        self.key, self.project, compile_s = ensure_project()
        self.position = 0
        setup = time.perf_counter() - start - compile_s
        return {"standalone_setup_s": float(setup), "standalone_compile_s": float(compile_s)}

    @contextlib.contextmanager
    def run(self, seed: int, cell: Plan) -> Iterator[Finished]:
        once = self._compiled(cell)
        results = None
        try:
            results = results_dir(self.project)
            args = self.program.run_args(results, cell.controls)
            run_s = run_project(self.project, seed, results, args)
            model: Model = self.program.model
            model.memories = cell.memories  # the seed's own (the network does not hold them)
            attrs = {"standalone_key": self.key, **once, "standalone_run_s": float(run_s)}
            attrs["standalone_batch_position"] = self.position
            self.position += 1
            yield Finished(model, attrs)
        finally:
            if results is not None:
                shutil.rmtree(results, ignore_errors=True)
