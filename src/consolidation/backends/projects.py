"""Compiled cpp_standalone projects on disk: the cache, compiling under a lock, running.

A project is compiled into a temporary directory under a lock and renamed into place, so two
jobs never compile the same project at once and a killed compile leaves nothing that looks
complete. Each run writes its results into its own directory (removed by the caller after
reading).

A new project is built on the cached project that shares most of its generated files (another
schedule of the same network differs in a few: the run durations in main.cpp, the code objects
of extra phases): make then compiles only the files whose contents differ, by its own rules,
since brian2 rewrites only those.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

import brian2 as b2
from brian2.codegen.cpp_prefs import get_compiler_and_args

from consolidation.backends import provenance

# The binary reports a run-time argument it could not use on stderr but exits 0.
RUN_ERRORS = ("Error reading", "Could not read", "Cannot set", "does not match")
COMPLETE = "structure.json"  # written last into a compiled project
PENDING = "structure.pending.json"  # written first into a project being compiled
COMPILE_LOG = "compile.log"  # the compiler's output, kept in the project
MAKEFILES = ("makefile", "win_makefile")  # they name this environment's include paths
# What a build on another project does not copy from it.
NOT_BUILT = ("runs", "results", COMPLETE, PENDING, COMPILE_LOG, "main")
SEED_VARIABLE = "CONSOLIDATION_SEED"  # read by the program (consolidation.backends.standalone)


def cache_dir() -> Path:
    """Compiled projects, one directory per structure key, beside brian2's Cython cache."""
    path = provenance.cython_cache_dir().parent / f"standalone-brian2-{version('brian2')}"
    path.mkdir(parents=True, exist_ok=True)
    return path


@cache
def compiler_identity() -> str:
    """The C++ compiler's version and the CPU it tunes for (-march=native)."""
    try:
        cc = subprocess.run(["c++", "--version"], capture_output=True, text=True).stdout
    except OSError:
        cc = "unknown"
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith(("model name", "flags")):
                cpu += line + "\n"
                if line.startswith("flags"):
                    break
    return f"{cc.splitlines()[0] if cc else cc}\n{platform.machine()}\n{cpu}"


@contextlib.contextmanager
def environment_kept() -> Iterator[None]:
    """brian2's run() puts its run environment (``LD_BIND_NOW=1``) into this process's
    ``os.environ`` and leaves it there, where every program the process starts later inherits
    it (slurmctld then fails to load a plugin with an unresolved symbol): give it back."""
    saved = dict(os.environ)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def output_to(path: Path) -> Iterator[None]:
    """This process's stdout and stderr, at the file descriptors, into `path`: the compiler's
    hundreds of lines go to the project's compile log, not to the console of every job."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    try:
        with open(path, "w") as f:
            os.dup2(f.fileno(), 1)
            os.dup2(f.fileno(), 2)
            yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        for fd, copy in zip((1, 2), saved, strict=True):
            os.dup2(copy, fd)
            os.close(copy)


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """An exclusive lock (released by the OS if the process dies)."""
    with open(path, "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def generated_key() -> tuple[str, dict[str, Any]]:
    """The cache key of the program queued on the device, and what it is made of: the
    generated project's files (not compiled) with the compiler, CPU and brian2's preferences."""
    with tempfile.TemporaryDirectory(prefix="consolidation-") as tmp:
        b2.get_device().build(directory=tmp, compile=False, run=False, with_output=False)
        files = {
            str(path.relative_to(tmp)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(Path(tmp).rglob("*"))
            if path.is_file() and path.name not in MAKEFILES
        }
    structure = {
        "brian2": version("brian2"),
        "compiler": compiler_identity(),
        "prefs": {
            k: repr(b2.prefs[k])
            for k in b2.prefs
            if k.startswith(("codegen.cpp.", "devices.cpp_standalone.", "core.default_float"))
            and k != "devices.cpp_standalone.run_cmd_unix"
        },
        "files": files,
    }
    text = json.dumps(structure, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:20], structure


def ensure_project() -> tuple[str, Path, float]:
    """The compiled project of the program queued on the device, compiled if no complete one
    is cached. Returns (key, project directory, compile seconds: 0 when reused)."""
    key, structure = generated_key()
    root = cache_dir()
    project = root / key
    if (project / COMPLETE).exists():
        return key, project, 0.0
    with locked(root / f"{key}.lock"):
        if (project / COMPLETE).exists():  # another job compiled it while we waited
            return key, project, 0.0
        for stale in [project, *root.glob(f".{key}.*")]:  # incomplete or from a killed compile
            shutil.rmtree(stale, ignore_errors=True)
        start = time.perf_counter()
        tmp = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=root))
        try:
            (tmp / PENDING).write_text(json.dumps(structure))
            donor = wait_for_donor(root, structure, (tmp / PENDING).stat().st_mtime_ns, key)
            try:
                with output_to(tmp / COMPILE_LOG):
                    build(tmp, donor)
            except Exception as err:
                log = (tmp / COMPILE_LOG).read_text(errors="replace").splitlines()
                raise RuntimeError(f"{err}\n" + "\n".join(log[-40:])) from err
            (tmp / "runs").mkdir()
            built_on = donor.name if donor else None
            (tmp / COMPLETE).write_text(json.dumps({**structure, "built_on": built_on}, indent=1))
            (tmp / PENDING).unlink()
            tmp.rename(project)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return key, project, time.perf_counter() - start


def wait_for_donor(root: Path, structure: dict[str, Any], since: int, key: str) -> Path | None:
    """The cached project to build on (:func:`closest_project`). If that is one still being
    compiled, begun before ours (`since`, `key`: a total order, so two compiles never wait
    for each other), wait for it: on 2 cores two compiles side by side take as long as one
    after the other, and the second then compiles only what differs."""
    while True:
        donor = closest_project(root, structure, (since, key))
        if donor is None or not donor.name.startswith("."):
            return donor
        with locked(root / f"{_key_of(donor)}.lock"):
            pass  # its compile has ended (or its process died)


def closest_project(
    root: Path, structure: dict[str, Any], before: tuple[int, str] | None = None
) -> Path | None:
    """The cached project, of the same brian2, compiler and preferences, that shares the most
    generated files with `structure` (None if none shares any): a complete one, or one still
    being compiled that began before `before` (its pending file's time in ns, key)."""
    best, shared = None, 0
    files = set(structure["files"].items())
    candidates = list(root.glob(f"*/{COMPLETE}"))
    if before is not None:
        candidates += [
            p
            for p in root.glob(f".*/{PENDING}")
            if (p.stat().st_mtime_ns, _key_of(p.parent)) < before and _compiling(root, p.parent)
        ]
    for path in candidates:
        try:
            other = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if any(other.get(k) != structure[k] for k in ("brian2", "compiler", "prefs")):
            continue
        common = len(files & set(other.get("files", {}).items()))
        if common > shared:
            best, shared = path.parent, common
    return best


def _key_of(project: Path) -> str:
    """The key of a project directory: ``<key>``, or ``.<key>.<suffix>`` while it compiles."""
    return project.name.split(".")[1] if project.name.startswith(".") else project.name


def _compiling(root: Path, project: Path) -> bool:
    """Whether a process holds the lock of `project`'s key (a killed compile holds none)."""
    with open(root / f"{_key_of(project)}.lock", "a") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(f, fcntl.LOCK_UN)
        return False


def build(directory: Path, donor: Path | None) -> None:
    """Generate and compile the program queued on the device in `directory`, on a copy of the
    `donor` project's sources and object files if given."""
    device = b2.get_device()
    if donor is not None:
        skip = set(NOT_BUILT)
        shutil.copytree(donor, directory, dirs_exist_ok=True, ignore=lambda _, n: skip & set(n))
    device.build(directory=str(directory), compile=False, run=False, with_output=False)
    if donor is not None:
        generated = device.writer.source_files | device.writer.header_files
        ours = {Path(name).with_suffix("") for name in generated}
        for path in (directory / "code_objects").iterdir():  # the donor's, not this program's
            if path.relative_to(directory).with_suffix("") not in ours:
                path.unlink()
        makefile, theirs = directory / "makefile", donor / "makefile"
        if _sources_only(theirs.read_text(), makefile.read_text()):
            # Only the list of sources changed: the objects need not be rebuilt because the
            # makefile is newer than them (the binary is linked anew: it is not copied).
            mtime = theirs.stat().st_mtime
            os.utime(makefile, (mtime, mtime))
    compiler, _ = get_compiler_and_args()
    device.compile_source(str(directory), compiler, debug=False, clean=False)


def _sources_only(before: str, after: str) -> bool:
    """Whether two makefiles differ at most in their list of sources."""

    def rest(text: str) -> list[str]:
        return [line for line in text.splitlines() if not line.startswith("SRCS = ")]

    return rest(before) == rest(after)


def results_dir(project: Path) -> Path:
    """A new directory for one run's results (the caller removes it after reading)."""
    return Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=project / "runs"))


def run_project(project: Path, seed: int, results: Path, args: list[str]) -> float:
    """Run the compiled project with `seed` and run-time arguments `args`; returns seconds."""
    device = b2.get_device()
    errors = results / "stderr.txt"
    run_cmd = b2.prefs.devices.cpp_standalone.run_cmd_unix
    # stderr of the binary into a file, where its silent failures can be found.
    b2.prefs.devices.cpp_standalone.run_cmd_unix = [
        *("sh", "-c", 'exec ./main "$@" 2>"$0"'),
        str(errors),
    ]
    environment = b2.prefs.devices.cpp_standalone.run_environment_variables
    b2.prefs.devices.cpp_standalone.run_environment_variables = {
        **environment,
        SEED_VARIABLE: str(int(seed)),
    }
    start = time.perf_counter()
    try:
        device.project_dir = str(project)
        with environment_kept():
            device.run(
                directory=str(project),
                results_directory=os.path.relpath(results, project),
                with_output=False,
                run_args=args,
            )
    except RuntimeError as e:
        raise RuntimeError(f"{e}\n{_output(results)}") from None
    finally:
        b2.prefs.devices.cpp_standalone.run_cmd_unix = run_cmd
        b2.prefs.devices.cpp_standalone.run_environment_variables = environment
    seconds = time.perf_counter() - start
    output = _output(results)
    finished = (results / "last_run_info.txt").exists()
    if any(marker in output for marker in RUN_ERRORS) or not finished:
        raise RuntimeError(f"standalone run of {project} failed:\n{output}")
    return seconds


def _output(results: Path) -> str:
    parts = []
    for name in ("stdout.txt", "stderr.txt"):
        with contextlib.suppress(OSError):
            parts.append((results / name).read_text())
    return "\n".join(p for p in parts if p.strip())
