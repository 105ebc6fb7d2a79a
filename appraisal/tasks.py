"""Background jobs of the appraisal app (django-q2): they take ids and re-read rows."""

from django.conf import settings
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from appraisal.models import Invitation
from appraisal.models.choices import Role


def send_invitation(invitation_id: int) -> bool:
    """The invitation's e-mail, with a fresh link to set the password. The link is made
    here and kept nowhere: the token is signed, not stored."""
    from appraisal.services.people import invitation_tokens
    from notifications.services import email_message, preference, render_email

    invitation = (
        Invitation.objects.select_related("user", "program", "organisation", "created_by")
        .filter(pk=invitation_id, state=Invitation.State.SENT)
        .first()
    )
    if invitation is None or invitation.user.has_usable_password() or not invitation.user.is_active:
        return False
    user = invitation.user
    link = settings.SITE_URL + reverse(
        "invitation_accept",
        args=(urlsafe_base64_encode(force_bytes(user.pk)), invitation_tokens.make_token(user)),
    )
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    context = {
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
