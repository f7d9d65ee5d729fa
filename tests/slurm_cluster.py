"""A throwaway single-node SLURM cluster on localhost, for tests/test_slurm.py.

Needs root and the Debian packages slurmctld, slurmd, slurm-client and munge (.ci/run installs
them in CI). It starts its own munged (private key and socket), slurmctld and slurmd, each in the
foreground as a child of this process, with fresh state and spool directories, and writes
/etc/slurm/slurm.conf (where the executor plugin's job-step helper looks for it; SLURM_CONF is
dropped there), backing up and restoring any existing file. ``stop()`` cancels every job, stops
the three daemons by PID and puts slurm.conf back; call it even when the test fails.

    with SlurmCluster() as cluster:
        subprocess.run(["sbatch", "--wrap", "hostname"], check=True)
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

SLURM_CONF = Path("/etc/slurm/slurm.conf")
DAEMONS = ("munged", "slurmctld", "slurmd")
CLIENTS = ("sbatch", "srun", "squeue", "scancel", "sinfo", "scontrol")
PORTS = (6817, 6818)  # SlurmctldPort, SlurmdPort (the defaults)


def unavailable_reason() -> str | None:
    """Why a cluster cannot be stood up here, or None if it can."""
    if os.geteuid() != 0:
        return "needs root (to run slurmd/slurmctld and write /etc/slurm/slurm.conf)"
    missing = [name for name in (*DAEMONS, *CLIENTS) if shutil.which(name) is None]
    if missing:
        return f"SLURM/munge binaries missing: {', '.join(missing)} (apt-get install " + (
            "slurmctld slurmd slurm-client munge)"
        )
    try:
        pwd.getpwnam("munge")
    except KeyError:
        return "no 'munge' user (install the munge package)"
    for port in PORTS:
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                return f"port {port} is in use (another SLURM running?)"
    return None


def _mem_mb() -> int:
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) // 1024
    raise RuntimeError("no MemTotal in /proc/meminfo")


class SlurmCluster:
    """One node (this machine, all its cores) and one default partition named ``debug``."""

    partition = "debug"

    def __init__(self, startup_timeout: float = 30.0):
        self.startup_timeout = startup_timeout
        self.host = socket.gethostname().split(".")[0]
        self.cpus = os.cpu_count() or 1
        # Leave the OS some memory; sbatch --mem above this is rejected, not queued forever.
        self.real_memory = max(1000, int(_mem_mb() * 0.8))
        self.dir: Path | None = None
        self.procs: dict[str, subprocess.Popen] = {}
        self._conf_backup: Path | None = None
        self._conf_written = False

    # -- lifecycle ------------------------------------------------------------------------
    def __enter__(self) -> SlurmCluster:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        # World-traversable root so that munged (user munge) reaches its own subdirectory.
        self.dir = Path(tempfile.mkdtemp(prefix="slurm-test-"))
        self.dir.chmod(0o755)
        munge_user = pwd.getpwnam("munge")
        mdir = self.dir / "munge"
        mdir.mkdir(mode=0o755)  # munged wants its socket's directory world-searchable
        key = mdir / "munge.key"
        key.write_bytes(os.urandom(1024))
        key.chmod(0o400)
        for path in (mdir, key):
            os.chown(path, munge_user.pw_uid, munge_user.pw_gid)
        self.munge_socket = mdir / "munge.socket"
        for sub in ("state", "spool", "log"):
            (self.dir / sub).mkdir()

        self._write_conf()
        self._spawn(
            "munged",
            [
                "munged",
                "--foreground",
                "--force",
                f"--socket={self.munge_socket}",
                f"--key-file={key}",
                f"--log-file={mdir / 'munged.log'}",
                f"--pid-file={mdir / 'munged.pid'}",
                f"--seed-file={mdir / 'munged.seed'}",
            ],
            user=munge_user.pw_uid,
            group=munge_user.pw_gid,
        )
        self._wait_for(lambda: self.munge_socket.exists(), "munged socket")
        # -c: cold start (no old state); -D: foreground, so the PID is the daemon's.
        self._spawn("slurmctld", ["slurmctld", "-D", "-c"])
        self._wait_for(lambda: self._ok(["scontrol", "ping"], "UP"), "slurmctld")
        self._spawn("slurmd", ["slurmd", "-D"])
        self._wait_for(
            lambda: self._ok(["sinfo", "-h", "-N", "-o", "%T"], "idle"), "slurmd (node idle)"
        )

    def stop(self) -> None:
        if "slurmctld" in self.procs and self.procs["slurmctld"].poll() is None:
            subprocess.run(["scancel", "--full", f"--partition={self.partition}"], check=False)
            deadline = time.monotonic() + 10
            active = ["squeue", "-h", "-t", "PD,R,CG", "-o", "%i"]
            while time.monotonic() < deadline and not self._ok(active, ""):
                time.sleep(0.5)
        for name in ("slurmd", "slurmctld", "munged"):
            proc = self.procs.pop(name, None)
            if proc is None or proc.poll() is not None:
                continue
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        self._restore_conf()
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    # -- helpers --------------------------------------------------------------------------
    def _write_conf(self) -> None:
        assert self.dir is not None
        if SLURM_CONF.exists() or SLURM_CONF.is_symlink():
            self._conf_backup = self.dir / "slurm.conf.orig"
            shutil.copy2(SLURM_CONF, self._conf_backup, follow_symlinks=False)
        SLURM_CONF.parent.mkdir(parents=True, exist_ok=True)
        log = self.dir / "log"
        conf = f"""\
# Written by tests/slurm_cluster.py for one test run; the original (if any) is restored after.
ClusterName=test
SlurmctldHost={self.host}(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={self.munge_socket}
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc={log / "jobcomp.txt"}
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
MailProg=/bin/true
ReturnToService=2
StateSaveLocation={self.dir / "state"}
SlurmdSpoolDir={self.dir / "spool"}
SlurmctldPidFile={self.dir / "slurmctld.pid"}
SlurmdPidFile={self.dir / "slurmd.pid"}
SlurmctldLogFile={log / "slurmctld.log"}
SlurmdLogFile={log / "slurmd.log"}
SlurmctldDebug=info
SlurmdDebug=info
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=5
Waittime=0
NodeName={self.host} NodeAddr=127.0.0.1 CPUs={self.cpus} RealMemory={self.real_memory} State=UNKNOWN
PartitionName={self.partition} Nodes={self.host} Default=YES MaxTime=INFINITE State=UP
"""
        tmp = SLURM_CONF.with_name("slurm.conf.test-tmp")
        tmp.write_text(conf)
        tmp.replace(SLURM_CONF)
        self._conf_written = True

    def _restore_conf(self) -> None:
        if not self._conf_written:
            return
        if self._conf_backup is not None:
            shutil.copy2(self._conf_backup, SLURM_CONF, follow_symlinks=False)
        else:
            SLURM_CONF.unlink(missing_ok=True)
        self._conf_written = False

    def _spawn(self, name: str, cmd: list[str], **kwargs) -> None:
        assert self.dir is not None
        out = open(self.dir / "log" / f"{name}.out", "wb")  # noqa: SIM115 (kept by the Popen)
        self.procs[name] = subprocess.Popen(
            cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, **kwargs
        )
        out.close()

    @staticmethod
    def _ok(cmd: list[str], expect: str) -> bool:
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            return False
        return expect in proc.stdout if expect else proc.stdout.strip() == ""

    def _wait_for(self, ready, what: str) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    raise RuntimeError(
                        f"{name} exited with {proc.returncode} while waiting for {what}:\n"
                        + self.logs()
                    )
            if ready():
                return
            time.sleep(0.3)
        raise RuntimeError(
            f"timed out after {self.startup_timeout} s waiting for {what}:\n" + self.logs()
        )

    def finished_jobs(self) -> list[dict[str, str]]:
        """One record per ended job (JobId, JobState, StartTime, EndTime, ProcCnt, ...).

        From the job-completion log, which slurmctld writes for every job however it was
        started; its own log reports only the main scheduler's starts, not the backfill's.
        """
        path = self.dir / "log" / "jobcomp.txt"
        text = path.read_text() if path.exists() else ""
        return [dict(re.findall(r"(\w+)=(\S*)", line)) for line in text.splitlines() if line]

    def logs(self, tail: int = 30) -> str:
        """The last lines of every daemon log, for failure messages."""
        if self.dir is None:
            return ""
        parts = []
        for path in sorted((self.dir / "log").glob("*")) + [self.dir / "munge" / "munged.log"]:
            if path.is_file():
                lines = path.read_text(errors="replace").splitlines()[-tail:]
                parts.append(f"--- {path.name}\n" + "\n".join(lines))
        return "\n".join(parts)
