"""Snakemake entry point of rules simulate, simulate_seeds_* and simulate_window: one grid cell
and seed -> one netCDF file (the network through its schedule; or, for simulate_window, the STDP
window of one synapse, backends.stdp_window); a simulate_seeds_* job runs several seeds of one grid
cell in this one process, writing each seed's file as soon as it is done.

The job's ``mem_mb`` and ``runtime`` resources are enforced here, also when it runs locally: a
watchdog thread stops the simulation when its resident memory passes ``mem_mb`` or when it runs
longer than ``runtime`` minutes, with a message that says which limit and how to raise it (and
ends the process if brian2's compiled code does not give the main thread back within seconds).
The output is written atomically (a temporary file renamed into place), so a job that is stopped
or killed never leaves a file that looks complete.
"""

import contextlib
import os
import signal
import sys
import threading
import time

from consolidation import simulate_seeds
from consolidation.backends.stdp_window import simulate_window
from consolidation.results.io import write_netcdf

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


def main(smk) -> None:
    # A batch rule (simulate_seeds_*) runs several seeds of one grid cell, one output each.
    seeds = list(getattr(smk.params, "seeds", None) or [int(smk.wildcards.seed)])
    outputs = dict(zip(seeds, smk.output, strict=True))
    which = f"seed {seeds[0]}" if len(seeds) == 1 else f"seeds {', '.join(map(str, seeds))}"
    what = f"simulate {smk.wildcards.study} {smk.wildcards.cell} {which}"
    resources = smk.resources
    mem_mb = getattr(resources, "mem_mb", None)
    runtime = getattr(resources, "runtime", None)
    with (
        open(smk.log[0], "w") as log,
        contextlib.redirect_stdout(log),
        contextlib.redirect_stderr(log),
    ):
        print(f"cell {smk.wildcards.cell}, {which}: {smk.params.overrides}")
        print(f"limits: mem_mb {mem_mb}, runtime {runtime} min", flush=True)
        start = time.perf_counter()
        fired: list[str] = []
        try:
            with limits(mem_mb, runtime, what) as fired:
                overrides = dict(smk.params.overrides)
                if smk.rule == "simulate_window":
                    datasets = (simulate_window(overrides, seed) for seed in seeds)
                else:
                    datasets = simulate_seeds(overrides, seeds)
                for seed, ds in zip(seeds, datasets, strict=True):
                    ds.attrs.update({"study": smk.wildcards.study, "cell": smk.wildcards.cell})
                    write_netcdf(ds, outputs[seed])
                    report(seed, ds)
        except Exception:
            if not fired:
                raise
            print(f"{fired[0]} (after {time.perf_counter() - start:.1f} s)", flush=True)
            print(fired[0], file=sys.__stderr__, flush=True)
            sys.exit(1)


def report(seed: int, ds) -> None:
    print(f"seed {seed}: wall time {ds.attrs['wall_time_s']:.1f} s", flush=True)
    if int(ds.get("runaway", 0)) or int(ds.get("non_finite", 0)):
        print("flagged: runaway activity or NaN/infinite state (see the dataset's flags)")


main(snakemake)  # noqa: F821 (the script directive defines `snakemake`)
