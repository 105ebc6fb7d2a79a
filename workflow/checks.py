"""`manage.py check --deploy`: a database whose large tables were never analysed (a restored
dump, a bulk load from outside) plans its queries blind."""

from django.core.checks import Warning, register
from django.db import DatabaseError

from workflow.statistics import stale_tables


@register("statistics", deploy=True)
def statistics_fresh(app_configs, **kwargs) -> list[Warning]:
    try:
        stale = stale_tables()
    except DatabaseError:  # no database yet: `migrate` comes first
        return []
    if not stale:
        return []
    return [
        Warning(
            f"Planner statistics are missing or stale for: {', '.join(stale)}.",
            hint="Run `python manage.py refresh_statistics` (after a restore or a bulk load).",
            id="workflow.W001",
        )
    ]
