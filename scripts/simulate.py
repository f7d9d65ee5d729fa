"""Snakemake entry point of rules simulate, simulate_window, simulate_working_memory,
simulate_batch and simulate_cells: one grid cell and seed -> one netCDF file (params.kind: the
network through its schedule; for an STDP-window study, the window of one synapse,
backends.stdp_window; for a working-memory study, the working-memory network,
backends.working_memory). A simulate_batch job runs several seeds of one grid cell in this one
process (params.seeds, params.files), a simulate_cells job several cells and seeds
(params.units), writing each seed's file as soon as it is done; a batch skips a seed whose file
is already there and was made with this cell's parameters (a batch that failed or was killed
before), and writes, last, the summaries of all its cells in one file (what collect reads:
consolidation.results.batch_file) and its marker (per unit its cell, seed, file,
parameters, wall time and whether it was kept).

The job's ``mem_mb`` and ``runtime`` resources are enforced here, also when it runs locally: a
watchdog thread stops the simulation when its resident memory passes ``mem_mb`` or when it runs
longer than ``runtime`` minutes, with a message that says which limit and how to raise it (and
ends the process if brian2's compiled code does not give the main thread back within seconds).
The output is written atomically (a temporary file renamed into place), so a job that is stopped
or killed never leaves a file that looks complete.
"""

import contextlib
import json
import os
import signal
import sys
import threading
import time

import xarray as xr

from consolidation import simulate_seeds
from consolidation.backends.driver import KIND_RUNNERS
from consolidation.results.batch_file import write_summaries
from consolidation.results.cells import CellFileError, read_cell
from consolidation.results.io import write_netcdf, write_text
from consolidation.results.summary import stack_seeds, summarize_cell

PAGE = os.sysconf("SC_PAGE_SIZE")
# How long a limit waits for the main thread to stop by itself before the process is ended.
STUCK_GRACE_S = 10.0


class ResourceExceeded(RuntimeError):
    """The job went over one of its declared resources."""


def resident_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE / 2**20


@contextlib.contextmanager
def limits(mem_mb: float | None, runtime_min: float | None, what: str):
    """Raise ResourceExceeded in the main thread when memory or time go over the resources.

    Yields the list of limits that fired: brian2 may wrap the exception in its own, so the
    caller checks the list rather than the exception type. A signal only lands when the main
    thread is back in Python, and a brian2 run can stay in compiled code for minutes: if the
    main thread has not stopped STUCK_GRACE_S after a limit fired, the process is ended.
    """
    reason: list[str] = []
    done = threading.Event()
    deadline = time.monotonic() + float(runtime_min) * 60 if runtime_min else None

    def stop(signum, frame):
        raise ResourceExceeded(reason[0] if reason else f"{what}: stopped")

    def over() -> str | None:
        rss = resident_mb()
        if mem_mb and rss > mem_mb:
            return (
                f"{what}: exceeded its memory resource: resident memory {rss:.0f} MB > "
                f"mem_mb {mem_mb:g} MB (raise resources.simulate.mem_mb in the config)"
            )
        if deadline and time.monotonic() > deadline:
            return (
                f"{what}: exceeded its runtime resource: still running after "
                f"{float(runtime_min) * 60:.0f} s (runtime {runtime_min:g} min; raise "
                "resources.simulate.runtime in the config)"
            )
        return None

    lock = threading.Lock()  # no signal is sent once the main thread has left the limits

    def send() -> bool:
        with lock:
            if done.is_set():
                return False
            signal.pthread_kill(threading.main_thread().ident, signal.SIGUSR1)
            return True

    def watch():
        while not done.wait(0.2):
            if message := over():
                break
        else:
            return
        reason.append(message)
        give_up = time.monotonic() + STUCK_GRACE_S
        while time.monotonic() < give_up:
            # Again until it stops: an exception raised while Python runs a finaliser (brian2
            # and gc run many) is printed and dropped, and that signal is lost.
            if not send() or done.wait(0.5):
                return
        print(message, flush=True)
        print(message, file=sys.__stderr__, flush=True)
        os._exit(1)

    old = signal.getsignal(signal.SIGUSR1)
    signal.signal(signal.SIGUSR1, stop)
    if mem_mb or runtime_min:
        threading.Thread(target=watch, daemon=True).start()
    try:
        yield reason
    except MemoryError:
        reason.insert(0, f"{what}: ran out of memory (mem_mb {mem_mb})")
        raise ResourceExceeded(reason[0]) from None
    finally:
        with lock:
            done.set()
            signal.signal(signal.SIGUSR1, old)


def groups(smk) -> list[tuple[str, dict, dict[int, str]]]:
    """What the job simulates: (cell key, overrides, seed -> file) per cell, in order."""
    units = getattr(smk.params, "units", None)  # rule simulate_cells: several cells
    if units is not None:
        out: dict[str, tuple[str, dict, dict[int, str]]] = {}
        for u in units:
            _, _, files = out.setdefault(u["cell"], (u["cell"], dict(u["overrides"]), {}))
            files[u["seed"]] = u["file"]
        return list(out.values())
    overrides = dict(smk.params.overrides)
    if hasattr(smk.params, "seeds"):  # rule simulate_batch: seeds of one cell
        files = dict(zip(smk.params.seeds, smk.params.files, strict=True))
    else:
        files = {int(smk.wildcards.seed): smk.output[0]}
    return [(smk.wildcards.cell, overrides, files)]


def main(smk) -> None:
    jobs = groups(smk)
    # a batch (simulate_batch, simulate_cells) keeps finished seeds and writes a marker
    marked = smk.output[0].endswith(".done")
    count = sum(len(files) for _, _, files in jobs)
    what = f"simulate {smk.params.kind} {count} cell(s) of {', '.join(k for k, _, _ in jobs)}"
    resources = smk.resources
    mem_mb = getattr(resources, "mem_mb", None)
    runtime = getattr(resources, "runtime", None)
    with (
        open(smk.log[0], "w") as log,
        contextlib.redirect_stdout(log),
        contextlib.redirect_stderr(log),
    ):
        print(f"limits: mem_mb {mem_mb}, runtime {runtime} min", flush=True)
        start = time.perf_counter()
        fired: list[str] = []
        marker: list[dict] = []
        summaries: dict[str, xr.Dataset] = {}
        try:
            with limits(mem_mb, runtime, what) as fired:
                for key, overrides, files in jobs:
                    print(f"cell {key}, seeds {', '.join(map(str, files))}: {overrides}")
                    entries, summaries[key] = simulate_cell(smk, key, overrides, files, marked)
                    marker += entries
        except Exception:
            if not fired:
                raise
            print(f"{fired[0]} (after {time.perf_counter() - start:.1f} s)", flush=True)
            print(fired[0], file=sys.__stderr__, flush=True)
            sys.exit(1)
        if marked:
            write_summaries(smk.output.summaries, summaries)
            write_text(smk.output.marker, json.dumps({"units": marker}, indent=1) + "\n")


def simulate_cell(
    smk, key: str, overrides: dict, files: dict[int, str], skip: bool
) -> tuple[list, xr.Dataset]:
    """Simulate the seeds of one cell whose file is not done (all if not `skip`), writing each
    as soon as it is done; returns each seed's marker entry (its wall time, or kept) and the
    seeds' summaries (stack_seeds)."""
    kept = {s: done(files[s], s, smk, overrides) for s in files} if skip else {}
    todo = [s for s in files if kept.get(s) is None]
    if smk.params.kind in KIND_RUNNERS:
        run = KIND_RUNNERS[smk.params.kind]
        datasets = (run(overrides, seed) for seed in todo)
    else:
        datasets = simulate_seeds(overrides, todo) if todo else []
    seconds = {}
    for seed, ds in zip(todo, datasets, strict=True):
        ds.attrs["cell"] = key
        write_netcdf(ds, files[seed])
        report(seed, ds)
        seconds[seed] = float(ds.attrs["wall_time_s"])
        kept[seed] = summarize_cell(ds).assign_attrs(ds.attrs)  # a summary, not the rasters
    entries = [
        {"cell": key, "seed": s, "file": f, "overrides": overrides}
        | {"seconds": seconds.get(s), "kept": s not in todo}
        for s, f in files.items()
    ]
    return entries, stack_seeds([kept[s] for s in files])


def done(path: str, seed: int, smk, overrides: dict) -> xr.Dataset | None:
    """The summary of a batch's seed whose cell file is there and belongs to this cell
    (collect's own check), else None."""
    if not os.path.exists(path):
        return None
    study = {"kind": smk.params.kind, "fixed": overrides}
    try:
        summary = read_cell(path, {}, seed, study)
    except CellFileError as err:
        print(f"seed {seed}: simulated again: {err}")
        return None
    print(f"seed {seed}: kept {path} (made before, with this cell's parameters)")
    return summary


def report(seed: int, ds) -> None:
    print(f"seed {seed}: wall time {ds.attrs['wall_time_s']:.1f} s", flush=True)
    if int(ds.get("runaway", 0)) or int(ds.get("non_finite", 0)):
        print("flagged: runaway activity or NaN/infinite state (see the dataset's flags)")


main(snakemake)  # noqa: F821 (the script directive defines `snakemake`)
