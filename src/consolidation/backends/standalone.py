"""Compile once, run many: the network as a cached brian2 cpp_standalone project.

``simulate(params, seed)`` builds the same network as runtime mode (:mod:`..model.network`)
on brian2's cpp_standalone device, so that the whole schedule (one run per phase and the weight
operations between phases) becomes one C++ program. The program is compiled once per network
structure into a cache directory and then run for every (params, seed) with run-time arguments:

- the seed (``--seed``, read by code inserted into ``main``): connectivity, initial potentials
  and all noise;
- every value Python assigned before the run-time arguments are read (cell and synapse
  constants, static and initial weights, the day-boundary decay), taken from brian2's record of
  those assignments, so a new parameter of the network needs no change here;
- the control signals (TimedArray values), which carry the memories, stimuli, ripples, ACh and
  the plasticity gates.

What the program computes from those values before they are read (the initial potentials) is
computed again after. The weight operations between phases are string assignments the program
runs (``w = w_init + (w - w_init) * day_keep`` at a day boundary) and each phase ends by copying
the weights into a snapshot variable (``w_after_<k>``), from which the weight summaries are made
after the run. Downscaling (a quantile of the weights) is not available here; the parameters
reject it.

The cache key is a hash of everything the generated program is made of (code objects, arrays and
their sizes, the sequence of statements in ``main`` with the values that run-time arguments
override left out, run durations, TimedArray shapes, compiler and its flags, brian2 version,
CPU), so cells that differ only in run-time values share one project, and a change that
alters the program (sizes, durations, equations, connection probabilities, code) compiles a new
one. Projects are compiled under a lock into a temporary directory and renamed into place, so
two jobs never compile the same project at once and a killed compile leaves nothing that looks
complete. Each run writes its results into its own directory, removed after reading.

Several cells can run in one process: each starts from a fresh device with brian2's earlier
objects gone, so it generates the same names (hence the same key) as in a fresh process. The
seeds of one grid cell (:func:`simulate_seeds`) share even the Python build of the network:
they differ only in run-time values.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import json
import shutil
import time
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import brian2 as b2
import numpy as np
from brian2.core.clocks import Clock

from consolidation.backends.base import (
    Backend,
    Finished,
    Phases,
    Plan,
    configure_brian,
    forget_objects,
    plan,
    run_schedule,
)
from consolidation.backends.projects import compiler_identity, ensure_project, run_project
from consolidation.model import measure
from consolidation.model.network import (
    HPC_PATHWAYS,
    V_INIT,
    Model,
    build_network,
    initial_weight,
)
from consolidation.model.parameters import Parameters

# Variables the standalone program needs beyond the runtime equations.
PLASTIC_EXTRA = """
w_init : volt (shared, constant)  # initial weight; a day boundary decays learned weight to it
day_keep : 1 (shared, constant)   # fraction of learned weight kept at a day boundary
"""
SNAPSHOT = "w_after_{k} : volt  # the weight at the end of phase {k}\n"
DAY_DECAY = "w_init + (w - w_init) * day_keep"

# Read the seed from the command line before brian2 reads the run-time arguments.
SEED_ARGUMENT = """
unsigned long _consolidation_seed = 0;
{
    bool _found = false;
    for (size_t _k = 0; _k + 1 < args.size(); _k++)
    {
        if (args[_k] == "--seed")
        {
            _consolidation_seed = std::stoul(args[_k + 1]);
            args.erase(args.begin() + _k, args.begin() + _k + 2);
            _found = true;
            break;
        }
    }
    if (!_found)
    {
        std::cerr << "consolidation: missing --seed <n> argument" << std::endl;
        return 2;
    }
}
"""
SEED_GENERATORS = """
for (size_t _i = 0; _i < brian::_random_generators.size(); _i++)
    brian::_random_generators[_i].seed(_consolidation_seed + _i);
"""


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


class Between(Phases):
    """The weight changes between phases as statements the compiled program runs."""

    def __init__(self, model: Model):
        self.syn = model.plastic

    def day(self) -> None:
        for name in HPC_PATHWAYS:
            self.syn[name].w = DAY_DECAY

    def downscale(self) -> None:
        raise NotImplementedError("sleep.downscale needs simulation.device: runtime")

    def snapshot(self, k: int) -> None:
        for s in self.syn.values():
            setattr(s, f"w_after_{k}", "w")


class Program:
    """The schedule queued on the device: network, run-time arguments, phase snapshots."""

    def __init__(self, params: Parameters, cell: Plan):
        device = b2.get_device()
        self.p, self.phases = params, cell.phases
        device.insert_code("before_start", SEED_ARGUMENT)
        device.insert_code("main", SEED_GENERATORS)
        self.signals = cell.controls.timed_arrays()
        extra = PLASTIC_EXTRA + "".join(SNAPSHOT.format(k=k) for k in range(len(cell.phases)))
        self.model = build_network(params, cell.memories, self.signals, extra)
        for name, syn in self.model.plastic.items():
            syn.w_init = initial_weight(params, name)
            syn.day_keep = 1 - params["day.hpc_decay"]
        self.n_set = len(device.main_queue)  # Python's assignments so far become run_args
        device.apply_run_args()
        # Computed from run-time values: again, now that the program has read them.
        for group in self.model.groups.values():
            group.v = V_INIT
        run_schedule(self.model, params, cell, Between(self.model))

    # --- run-time arguments ------------------------------------------------------------------
    def assigned(self) -> dict[str, tuple]:
        """Array name -> (variable, value) for every value Python assigned before the program
        reads its run-time arguments (the last assignment wins)."""
        device = b2.get_device()
        by_name = {device.get_array_name(v, access_data=False): v for v in device.arrays}
        out: dict[str, tuple] = {}
        for func, args in device.main_queue[: self.n_set]:
            if not func.startswith("set_"):
                continue
            var = by_name[args[0]]
            if isinstance(var.owner, Clock):
                continue  # the time step: part of the structure
            if func == "set_by_constant":  # one value for every element
                out[args[0]] = (var, np.asarray(args[1], dtype=var.dtype))
                continue
            value = None
            if func == "set_by_single_value" and var.size == 1:
                value = _literal(args[2])
            elif func == "set_by_array" and not var.dynamic:
                value = device.static_arrays[args[1]]
            if value is None:
                raise NotImplementedError(
                    f"{var.owner.name}.{var.name}: cpp_standalone can pass only values known "
                    "in Python as run-time arguments; assign it a single value or a string"
                )
            out[args[0]] = (var, np.asarray(value, dtype=var.dtype).copy())
        return out

    def run_args(self, seed: int, directory: Path, controls=None) -> list[str]:
        """The command line of one run: the seed, assigned values, control signals (arrays are
        written into `directory`, the run's own results directory).

        `controls`: another seed's control signals for the same program (default: the ones it
        was built with); a batch of seeds builds the program once and runs it with each.
        """
        args = ["--seed", str(int(seed))]
        if controls is None:
            values = {name: np.asarray(ta.values) for name, ta in self.signals.items()}
        else:
            values = signal_values(controls)
            for name, ta in self.signals.items():
                if values[name].shape != np.shape(ta.values):
                    raise ValueError(
                        f"control signal {name}: {values[name].shape} values, the program "
                        f"was built for {np.shape(ta.values)} (another schedule length)"
                    )

        def array_file(name: str, values: np.ndarray) -> str:
            path = directory / f"arg_{name}.dat"
            np.ascontiguousarray(values).tofile(path)
            return str(path)

        for array_name, (var, value) in self.assigned().items():
            name = f"{var.owner.name}.{var.name}"
            if value.size == 1:
                args.append(f"{name}={value.item()!r}")
            else:
                if value.shape != (var.size,):
                    raise ValueError(f"{name}: {value.shape} values for {var.size} elements")
                args.append(f"{name}={array_file(array_name, value)}")
        for name, ta in self.signals.items():
            args.append(f"{ta.name}.values={array_file(ta.name, values[name])}")
        return args

    # --- structure key -----------------------------------------------------------------------
    def structure(self) -> dict:
        """Everything the generated program is made of, with run-time values left out."""
        device = b2.get_device()
        masked = set(self.assigned())
        queue = []
        for n, (func, args) in enumerate(device.main_queue):
            if func == "run_network":
                queue.append((func, args[1]))
            elif func.endswith("code_object"):
                queue.append((func, args[0].name))
            elif func.startswith("set_") and n < self.n_set and args[0] in masked:
                queue.append((func, args[0]))
            elif func == "set_by_array":
                queue.append((func, args, device.static_arrays[args[1]].tolist()))
            elif func == "seed":
                raise AssertionError("a compiled-in seed would make the seed structure")
            else:
                queue.append((func, repr(args)))
        code = {}
        for name, obj in sorted(device.code_objects.items()):
            blocks = [obj.code.cpp_file, obj.code.h_file]
            for block in obj.before_after_blocks:
                blocks += [getattr(obj.code, f"{block}_cpp_file")]
            code[name] = hashlib.sha256("\n".join(map(str, blocks)).encode()).hexdigest()
        return {
            "brian2": version("brian2"),
            "compiler": compiler_identity(),
            "prefs": {
                k: repr(b2.prefs[k])
                for k in b2.prefs
                if k.startswith(("codegen.cpp.", "devices.cpp_standalone.", "core.default_float"))
                and k != "devices.cpp_standalone.run_cmd_unix"
            },
            "dt": repr(float(b2.defaultclock.dt)),
            "code_objects": code,
            "code_lines": {k: list(v) for k, v in device.code_lines.items()},
            "arrays": sorted(
                (name, str(var.dtype), None if var.dynamic else var.size, var.read_only)
                for var, name in device.arrays.items()
            ),
            "timed_arrays": sorted(
                (name, list(ta.values.shape), str(ta.values.dtype), repr(float(ta.dt)))
                for ta, name in device.timed_arrays.items()
            ),
            "main": queue,
        }

    def key(self) -> str:
        text = json.dumps(self.structure(), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:20]


def signal_values(controls) -> dict[str, np.ndarray]:
    """The control signals' values in SI units as the program reads them, by equation name."""
    return {name: np.asarray(ta.values) for name, ta in controls.timed_arrays().items()}


def _literal(text: str) -> float:
    """A number as brian2 renders it into C++ ('- 0.065', 'true', '- INFINITY'): exact, since
    brian2 renders the number's repr."""
    words = {"INFINITY": "1e999", "true": "True", "false": "False"}
    return float(ast.literal_eval(" ".join(words.get(w, w) for w in text.split())))


def structure_key(params: Parameters, seed: int = 0) -> str:
    """The cache key of the program for `params` (queues the program, compiles nothing)."""
    cell = plan(params, seed)
    activate(params)
    try:
        return Program(params, cell).key()
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
        self.key = self.program.key()
        self.project, compile_s = ensure_project(self.program, self.key)
        self.position = 0
        setup = time.perf_counter() - start - compile_s
        return {"standalone_setup_s": float(setup), "standalone_compile_s": float(compile_s)}

    @contextlib.contextmanager
    def run(self, seed: int, cell: Plan) -> Iterator[Finished]:
        once = self._compiled(cell)
        results = None
        try:
            results, run_s = run_project(self.program, self.project, seed, cell.controls)
            model: Model = self.program.model
            model.memories = cell.memories  # the seed's own (the network does not hold them)
            record = cell.controls.record
            record.weights = [
                measure.weight_summary(model, f"w_after_{k}") for k in range(len(cell.phases))
            ]
            attrs = {"standalone_key": self.key, **once, "standalone_run_s": float(run_s)}
            attrs["standalone_batch_position"] = self.position
            self.position += 1
            yield Finished(model, record, attrs)
        finally:
            if results is not None:
                shutil.rmtree(results, ignore_errors=True)
