"""Background jobs of the documents app (django-q2). They take ids and re-read the rows."""

from django.db import transaction


def generate_self_assessment_report(submission_id: int) -> int:
    from documents.reports import ensure_self_assessment_report

    return ensure_self_assessment_report(submission_id).pk


def enqueue_self_assessment_report(submission_id: int) -> None:
    """After the current transaction commits, have a worker (re)make the report."""
    from django_q.tasks import async_task

    transaction.on_commit(
        lambda: async_task(
            "documents.tasks.generate_self_assessment_report",
            submission_id,
            task_name=f"report-{submission_id}",
        )
    )
