"""Telling people: one row per message (in-app) and an e-mail sent by a worker."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from notifications.models import Notification


def _render(kind: str, context: dict) -> tuple[str, str, str]:
    base = f"notifications/email/{kind}"
    subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
    return (
        subject[:200],
        render_to_string(f"{base}.txt", context),
        render_to_string(f"{base}.html", context),
    )


def notify(
    *,
    recipient: AbstractBaseUser,
    kind: str,
    context: dict,
    url_name: str = "",
    url_args: tuple = (),
) -> Notification:
    """Record a message for `recipient` and send it by e-mail after the transaction commits.
    A failing e-mail never undoes the action that caused it: the worker retries it."""
    url = reverse(url_name, args=url_args) if url_name else ""
    with translation.override(settings.LANGUAGE_CODE):
        subject, body, html = _render(
            kind, {**context, "recipient": recipient, "url": url, "site": settings.SITE_URL}
        )
    notification = Notification.objects.create(
        recipient=recipient, kind=kind, subject=subject, body=body, html=html, url=url
    )
    if recipient.email:
        from django_q.tasks import async_task

        transaction.on_commit(lambda: async_task("notifications.tasks.send_email", notification.pk))
    return notification
