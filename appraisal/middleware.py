"""A person who turned the second factor on is asked for a code after the password: until
then, every page sends them to the code page (django-otp's `is_verified`). Whether a person
needs the code is read once, at sign-in, into the session: pages cost no extra query."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from workflow.services.two_factor import has_second_factor

SESSION_FLAG = "parcouncil_second_factor"
# what a signed-in person may reach before the code: the code page, signing out, language
OPEN_PATHS = ("/accounts/two-factor/verify/", "/accounts/logout/", "/i18n/", "/static/", "/healthz")


@receiver(user_logged_in)
def _remember_second_factor(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_FLAG] = has_second_factor(user)


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.session.get(SESSION_FLAG)
            and not user.is_verified()
            and not request.path.startswith(OPEN_PATHS)
        ):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('two_factor_verify')}?{query}")
        return self.get_response(request)


class RefuseNulCharacters:
    """A request whose form or query fields carry a NUL character is refused whole (400),
    with a message, before any view: no one types one, PostgreSQL cannot store one, and a
    view that reads the field directly would otherwise fail with a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        fields = [request.GET]
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            fields.append(request.POST)
        for data in fields:
            for key, values in data.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    return HttpResponse(
                        _("Dữ liệu gửi lên chứa ký tự không hợp lệ (NUL). Không có gì được lưu."),
                        status=400,
                        content_type="text/plain; charset=utf-8",
                    )
        return self.get_response(request)


class ChosenLanguageMiddleware:
    """The interface is Vietnamese unless the person chose English with the language switch
    (its cookie): a browser's Accept-Language is not asked — a civil servant's English
    browser must not turn a Vietnamese government system English. Replaces Django's
    LocaleMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            # the next request on this thread starts from the default, not this one's choice
            translation.deactivate()
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
