"""Telling people: one row per message (the bell) and an e-mail sent by a worker, at once or
in the day's digest as each person chose, in each person's language."""

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_q.tasks import async_task

from notifications.models import Notification, Preference

# Every kind of message: its subject and its one-line message (both with %(title)s, the
# object concerned); rendered by the event trio in templates/notifications/email/.
EVENTS = {
    "review_assigned": (
        gettext_lazy("Được phân công thẩm định"),
        gettext_lazy("Bạn được phân công thẩm định: %(title)s."),
    ),
    "query_raised": (
        gettext_lazy("Yêu cầu giải trình mới"),
        gettext_lazy("Đơn vị nhận được yêu cầu giải trình, bổ sung: %(title)s."),
    ),
    "query_answered": (
        gettext_lazy("Đơn vị đã trả lời yêu cầu"),
        gettext_lazy("Đơn vị đã trả lời yêu cầu giải trình: %(title)s."),
    ),
    "query_closed": (
        gettext_lazy("Yêu cầu giải trình đã đóng"),
        gettext_lazy("Chuyên viên thẩm định đã đóng yêu cầu: %(title)s."),
    ),
    "submission_to_approve": (
        gettext_lazy("Báo cáo chờ phê duyệt"),
        gettext_lazy("Báo cáo tự đánh giá chờ lãnh đạo phê duyệt: %(title)s."),
    ),
    "submission_submitted": (
        gettext_lazy("Báo cáo đã gửi"),
        gettext_lazy("Báo cáo tự đánh giá đã được phê duyệt và gửi: %(title)s."),
    ),
    "submission_returned": (
        gettext_lazy("Báo cáo bị trả lại"),
        gettext_lazy("Báo cáo tự đánh giá được trả lại để chỉnh sửa: %(title)s."),
    ),
    "council_decision": (
        gettext_lazy("Quyết định của Hội đồng"),
        gettext_lazy("Hội đồng thẩm định đã quyết định về hồ sơ: %(title)s."),
    ),
    "published": (
        gettext_lazy("Kết quả đã công bố"),
        gettext_lazy("Kết quả Chỉ số CCHC đã được công bố: %(title)s."),
    ),
    "campaign_moved_back": (
        gettext_lazy("Đợt đánh giá quay lại giai đoạn trước"),
        gettext_lazy("Cơ quan thường trực đưa đợt đánh giá về giai đoạn trước: %(title)s."),
    ),
    "unit_reopened": (
        gettext_lazy("Mở lại tự đánh giá"),
        gettext_lazy("Cơ quan thường trực mở lại tự đánh giá cho đơn vị: %(title)s."),
    ),
    "role_granted": (
        gettext_lazy("Được giao vai trò mới"),
        gettext_lazy("Bạn được giao vai trò: %(title)s."),
    ),
    "focal_point_proposed": (
        gettext_lazy("Đề xuất cán bộ đầu mối"),
        gettext_lazy("Lãnh đạo đơn vị đề xuất cán bộ đầu mối, chờ phê duyệt: %(title)s."),
    ),
    "proposal_approved": (
        gettext_lazy("Đề xuất được phê duyệt"),
        gettext_lazy("Cơ quan thường trực đã phê duyệt và gửi lời mời: %(title)s."),
    ),
    "proposal_rejected": (
        gettext_lazy("Đề xuất không được phê duyệt"),
        gettext_lazy("Cơ quan thường trực không phê duyệt đề xuất: %(title)s."),
    ),
    "deadline_reminder": (gettext_lazy("Sắp đến hạn"), gettext_lazy("Sắp đến hạn: %(title)s.")),
    "deadline_escalation": (gettext_lazy("Quá hạn"), gettext_lazy("Đã quá hạn: %(title)s.")),
}
# kinds with templates of their own
OWN_TEMPLATES = ("review_reminder", "extension_decided")
KINDS = (*OWN_TEMPLATES, *EVENTS)


def preference(user: User) -> Preference:
    found = getattr(user, "_notification_preference", None)
    if found is None:
        found = Preference.objects.filter(user=user).first() or Preference(user=user)
        user.__dict__["_notification_preference"] = found  # kept on the object for the request
    return found


def render_email(base: str, context: dict, language: str) -> tuple[str, str, str]:
    """(subject, text, html) of the e-mail whose templates are `<base>_subject.txt`,
    `<base>.txt` and `<base>.html`, in `language`."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
        return (
            subject[:200],
            render_to_string(f"{base}.txt", context),
            render_to_string(f"{base}.html", context),
        )


def email_message(*, to: str, subject: str, body: str, html: str):
    """One e-mail, text and HTML, from the site's address."""
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to]
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message


def render_message(kind: str, context: dict, language: str) -> tuple[str, str, str]:
    base = f"notifications/email/{kind if kind in OWN_TEMPLATES else 'event'}"
    if kind in EVENTS:
        subject, line = EVENTS[kind]
        with translation.override(language):
            context = {
                **context,
                "event_subject": str(subject),
                "event_line": str(line) % {"title": context.get("title", "")},
            }
    return render_email(base, context, language)


def notify(
    *,
    recipient: User,
    kind: str,
    context: dict,
    url_name: str = "",
    url_args: tuple = (),
) -> Notification:
    """Record a message for `recipient`; its e-mail goes after the transaction commits (or
    with the day's digest). A failing e-mail never undoes the action that caused it: the
    worker retries it."""
    url = reverse(url_name, args=url_args) if url_name else ""
    chosen = preference(recipient)
    subject, body, html = render_message(
        kind,
        {**context, "recipient": recipient, "url": url, "site": settings.SITE_URL},
        chosen.language,
    )
    notification = Notification.objects.create(
        recipient=recipient, kind=kind, subject=subject, body=body, html=html, url=url
    )
    if recipient.email and chosen.email_mode == Preference.Mode.IMMEDIATE:
        transaction.on_commit(lambda: async_task("notifications.tasks.send_email", notification.pk))
    return notification


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(*, user: User, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications read (or all of them)."""
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        rows = rows.filter(pk=notification_id)
    return rows.update(read_at=timezone.now())


def preference_set(*, user: User, email_mode: str, language: str) -> Preference:
    if email_mode not in Preference.Mode.values or language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Lựa chọn không hợp lệ."))
    chosen, _created = Preference.objects.update_or_create(
        user=user, defaults={"email_mode": email_mode, "language": language}
    )
    user.__dict__["_notification_preference"] = chosen
    return chosen


def notify_many(users, *, kind: str, title: str, url_name: str = "", url_args: tuple = ()) -> int:
    """The same event to several people (each once)."""
    seen = set()
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        notify(
            recipient=user,
            kind=kind,
            context={"title": title},
            url_name=url_name,
            url_args=url_args,
        )
    return len(seen)
