"""The planner's statistics after the product's bulk writes (issue 18): a year's reports and
items brought in at once are analysed as soon as they are committed, a small write is left to
autovacuum, and the operator's command analyses everything after a restore."""

import pytest
from django.core.management import call_command
from django.db import connection

from appraisal.models import Organisation, ScoreItem
from tests.appraisal.test_page_queries import provinces
from workflow.statistics import BULK_ROWS, analyses_deferred, analyze, stale_tables

pytestmark = pytest.mark.django_db


def analysed_rows(table: str) -> float:
    """The rows the planner believes `table` has (-1 or 0: it was never analysed)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            return cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if not cursor.fetchone()[0]:
            return 0
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s AND idx IS NULL", [table])
        row = cursor.fetchone()
        if row is None:  # sqlite_stat1 keeps one line per index: its first number is the rows
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
            row = cursor.fetchone()
        return float(row[0].split()[0]) if row else 0


def forget_statistics(table: str) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("UPDATE pg_class SET reltuples = -1 WHERE relname = %s", [table])
        else:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone()[0]:
                cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = %s", [table])


def test_a_years_items_are_analysed_once_committed(
    campaign_factory, django_capture_on_commit_callbacks
):
    table = ScoreItem._meta.db_table
    forget_statistics(table)
    units = provinces(30)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        campaign = campaign_factory(units=units)
    items = ScoreItem.objects.filter(submission__campaign=campaign).count()
    assert items >= BULK_ROWS
    assert callbacks  # queued for after the commit, not run inside the transaction
    assert analysed_rows(table) >= items


def test_many_bulk_writes_in_a_deferring_block_are_analysed_once_at_its_end(
    campaign_factory, django_capture_on_commit_callbacks
):
    table = ScoreItem._meta.db_table
    forget_statistics(table)
    units = provinces(30)
    with analyses_deferred() as tables:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            campaign = campaign_factory(units=units)
        assert not callbacks  # nothing queued per write
        assert table in tables
        assert analysed_rows(table) <= 0  # not yet
    items = ScoreItem.objects.filter(submission__campaign=campaign).count()
    assert analysed_rows(table) >= items >= BULK_ROWS  # at the block's end


def test_a_small_write_is_left_to_autovacuum(campaign_factory, django_capture_on_commit_callbacks):
    forget_statistics(Organisation._meta.db_table)
    with django_capture_on_commit_callbacks(execute=True):
        provinces(3)
    assert analysed_rows(Organisation._meta.db_table) <= 0


def test_the_command_analyses_every_table_and_checks(capsys):
    forget_statistics(ScoreItem._meta.db_table)
    call_command("refresh_statistics")
    assert "Analysed" in capsys.readouterr().out
    assert ScoreItem._meta.db_table in analyze([ScoreItem._meta.db_table])
    call_command("refresh_statistics", "--check")
    assert "fresh" in capsys.readouterr().out
    assert stale_tables() == []  # no table of the test database is large enough to matter
