"""Issue 14, 13: `make run` starts the server and the worker on a new database with `migrate`
alone, and Ctrl-C (SIGINT to its process group) stops every process it started within 10 s.

A real `make run`, on a database file of its own and a free port: about a minute."""

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def descendants(root: int) -> set[int]:
    """Every process below `root` (read from /proc), wherever its session."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, stack = set(), [root]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


@pytest.mark.slow
def test_make_run_serves_with_its_worker_and_stops_on_ctrl_c(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "Q_WORKERS": "1",
    }
    for name in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "REDIS_URL"):
        env.pop(name, None)
    log = (tmp_path / "run.log").open("w")
    make = subprocess.Popen(
        ["make", "run", f"HOST=127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, as a terminal gives it
    )
    try:
        deadline = time.monotonic() + 240
        status = 0
        while time.monotonic() < deadline and make.poll() is None:
            status = get(f"http://127.0.0.1:{port}/healthz")
            if status == 200:
                break
            time.sleep(1)
        output = (tmp_path / "run.log").read_text()
        # /healthz needs the database, its cache table (made by `migrate`) and a cluster
        assert status == 200, output[-3000:]
        assert "createcachetable" not in output
        assert get(f"http://127.0.0.1:{port}/accounts/login/") == 200
        started = descendants(make.pid)
        commands = " ".join(
            Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            for pid in started
            if alive(pid)
        )
        assert "qcluster" in commands and "runserver" in commands
        os.killpg(make.pid, signal.SIGINT)  # what Ctrl-C sends
        stop_by = time.monotonic() + 10
        while time.monotonic() < stop_by and (make.poll() is None or any(map(alive, started))):
            time.sleep(0.2)
        left = {
            pid: Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")[:120]
            for pid in started
            if alive(pid)
        }
        assert make.poll() is not None and left == {}, (left, output[-1500:])
    finally:
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGKILL)
        for pid in descendants(make.pid):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        log.close()


@pytest.mark.django_db
def test_migrate_alone_makes_the_cache_table():
    from django.db import connection

    assert "parcouncil_cache" in connection.introspection.table_names()
