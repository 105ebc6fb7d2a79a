"""The second factor (TOTP, django-otp) of the people who decide: the secretariat and the
council. Optional: a person turns it on with a code from their authenticator app, and from
then on every sign-in asks for a code. Turning it on or off is audited."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from appraisal import permissions
from workflow.audit import audit_record
from workflow.models import AuditKind

DEVICE_NAME = "authenticator"


def pending_device(user: User) -> TOTPDevice:
    """The not yet confirmed device whose key the setup page shows (made once, kept until
    confirmed, so that reloading the page does not change the key)."""
    if not permissions.may_use_two_factor(user):
        raise PermissionDenied(_("Xác thực hai lớp dành cho cơ quan thường trực và Hội đồng."))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def has_second_factor(user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def _check(device: TOTPDevice, token: str) -> None:
    token = (token or "").strip().replace(" ", "")
    if not token.isdigit() or len(token) != device.digits:
        raise ValidationError(_("Mã xác thực gồm %(n)s chữ số.") % {"n": device.digits})
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        raise ValidationError(_("Nhập sai quá nhiều lần: vui lòng chờ một lát rồi thử lại."))
    if not device.verify_token(token):
        raise ValidationError(_("Mã xác thực không đúng hoặc đã hết hạn."))


def _audit(user: User, kind: str, action: str, ip: str | None) -> None:
    audit_record(kind=kind, actor=user, ip=ip, obj_type="user", obj_id=user.pk, action=action)


@transaction.atomic
def two_factor_enable(*, user: User, token: str, ip: str | None = None) -> TOTPDevice:
    """Confirm the pending device with a code it produced."""
    device = pending_device(user)
    _check(device, token)
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    _audit(user, AuditKind.ROLE_GRANT, "two_factor_on", ip)
    return device


@transaction.atomic
def two_factor_disable(*, user: User, token: str, ip: str | None = None) -> None:
    """Turn it off, with a current code (a stolen session alone cannot)."""
    device = confirmed_device(user)
    if device is None:
        raise ValidationError(_("Tài khoản chưa bật xác thực hai lớp."))
    _check(device, token)
    TOTPDevice.objects.filter(user=user).delete()
    _audit(user, AuditKind.ROLE_REVOKE, "two_factor_off", ip)


def two_factor_verify(*, user: User, token: str) -> TOTPDevice:
    """The code asked after the password: the device that produced it."""
    device = confirmed_device(user)
    if device is None:
        raise ValidationError(_("Tài khoản chưa bật xác thực hai lớp."))
    _check(device, token)
    return device
