"""Official letters (công văn, Decree 30/2020/NĐ-CP, Appendix I) for what the system sends
by itself and a ministry may also want on paper: a reviewing body's query to a unit. The
letter carries the sender's issuing data; its number is left for the sender's registry, as
the query itself went out through the system."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from appraisal.models import Query
from documents.issuers import Issuer, default_or_saved
from documents.stamping import FONT_DIR, PDF_OPTIONS


def query_letter(query: Query) -> bytes:
    from weasyprint import HTML  # heavy: imported where it is used

    review = query.review
    submission = review.submission
    sender = Issuer.of(default_or_saved(review.organisation))
    addressee = default_or_saved(submission.unit)
    with translation.override("vi"):
        html = render_to_string(
            "reports/query_letter.html",
            {
                "query": query,
                "review": review,
                "submission": submission,
                "campaign": submission.campaign,
                "items": query.items.select_related("node").order_by("position"),
                "issuer": sender,
                "addressee": addressee.formal_name,
                "owner": submission.campaign.program.owner.name_vi,
                "today": timezone.localdate(),
                "draft": False,
                "link": f"{settings.SITE_URL}{reverse('query_detail', args=[query.pk])}",
                "font_dir": FONT_DIR.as_uri(),
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(**PDF_OPTIONS)
