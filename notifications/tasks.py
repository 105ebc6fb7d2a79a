"""Background jobs of the notifications app (django-q2): they take ids and re-read rows, and
are safe to run twice."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from appraisal.models import Invitation
from appraisal.models.choices import Role
from appraisal.models.people import invitation_tokens
from notifications.models import Notification, Preference
from notifications.reminders import scan
from notifications.services import email_message, preference, render_email


def send_email(notification_id: int) -> bool:
    """Send one notification by e-mail, once: the row is claimed before sending and released
    when the server refuses, so that the task's retry sends it again."""
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    message = email_message(
        to=notification.recipient.email,
        subject=notification.subject,
        body=notification.body,
        html=notification.html,
    )
    try:
        message.send()
    except Exception:
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise
    return True


def send_digests() -> int:
    """One e-mail per person who chose the daily digest, gathering what they have not been
    sent yet. Each message is claimed first, so a second run sends nothing twice; a refused
    e-mail releases its messages for the next run."""
    users = (
        get_user_model()
        .objects.filter(
            notification_preference__email_mode=Preference.Mode.DIGEST,
            notifications__emailed_at__isnull=True,
        )
        .exclude(email="")
        .distinct()
    )
    sent = 0
    for user in users:
        now = timezone.now()
        pending = Notification.objects.filter(
            recipient=user, emailed_at__isnull=True, created_at__lte=now
        )
        ids = list(pending.values_list("pk", flat=True))
        if not ids or not Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).update(
            emailed_at=now
        ):
            continue
        items = list(Notification.objects.filter(pk__in=ids).order_by("created_at"))
        language = user.notification_preference.language
        context = {"recipient": user, "items": items, "site": settings.SITE_URL}
        subject, body, html = render_email("notifications/email/digest", context, language)
        message = email_message(to=user.email, subject=subject, body=body, html=html)
        try:
            message.send()
        except Exception:
            Notification.objects.filter(pk__in=ids).update(emailed_at=None)
            raise
        sent += 1
    return sent


def scan_deadlines() -> int:
    """Reminders before deadlines and escalations after them (see notifications.reminders)."""
    return scan()


def send_invitation(invitation_id: int) -> bool:
    """The invitation's e-mail, with a fresh link to set the password. The link is made
    here and kept nowhere: the token is signed, not stored."""

    invitation = (
        Invitation.objects.select_related("user", "program", "organisation", "created_by")
        .filter(pk=invitation_id, state=Invitation.State.SENT)
        .first()
    )
    user = invitation.user if invitation is not None else None
    if invitation is None or user is None or user.has_usable_password() or not user.is_active:
        return False
    link = settings.SITE_URL + reverse(
        "invitation_accept",
        args=(urlsafe_base64_encode(force_bytes(user.pk)), invitation_tokens.make_token(user)),
    )
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    context: dict[str, object] = {
        "invitation": invitation,
        "user": user,
        "link": link,
        "days": days,
        "site": settings.SITE_URL,
    }
    context["role"] = Role(invitation.role).label  # lazy: rendered in the person's language
    subject, body, html = render_email(
        "registration/email/invitation", context, preference(user).language or "vi"
    )
    email_message(to=user.email, subject=subject, body=body, html=html).send()
    return True
