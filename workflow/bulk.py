"""Many rows into one table at once. On PostgreSQL they go through COPY: the values travel as
they are, where an INSERT through Django's client-side binding quotes every value in Python
first (at a hundred thousand rows, more time than the database's own work). Elsewhere, one
INSERT statement run for every row."""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper


def insert_values(
    connection: BaseDatabaseWrapper,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> None:
    """Insert `rows` (values ready for the database, in the order of `columns`) into `table`,
    inside the caller's transaction."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        with (
            connection.connection.cursor() as cursor,
            cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    placeholders = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {quote(table)} ({names}) VALUES ({placeholders})", list(rows)
        )
