"""`migrate` alone leaves a working installation: the database cache table that the web and
worker processes share (django-q2's cluster statistics, read by /healthz) is made here, so
no separate `createcachetable` is needed. Nothing to do when the cache is Redis."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("appraisal", "0012_imported_years_have_no_publication_day")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
