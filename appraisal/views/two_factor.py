import io
from base64 import b32encode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_otp import login as otp_login

from appraisal import permissions
from appraisal.middleware import SESSION_FLAG
from appraisal.problems import problem_text
from appraisal.requests import AuthenticatedRequest, client_ip
from workflow.services import two_factor as service


def _qr_svg(url: str) -> str:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=4, xmldecl=False, svgns=True)
    return mark_safe(out.getvalue().decode())  # noqa: S308 (made here from our own URL)


@login_required
def two_factor_setup(request: AuthenticatedRequest) -> HttpResponse:
    """Turn the second factor on (scan, then type a code) or off (type a code)."""
    permissions.require(permissions.may_use_two_factor(request.user))
    device = service.confirmed_device(request.user)
    status = 200
    if request.method == "POST":
        try:
            if device is None:
                service.two_factor_enable(
                    user=request.user, token=request.POST.get("token", ""), ip=client_ip(request)
                )
                otp_login(request, service.confirmed_device(request.user))
                request.session[SESSION_FLAG] = True
                messages.success(request, _("Đã bật xác thực hai lớp."))
            else:
                service.two_factor_disable(
                    user=request.user, token=request.POST.get("token", ""), ip=client_ip(request)
                )
                request.session[SESSION_FLAG] = False
                messages.success(request, _("Đã tắt xác thực hai lớp."))
            return redirect("two_factor_setup")
        except ValidationError as exc:
            messages.error(request, problem_text(exc))
            status = 422
    context: dict[str, object] = {"enabled": device is not None}
    if device is None:
        pending = service.pending_device(request.user)
        context.update(qr=_qr_svg(pending.config_url), secret=_secret(pending))
    return render(request, "registration/two_factor_setup.html", context, status=status)


def _secret(device) -> str:
    text = b32encode(device.bin_key).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@login_required
def two_factor_verify(request: AuthenticatedRequest) -> HttpResponse:
    """After the password, the code of a person who turned the second factor on."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = ""
    # django-otp's middleware gives the user `is_verified`
    verified = request.user.is_verified()  # type: ignore[attr-defined]
    if service.confirmed_device(request.user) is None or verified:
        return redirect(target or "home")
    status = 200
    if request.method == "POST":
        try:
            device = service.two_factor_verify(
                user=request.user, token=request.POST.get("token", "")
            )
        except ValidationError as exc:
            messages.error(request, problem_text(exc))
            status = 422
        else:
            otp_login(request, device)
            return redirect(target or "home")
    return render(request, "registration/two_factor_verify.html", {"next": target}, status=status)
