"""Background jobs of the documents app (django-q2). They take ids and re-read the rows."""

from django.db import transaction
from django_q.tasks import async_task

from documents.publication import ensure_document
from documents.reports import ensure_self_assessment_report


def generate_self_assessment_report(submission_id: int) -> int:
    return ensure_self_assessment_report(submission_id).pk


def enqueue_self_assessment_report(submission_id: int) -> None:
    """After the current transaction commits, have a worker (re)make the report."""
    transaction.on_commit(
        lambda: async_task(
            "documents.tasks.generate_self_assessment_report",
            submission_id,
            task_name=f"report-{submission_id}",
        )
    )


def make_campaign_document(campaign_id: int, key: str) -> int:
    return ensure_document(campaign_id, key).pk


def enqueue_campaign_documents(campaign_id: int, keys: list[str]) -> None:
    """After the current transaction commits, have workers make each document (one task
    each, so that two workers share a batch; a document already made is not made again)."""

    def send() -> None:
        for key in keys:
            async_task(
                "documents.tasks.make_campaign_document",
                campaign_id,
                key,
                task_name=f"doc-{campaign_id}-{key}"[:100],
            )

    transaction.on_commit(send)
