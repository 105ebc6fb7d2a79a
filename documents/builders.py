"""What each campaign document shows: its title, template, the data it is drawn from (made
only when it is rendered) and a fingerprint of that data (documents/publication.py renders,
issues and stores them)."""

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from appraisal.charts import bar_chart
from appraisal.models import (
    Campaign,
    CouncilMember,
    CouncilSession,
    Organisation,
    ScoreItem,
    Submission,
    UnitResult,
)
from appraisal.models.choices import Level
from appraisal.models.states import CampaignState
from appraisal.selectors.public import PublishedLevel, Row, levels_of, published_levels
from appraisal.selectors.results import level_preview, result_rows
from documents.issuers import Issuer, default_or_saved
from documents.models import Publication
from documents.narratives import narrative
from workflow.models import AuditEvent


def issuer_of(campaign: Campaign, publication: Publication | None) -> Issuer:
    """The issuing data a campaign's documents print: frozen at publication, the current
    data (or its defaults) for drafts."""
    if publication is not None and publication.snapshot:
        return Issuer(**publication.snapshot)
    return Issuer.of(default_or_saved(campaign.program.owner))


@dataclass
class Built:
    title: str
    template: str
    # made only when the PDF is rendered: a request that checks whether the stored copy is
    # current needs the fingerprint alone, not the tables and charts
    context: Callable[[], dict]
    fingerprint: str
    # people who sign it with their own certificates, by signature box (the minutes)
    signers: dict[str, str] | None = None
    signer_names: tuple[str, ...] = ()


def _hash(*parts) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _results_rows(campaign: Campaign) -> list:
    stored = list(
        UnitResult.objects.filter(campaign=campaign)
        .order_by("level", "rank", "unit__code")
        .values_list("unit__code", "index", "rank", "group", "previous_index")
    )
    if stored or campaign.state != CampaignState.COUNCIL:
        return stored
    return [
        (r.unit_id, r.index, r.rank, r.group, r.previous_index) for r in draft_results(campaign)
    ]


def draft_results(campaign: Campaign) -> list[UnitResult]:
    """The year's results as publication would store them now (unsaved): what a draft
    decision and report show in their annexes while the council sits."""
    rows = []
    for level in Level.values:
        if campaign.frameworks.filter(level=level).exists():
            rows += result_rows(campaign, level, level_preview(campaign, level))
    units = Organisation.objects.prefetch_related("former_names").in_bulk(
        {row.unit_id for row in rows}
    )
    for row in rows:
        row.unit = units[row.unit_id]
    return rows


def _levels_with_charts(campaign: Campaign) -> list[PublishedLevel]:
    levels = published_levels(campaign)
    if not levels and campaign.state == CampaignState.COUNCIL:
        levels = levels_of(draft_results(campaign), campaign.year)
    for level in levels:
        level.ranking_chart = bar_chart(
            [(row.name_vi, row.index, row.result.group) for row in level.ranked],
            title=f"Chỉ số CCHC năm {campaign.year} — {level.label}",
            reference=level.average,
            reference_label="Trung bình",
        )
        level.domain_chart = bar_chart(
            [(f"{code}. {name}", value, "") for code, name, value in level.domains],
            title="Chỉ số thành phần trung bình theo lĩnh vực",
        )
        counts = [(f"Nhóm {g}", level.groups.get(g, 0), g) for g in "ABCD"]
        level.group_chart = bar_chart(
            [(label, n, g) for label, n, g in counts],
            title="Phân bố theo nhóm",
            maximum=max([n for _l, n, _g in counts] + [1]),
        )
    return levels


def _texts(campaign: Campaign) -> tuple:
    """What the secretariat wrote and the issuing data: a draft shows their current state."""
    publication = Publication.objects.filter(campaign=campaign).first()
    issuer = issuer_of(campaign, publication)
    texts = (publication.decision_text, publication.report_text) if publication else ("", "")
    return (*texts, issuer.as_json())


def build_decision(campaign: Campaign, key: str) -> Built:
    return Built(
        title=f"Quyết định công bố Chỉ số CCHC năm {campaign.year}",
        template="reports/decision.html",
        context=lambda: {"levels": _levels_with_charts(campaign)},
        fingerprint=_hash("decision", campaign.name_vi, _results_rows(campaign), _texts(campaign)),
    )


def _year_context(campaign: Campaign) -> dict:
    levels = _levels_with_charts(campaign)
    text = Publication.objects.filter(campaign=campaign).values_list("report_text", flat=True)
    return {"levels": levels, "narrative": narrative(text.first() or "", campaign.year, levels)}


def build_year_report(campaign: Campaign, key: str) -> Built:
    return Built(
        title=f"Báo cáo kết quả Chỉ số CCHC năm {campaign.year}",
        template="reports/year_report.html",
        context=lambda: _year_context(campaign),
        fingerprint=_hash("year", campaign.name_vi, _results_rows(campaign), _texts(campaign)),
    )


def build_sheet(campaign: Campaign, key: str) -> Built:
    code = key.split(":", 1)[1]
    result = UnitResult.objects.select_related("unit").get(campaign=campaign, unit__code=code)
    submission = Submission.objects.filter(campaign=campaign, unit=result.unit).first()
    items = (
        list(
            ScoreItem.objects.filter(submission=submission)
            .select_related("node")
            .order_by("position")
        )
        if submission
        else []
    )
    return Built(
        title=f"Phiếu kết quả Chỉ số CCHC năm {campaign.year} — {result.unit.name_in(campaign.year, 'vi')}",
        template="reports/result_sheet.html",
        context=lambda: {"result": result, "row": Row(result, campaign.year), "items": items},
        fingerprint=_hash(
            "sheet",
            result.index,
            result.rank,
            [
                (i.node.code, i.self_score, i.final_score, i.final_reason, i.review_reason)
                for i in items
            ],
        ),
    )


def build_minutes(campaign: Campaign, key: str) -> Built:
    number = int(key.split(":", 1)[1])
    session = CouncilSession.objects.get(campaign=campaign, number=number)
    members = list(
        CouncilMember.objects.filter(campaign=campaign).select_related("user", "organisation")
    )
    absent_ids = set(session.absent.values_list("pk", flat=True))
    agenda = list(session.agenda.select_related("unit").order_by("level", "unit__code"))
    decided = session_decisions(session, agenda)
    for submission in agenda:
        submission.decision = decided.get(submission.pk, "Chưa quyết định tại phiên họp")
    chair = next((m for m in members if m.position == "chair"), None)
    secretary = next((m for m in members if m.position == "secretary"), None)
    return Built(
        title=f"Biên bản phiên họp số {number} của Hội đồng thẩm định",
        signers={
            box: member.user.get_username()
            for box, member in (("secretary", secretary), ("chair", chair))
            if member is not None
        },
        signer_names=tuple(
            member.user.get_full_name() for member in (secretary, chair) if member is not None
        ),
        template="reports/minutes.html",
        context=lambda: {
            "session": session,
            "members": members,
            "present": [m for m in members if m.pk not in absent_ids],
            "absent": [m for m in members if m.pk in absent_ids],
            "chair": chair,
            "secretary": secretary,
            "agenda": agenda,
            "draft": False,
            "today": session.held_on,
        },
        fingerprint=_hash(
            "minutes",
            session.held_on,
            session.place,
            session.minutes,
            session.starts_at,
            session.ends_at,
            sorted(absent_ids),
            [(m.user_id, m.position) for m in members],
            [(s.pk, s.decision) for s in agenda],
        ),
    )


# what the council decided of a report at a meeting, as the minutes record it
COUNCIL_DECISIONS = {
    "appraise": "Hội đồng chốt điểm",
    "send_back_to_review": "Trả về thẩm định lại",
}


def session_decisions(session: CouncilSession, agenda: list) -> dict[int, str]:
    """The council's decision on each report on the day of the meeting (the last one that
    day), from the audit trail — never the report's state when the minutes are printed."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(session.held_on, datetime.time.min, tzinfo=zone)
    events = AuditEvent.objects.filter(
        object_type="submission",
        action__in=list(COUNCIL_DECISIONS),
        submission_id__in=[s.pk for s in agenda],
        created_at__gte=start,
        created_at__lt=start + datetime.timedelta(days=1),
    ).order_by("seq")
    out: dict[int, str] = {}
    for submission_id, action, comment in events.values_list("submission_id", "action", "comment"):
        text = COUNCIL_DECISIONS[action]
        if submission_id is not None:
            out[submission_id] = f"{text}: {comment}" if comment else text
    return out


BUILDERS = {
    "decision": build_decision,
    "year_report": build_year_report,
    "sheet": build_sheet,
    "minutes": build_minutes,
}


def builder(key: str):
    return BUILDERS[key.split(":", 1)[0]]
