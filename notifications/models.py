from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """A message to one person: shown in the app and sent by e-mail."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("loại"), max_length=40)
    subject = models.CharField(_("tiêu đề"), max_length=200)
    body = models.TextField(_("nội dung"))
    html = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # claimed by the worker that sends it, so that it goes out once however often it runs
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at"]
        indexes = [
            # the unread count and list of one person
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.subject}"


class Preference(models.Model):
    """How a person wants to be told: e-mails at once or one digest a day, and in which
    language."""

    class Mode(models.TextChoices):
        IMMEDIATE = "immediate", _("Gửi e-mail ngay")
        DIGEST = "digest", _("Gửi một e-mail tổng hợp mỗi ngày")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_mode = models.CharField(
        _("cách nhận e-mail"), max_length=10, choices=Mode.choices, default=Mode.IMMEDIATE
    )
    language = models.CharField(
        _("ngôn ngữ"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta:
        verbose_name = _("cách nhận thông báo")
        verbose_name_plural = _("cách nhận thông báo")

    def __str__(self) -> str:
        return f"{self.user} · {self.email_mode} · {self.language}"


class ReminderLog(models.Model):
    """One reminder or escalation sent (or passed over): its key says which object, which
    deadline and which step, so that it is sent once however often the scan runs."""

    key = models.CharField(max_length=120, unique=True)
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("nhắc hạn đã gửi")
        verbose_name_plural = _("nhắc hạn đã gửi")

    def __str__(self) -> str:
        return self.key
