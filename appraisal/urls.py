from django.urls import path

from appraisal import views
from appraisal.views import (
    calendar,
    campaign_actions,
    council,
    dashboard,
    extensions,
    people,
    results,
    reviews,
    setup,
)

urlpatterns = [
    path("", views.home, name="home"),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("frameworks/", views.framework_list, name="framework_list"),
    path("frameworks/upload/", views.framework_upload, name="framework_upload"),
    path("frameworks/<int:pk>/", views.framework_detail, name="framework_detail"),
    path("frameworks/<int:pk>/lock/", views.framework_lock, name="framework_lock"),
    path("frameworks/<int:pk>/export.<str:fmt>", views.framework_export, name="framework_export"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/count/", views.inbox_count, name="inbox_count"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission_detail"),
    path(
        "submissions/<int:pk>/workspace/", views.submission_workspace, name="submission_workspace"
    ),
    path(
        "submissions/<int:pk>/export.xlsx",
        views.submission_export_xlsx,
        name="submission_export_xlsx",
    ),
    path(
        "submissions/<int:pk>/import/", views.submission_import_xlsx, name="submission_import_xlsx"
    ),
    path("items/<int:pk>/self-score/", views.item_save, name="item_save"),
    path("items/<int:pk>/not-applicable/", views.item_not_applicable, name="item_not_applicable"),
    path("not-applicable/<int:pk>/decide/", views.na_request_decide, name="na_request_decide"),
    path("submissions/<int:pk>/timeline/", views.submission_timeline, name="submission_timeline"),
    path(
        "submissions/<int:pk>/transition/<slug:name>/",
        views.submission_transition,
        name="submission_transition",
    ),
    path("programs/<int:pk>/roles/", views.role_list, name="role_list"),
    path("programs/<int:pk>/people/", people.people_list, name="people_list"),
    path(
        "programs/<int:pk>/people/import/",
        people.people_import_confirm,
        name="people_import_confirm",
    ),
    path(
        "programs/<int:pk>/people/<int:user_pk>/active/",
        people.person_set_active,
        name="person_set_active",
    ),
    path("programs/<int:pk>/people/search/", people.people_search, name="people_search"),
    path(
        "programs/<int:pk>/organisations/search/",
        people.organisation_search,
        name="organisation_search",
    ),
    path("invitations/<int:pk>/resend/", people.invitation_resend, name="invitation_resend"),
    path("invitations/<int:pk>/decide/", people.proposal_decide, name="proposal_decide"),
    path("programs/<int:pk>/campaigns/new/", setup.campaign_new, name="campaign_new"),
    path(
        "programs/<int:pk>/results/import/",
        setup.results_import_page,
        name="results_import_page",
    ),
    path("campaigns/<int:pk>/units/", setup.campaign_units, name="campaign_units"),
    path("roles/<int:pk>/revoke/", views.role_revoke, name="role_revoke"),
    path("programs/<int:program_pk>/audit.csv", views.audit_export, name="audit_export"),
    path("campaigns/<int:pk>/routing/", reviews.review_routing, name="review_routing"),
    path("campaigns/<int:pk>/reviews/", reviews.review_queue, name="review_queue"),
    path(
        "campaigns/<int:pk>/reviews/assign/",
        reviews.review_queue_assign,
        name="review_queue_assign",
    ),
    path("campaigns/<int:pk>/reviews/matrix/", reviews.review_matrix, name="review_matrix"),
    path(
        "campaigns/<int:pk>/reviews/matrix/action/",
        reviews.review_matrix_action,
        name="review_matrix_action",
    ),
    path("reviews/", reviews.review_list, name="review_list"),
    path("reviews/<int:pk>/", reviews.review_detail, name="review_detail"),
    path("reviews/<int:pk>/queries/", reviews.query_raise, name="query_raise"),
    path("reviews/<int:pk>/<slug:name>/", reviews.review_action, name="review_action"),
    path("items/<int:pk>/propose/", reviews.item_propose, name="item_propose"),
    path("items/<int:pk>/note/", reviews.item_note, name="item_note"),
    path("queries/<int:pk>/", reviews.query_detail, name="query_detail"),
    path("queries/<int:pk>/<slug:name>/", reviews.query_action, name="query_action"),
    path("submissions/<int:pk>/queries/", reviews.submission_queries, name="submission_queries"),
    path("campaigns/<int:pk>/survey/", results.survey_page, name="survey_page"),
    path(
        "campaigns/<int:pk>/survey/<int:upload_pk>/apply/",
        results.survey_confirm,
        name="survey_confirm",
    ),
    path("campaigns/<int:pk>/results/", results.results_preview, name="results_preview"),
    path(
        "campaigns/<int:pk>/transition/<slug:name>/",
        campaign_actions.campaign_transition,
        name="campaign_transition",
    ),
    path(
        "campaigns/<int:pk>/start-reviews/",
        campaign_actions.campaign_start_reviews,
        name="campaign_start_reviews",
    ),
    path(
        "submissions/<int:pk>/reopen/",
        campaign_actions.submission_reopen,
        name="submission_reopen",
    ),
    path("submissions/<int:pk>/scope/", results.submission_scope, name="submission_scope"),
    path("campaigns/<int:pk>/council/", council.council_page, name="council_page"),
    path("council/sessions/<int:pk>/", council.council_session, name="council_session"),
    path(
        "submissions/<int:pk>/appraisal/", council.submission_appraisal, name="submission_appraisal"
    ),
    path(
        "submissions/<int:pk>/appraisal/<slug:name>/",
        council.appraisal_action,
        name="appraisal_action",
    ),
    path("items/<int:pk>/final/", council.item_finalise, name="item_finalise"),
    path("calendar/", calendar.calendar_page, name="calendar_page"),
    path("campaigns/<int:pk>/dashboard/", dashboard.campaign_dashboard, name="campaign_dashboard"),
    path(
        "campaigns/<int:pk>/dashboard.xlsx",
        dashboard.campaign_dashboard_xlsx,
        name="campaign_dashboard_xlsx",
    ),
    path("submissions/<int:pk>/extension/", extensions.extension_new, name="extension_new"),
    path("campaigns/<int:pk>/extensions/", extensions.extension_list, name="extension_list"),
    path("extensions/<int:pk>/decide/", extensions.extension_decide_view, name="extension_decide"),
]
