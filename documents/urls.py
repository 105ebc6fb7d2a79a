from django.urls import path

from documents import verify, views

urlpatterns = [
    # public: anyone checks an issued document by the code printed beside its QR code
    path("verify/", verify.verify_lookup, name="verify_lookup"),
    path("verify/<str:code>/", verify.verify_document, name="verify_document"),
    path("verify/<str:code>/download/", verify.verify_download, name="verify_download"),
    path("submissions/<int:pk>/evidence/", views.evidence_list, name="evidence_list"),
    path(
        "submissions/<int:pk>/evidence/upload/", views.evidence_upload_view, name="evidence_upload"
    ),
    path("items/<int:pk>/evidence/", views.item_evidence_upload, name="item_evidence_upload"),
    path("evidence/<int:pk>/replace/", views.evidence_replace_view, name="evidence_replace"),
    path("evidence/<int:pk>/bind/", views.evidence_bind_view, name="evidence_bind"),
    path("evidence/bindings/<int:pk>/unbind/", views.evidence_unbind_view, name="evidence_unbind"),
    path("submissions/<int:pk>/report.pdf", views.report_download, name="report_download"),
    path("submissions/<int:pk>/report/", views.report_generate, name="report_generate"),
    path("evidence/versions/<int:pk>/download/", views.evidence_download, name="evidence_download"),
    path("evidence/versions/<int:pk>/view/", views.evidence_view, name="evidence_view"),
    path(
        "campaigns/<int:pk>/documents/<str:key>.pdf",
        views.campaign_document,
        name="campaign_document",
    ),
    path(
        "results/<slug:program>/<int:year>/decision.pdf",
        views.public_decision,
        name="results_decision",
    ),
    path(
        "results/<slug:program>/<int:year>/documents/<str:key>.pdf",
        views.public_document,
        name="results_document",
    ),
]
