from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from appraisal.views import people, public, two_factor
from config.health import healthz

admin.site.site_header = "parcouncil"
admin.site.site_title = "parcouncil"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", two_factor.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", two_factor.two_factor_verify, name="two_factor_verify"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "accounts/welcome/<uidb64>/<token>/",
        people.InvitationAcceptView.as_view(),
        name="invitation_accept",
    ),
    path("admin/", admin.site.urls),
    # published results: no login
    path("results/", public.results_index, name="results_index"),
    path("results/<slug:program>/<int:year>.csv", public.results_csv, name="results_csv"),
    path("results/<slug:program>/<int:year>.xlsx", public.results_xlsx, name="results_xlsx"),
    path(
        "results/<slug:program>/<int:year>-excel.csv",
        public.results_excel_csv,
        name="results_excel_csv",
    ),
    path("results/<slug:program>/<int:year>/", public.results_year, name="results_year"),
    path("results/<slug:program>/<int:year>/<str:unit>/", public.results_unit, name="results_unit"),
    path("", include("notifications.urls")),
    path("", include("documents.urls")),
    path("", include("appraisal.urls")),
]
