"""Inserting generated rows in bulk, for the national-scale demo: their ids are reserved first
so that rows pointing at each other (a document and its current version, a binding and its
document) are written in one pass; PostgreSQL receives them through COPY (workflow/bulk.py)."""

from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import Model

from workflow.bulk import insert_values


def reserve_ids(model: type[Model], count: int) -> list[int]:
    """`count` primary keys for new rows of `model`: from the table's sequence on PostgreSQL;
    after the largest one elsewhere (SQLite: the generator writes alone, in its transaction)."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return sorted(row[0] for row in cursor.fetchall())
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))


def insert_rows(model: type[Model], fields: Sequence[str], rows: Iterable[tuple]) -> None:
    """Rows of `model`, each a tuple of the values of `fields` (attribute names: `document_id`,
    not `document`), ids included. Nothing of the model's save() runs: the caller gives every
    value, automatic dates too."""
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(
            [model(**dict(zip(fields, row, strict=True))) for row in rows], batch_size=2000
        )
        return
    columns = {field.attname: field.column or "" for field in model._meta.concrete_fields}
    insert_values(connection, model._meta.db_table, [columns[name] for name in fields], rows)
