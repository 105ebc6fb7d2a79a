"""The database planner's statistics, kept fresh after the product's own bulk writes.

PostgreSQL plans a query from what it knows of each table: how many rows, how the values
spread. After a bulk write — a year's reports and score items brought in at once, a units
or results import, the demo's national data, a restored dump — that knowledge lags until
autovacuum's ANALYZE comes by (never, where autovacuum is off), and a plan chosen on it can
read a whole table where an index would read a page: measured at 7.9× for the scoring
workspace right after `make bench-data` (bench/RESULTS.md). So every bulk write of the
product analyses what it wrote, once it is committed; after a restore the operator runs
`manage.py refresh_statistics` (README, "Deploying"). SQLite keeps such statistics too
(`ANALYZE` fills `sqlite_stat1`), and is served the same way.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection, models, transaction

# rows below which a write leaves the statistics to autovacuum (its own threshold is 50 rows
# plus a tenth of the table)
BULK_ROWS = 1000


def tables_of(model_list: Iterable[type[models.Model]]) -> list[str]:
    return sorted({model._meta.db_table for model in model_list})


def every_table() -> list[str]:
    return sorted(connection.introspection.table_names())


def analyze(tables: Iterable[str] | None = None) -> list[str]:
    """ANALYZE `tables` (every table when None) now; returns what was analysed."""
    names = list(tables) if tables is not None else every_table()
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(name)}")
    return names


# the tables whose analysis a block of many bulk writes has taken on (analyses_deferred)
_DEFERRED: ContextVar[set[str] | None] = ContextVar("deferred_analyses", default=None)


def after_bulk_write(model_list: Iterable[type[models.Model]], rows: int) -> None:
    """Once the current transaction commits, analyse the tables of `model_list` if `rows` rows
    were written to them: the next request plans on what is there now."""
    if rows < BULK_ROWS:
        return
    tables = tables_of(model_list)
    pending = _DEFERRED.get()
    if pending is not None:
        pending.update(tables)
        return
    transaction.on_commit(lambda: analyze(tables))


@contextmanager
def analyses_deferred() -> Iterator[set[str]]:
    """Bulk writes inside the block leave their ANALYZE to its end, once each table, however
    many writes there were (the demo generator writes ten years of a program, and analysing
    the score items after each year cost more than writing them). The tables are analysed when
    the block ends without error."""
    pending: set[str] = set()
    token = _DEFERRED.set(pending)
    try:
        yield pending
    finally:
        _DEFERRED.reset(token)
    analyze(sorted(pending))


def stale_tables(minimum_rows: int = 10_000, changed_share: float = 0.1) -> list[str]:
    """PostgreSQL: the tables of at least `minimum_rows` rows never analysed, or changed by more
    than `changed_share` of their rows since they last were. Empty on other databases."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT relname FROM pg_stat_user_tables
            WHERE n_live_tup >= %s
              AND (COALESCE(last_analyze, last_autoanalyze) IS NULL
                   OR n_mod_since_analyze > %s * n_live_tup)
            ORDER BY relname
            """,
            [minimum_rows, changed_share],
        )
        return [name for (name,) in cursor.fetchall()]
