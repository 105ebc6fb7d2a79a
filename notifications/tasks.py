"""Background jobs of the notifications app (django-q2): they take ids and re-read rows."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from notifications.models import Notification


def send_email(notification_id: int) -> bool:
    """Send one notification by e-mail, once: the row is claimed before sending and released
    when the server refuses, so that the task's retry sends it again."""
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient.email],
    )
    if notification.html:
        message.attach_alternative(notification.html, "text/html")
    try:
        message.send()
    except Exception:
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise
    return True
