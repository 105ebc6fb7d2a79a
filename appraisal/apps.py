from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalConfig(AppConfig):
    name = "appraisal"
    verbose_name = _("Chỉ số CCHC")

    def ready(self) -> None:
        # whether a person needs the second factor is noted at every sign-in, whichever
        # process signs them in (appraisal.middleware connects to user_logged_in)
        from appraisal import middleware  # noqa: F401
