"""What the benchmark scripts share: Django set up from the repository, timing with
percentiles, query counts and peak memory, and logged-in sessions without a password."""

import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402


class QueryCounter:
    """Counts the statements a piece of work sends (without DEBUG's query log)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(label: str, work: Callable[[], object], runs: int, warmup: int = 1) -> dict:
    """Times `runs` calls without tracing (tracemalloc slows Python down), then one traced
    call for the peak memory. Queries are those of the last timed call."""
    for _ in range(warmup):
        work()
    times = []
    for _ in range(runs):
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            work()
            times.append(time.perf_counter() - started)
    tracemalloc.start()
    work()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "label": label,
        "median": statistics.median(times),
        "p95": percentile(times, 0.95),
        "queries": counter.count,
        "peak_mb": peak / 1024 / 1024,
    }


def print_rows(rows: list[dict], extra: list[str] = ()) -> None:
    width = max(len(row["label"]) for row in rows) + 2
    print(f"{'':{width}} {'median':>9} {'p95':>9} {'queries':>8} {'peak MiB':>9}", *extra)
    for row in rows:
        print(
            f"{row['label']:{width}} {row['median'] * 1000:7.1f}ms {row['p95'] * 1000:7.1f}ms "
            f"{row['queries']:8d} {row['peak_mb']:9.1f}",
            *(row.get(name, "") for name in extra),
        )


def session_cookie(user) -> str:
    """A session of `user`, as logging in makes it, for requests from outside."""
    # imported when called: this module sets Django up before anything reads settings
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    # the backend that reads users back (the first one only throttles logins)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def machine() -> str:
    # imported when called: this module sets Django up before anything reads settings
    import platform

    return (
        f"{platform.system()} {platform.release()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {connection.vendor} {connection.Database.__name__}"
    )
