"""Which cached project a new compiled program is built on, and waiting for one being compiled
(consolidation.backends.projects), on project directories as the cache holds them."""

from __future__ import annotations

import fcntl
import json
import os
import threading
import time
from pathlib import Path

from consolidation.backends.projects import (
    COMPLETE,
    PENDING,
    closest_project,
    wait_for_donor,
)

ENV = {"brian2": "2.11.0", "compiler": "g++ 12", "prefs": {"codegen.cpp.flags": "-O3"}}
NEW = {**ENV, "files": {"main.cpp": "m2", "objects.h": "o", "a.cpp": "a", "b.cpp": "b"}}


def project(root: Path, name: str, files: dict[str, str], pending: bool = False, **env) -> Path:
    path = root / name
    path.mkdir()
    (path / (PENDING if pending else COMPLETE)).write_text(
        json.dumps({**ENV, **env, "files": files})
    )
    return path


def hold(root: Path, key: str):
    """The lock a compiling process holds on its key."""
    f = open(root / f"{key}.lock", "w")
    fcntl.flock(f, fcntl.LOCK_EX)
    return f


def test_the_project_sharing_most_files_with_the_same_compiler_is_chosen(tmp_path):
    assert closest_project(tmp_path, NEW) is None
    project(tmp_path, "k1", {"main.cpp": "m1", "objects.h": "o"})
    best = project(tmp_path, "k2", {"main.cpp": "m1", "objects.h": "o", "a.cpp": "a"})
    project(tmp_path, "k3", NEW["files"], compiler="clang 17")  # another compiler's objects
    project(tmp_path, "k4", {"main.cpp": "m2", "c.cpp": "c", "a.cpp": "a2"})
    assert closest_project(tmp_path, NEW) == best


def test_a_compile_begun_earlier_is_waited_for_one_begun_later_is_not(tmp_path):
    complete = project(tmp_path, "k1", {"objects.h": "o"})
    pending = project(tmp_path, ".k2.x1", NEW["files"], pending=True)
    began = (pending / PENDING).stat().st_mtime_ns
    lock = hold(tmp_path, "k2")
    try:
        assert closest_project(tmp_path, NEW, (began + 1, "k9")) == pending
        assert closest_project(tmp_path, NEW, (began - 1, "k9")) == complete
        assert closest_project(tmp_path, NEW, (began, "k1")) == complete  # ties: by key
        assert closest_project(tmp_path, NEW) == complete  # no order given: complete ones only
    finally:
        lock.close()
    # a compile whose process died holds no lock: nothing to wait for
    assert closest_project(tmp_path, NEW, (began + 1, "k9")) == complete


def test_waiting_ends_with_the_finished_project(tmp_path):
    project(tmp_path, "k1", {"objects.h": "o"})
    pending = project(tmp_path, ".k2.x1", NEW["files"], pending=True)
    began = (pending / PENDING).stat().st_mtime_ns
    lock = hold(tmp_path, "k2")
    found = []
    waiter = threading.Thread(
        target=lambda: found.append(wait_for_donor(tmp_path, NEW, began + 1, "k9"))
    )
    waiter.start()
    time.sleep(0.5)
    assert waiter.is_alive() and not found  # waits while k2 compiles
    (pending / COMPLETE).write_text((pending / PENDING).read_text())
    (pending / PENDING).unlink()
    os.rename(pending, tmp_path / "k2")
    lock.close()
    waiter.join(10)
    assert found == [tmp_path / "k2"]
