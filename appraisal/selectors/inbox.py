"""“Việc của tôi”: everything waiting for one user, across roles and programs.

Each source is one query filtered by our own tables (roles, assignments), so the page costs
the same number of queries whatever the data size.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from appraisal import permissions
from appraisal.models import (
    Campaign,
    DomainReview,
    ExtensionRequest,
    NotApplicableRequest,
    Query,
    StageDeadline,
    Submission,
)
from appraisal.models.choices import Role, Stage
from appraisal.models.states import CampaignState, DomainReviewState, QueryState, SubmissionState
from appraisal.permissions.programs import Person
from appraisal.workdays import today


@dataclass
class Entry:
    what: str | Promise
    title: str
    url: str
    due_on: datetime.date | None
    program: str
    # who the entry waits on when it is not this person ("" when it is theirs to do)
    waiting_on: str | Promise = ""

    @property
    def sort_key(self) -> tuple[bool, datetime.date, str]:
        return (self.due_on is None, self.due_on or datetime.date.max, self.title)


# role → {(program_id, organisation_id)}
Roles = dict[str, set[tuple[int, int | None]]]


def _orgs_by_role(user: Person) -> dict[str, set[tuple[int, int | None]]]:
    """role → {(program_id, organisation_id)}; programs for roles without an organisation."""
    out: dict[str, set[tuple[int, int | None]]] = {}
    for grant in permissions.grants(user):
        out.setdefault(grant.role, set()).add((grant.program_id, grant.organisation_id))
    return out


def _q(pairs: set[tuple[int, int | None]], program_field: str, org_field: str) -> Q:
    query = Q(pk__in=[])
    for program_id, organisation_id in pairs:
        query |= Q(**{program_field: program_id, org_field: organisation_id})
    return query


def _programs(pairs: set[tuple[int, int | None]]) -> set[int]:
    return {program_id for program_id, _org in pairs}


def my_entries(user: Person) -> list[Entry]:
    """What waits on this person (the badge counts these)."""
    return [entry for entry in inbox_entries(user) if not entry.waiting_on]


def inbox_entries(user: Person) -> list[Entry]:
    roles = _orgs_by_role(user)
    # (submission, what, stage, whom it waits on)
    submissions: list[tuple[Submission, str | Promise, str, str | Promise]] = []
    entries: list[Entry] = []
    base = Submission.objects.select_related("unit", "campaign", "campaign__program")

    unit_roles = roles.get(Role.FOCAL_POINT, set()) | roles.get(Role.LEADER, set())
    unit_q = {
        SubmissionState.DRAFT: unit_roles,
        SubmissionState.PENDING_APPROVAL: unit_roles,
    }
    unit_filter = Q(pk__in=[])
    for state, pairs in unit_q.items():
        if pairs:
            unit_filter |= Q(state=state) & _q(pairs, "campaign__program_id", "unit_id")
    secretariat = _programs(roles.get(Role.SECRETARIAT, set()))
    council = _programs(
        roles.get(Role.COUNCIL_CHAIR, set()) | roles.get(Role.COUNCIL_MEMBER, set())
    )
    wide_filter = Q(
        campaign__program_id__in=secretariat,
        state__in=[SubmissionState.SUBMITTED, SubmissionState.REVIEWED],
    )
    wide_filter |= Q(campaign__program_id__in=council, state=SubmissionState.IN_COUNCIL)
    own_units = {org for pairs in roles.values() for _p, org in pairs if org}
    running = [CampaignState.SELF_ASSESSMENT, CampaignState.REVIEW, CampaignState.COUNCIL]
    wide = base.filter(wide_filter, campaign__state__in=running).exclude(
        state=SubmissionState.IN_COUNCIL, unit_id__in=own_units
    )
    # what waits on the secretariat or the council is listed report by report while it is a
    # few, and as one line per campaign and state beyond that (the campaign's list, filtered,
    # is the way in): a year of 2,100 units must not make this page 2,100 rows long
    groups = {
        (row["campaign_id"], row["state"]): row["n"]
        for row in wide.order_by().values("campaign_id", "state").annotate(n=Count("pk"))
    }
    few = [key for key, n in groups.items() if n <= EACH_SHOWN]
    listed = Q(pk__in=[])
    for campaign_id, waiting_state in few:
        listed |= Q(campaign_id=campaign_id, state=waiting_state)
    rows = base.filter(unit_filter | (wide_filter & listed), campaign__state__in=running)
    for submission in rows.order_by("pk"):
        what, stage, waiting = _submission_task(submission, roles, own_units)
        if what:
            submissions.append((submission, what, stage, waiting))
    many = [(key, n) for key, n in groups.items() if n > EACH_SHOWN]
    campaigns = (
        Campaign.objects.select_related("program").in_bulk(
            [campaign_id for (campaign_id, _state), _n in many]
        )
        if many
        else {}
    )

    mine = DomainReview.objects.filter(_review_filter(user, roles)).exclude(
        submission__unit_id__in=own_units
    )
    # the same for domain reviews: a reviewer's or a coordinator's many become one line per
    # campaign and state, leading to their list
    review_groups = {
        (row["campaign_id"], row["state"]): row["n"]
        for row in mine.order_by().values("campaign_id", "state").annotate(n=Count("pk"))
    }
    listed = Q(pk__in=[])
    for (campaign_id, review_state), number in review_groups.items():
        if number <= EACH_SHOWN:
            listed |= Q(campaign_id=campaign_id, state=review_state)
    reviews = list(
        mine.filter(listed).select_related(
            "submission__unit", "submission__campaign__program", "domain"
        )
    )
    many_reviews = [(key, n) for key, n in review_groups.items() if n > EACH_SHOWN]
    if many_reviews:
        campaigns |= Campaign.objects.select_related("program").in_bulk(
            [campaign_id for (campaign_id, _state), _n in many_reviews]
        )
    campaign_ids = (
        {s.campaign_id for s, _w, _st, _wait in submissions}
        | {r.submission.campaign_id for r in reviews}
        | set(campaigns)
    )
    deadlines = {
        (d.campaign_id, d.stage): d.due_on
        for d in StageDeadline.objects.filter(campaign_id__in=campaign_ids).order_by()
    }
    for submission, what, stage, waiting in submissions:
        entries.append(
            Entry(
                what=what,
                title=f"{submission.unit.name} — {submission.campaign.year}",
                url=reverse(
                    "submission_appraisal"
                    if submission.state == SubmissionState.IN_COUNCIL
                    else "submission_detail",
                    args=[submission.pk],
                ),
                due_on=deadlines.get((submission.campaign_id, stage)),
                program=submission.campaign.program.name,
                waiting_on=waiting,
            )
        )
    for (campaign_id, waiting_state), number in many:
        entries.append(_group_entry(campaigns[campaign_id], waiting_state, number, deadlines))
    for (campaign_id, review_state), number in many_reviews:
        entries.append(_reviews_entry(campaigns[campaign_id], review_state, number, deadlines))
    entries += [_review_entry(review, deadlines) for review in reviews]
    entries += _query_entries(user, roles)
    entries += _na_entries(secretariat)
    entries += _extension_entries(secretariat)
    return sorted(entries, key=lambda entry: entry.sort_key)


# reports of one campaign and state listed one by one in the inbox; more become one line
EACH_SHOWN = 10
# a reviewer's queries listed one by one
QUERIES_SHOWN = 30

GROUP_TASKS: dict[str, tuple[str | Promise, str]] = {
    SubmissionState.SUBMITTED: (_("Kiểm tra hồ sơ đã gửi, bắt đầu thẩm định"), Stage.REVIEW),
    SubmissionState.REVIEWED: (_("Trình Hội đồng"), Stage.COUNCIL),
    SubmissionState.IN_COUNCIL: (_("Xem xét và chốt điểm tại Hội đồng"), Stage.COUNCIL),
}


def _group_entry(
    campaign: Campaign, state: str, number: int, deadlines: dict[tuple[int, str], datetime.date]
) -> Entry:
    what, stage = GROUP_TASKS[state]
    url = (
        reverse("council_page", args=[campaign.pk])
        if state == SubmissionState.IN_COUNCIL
        else f"{reverse('campaign_detail', args=[campaign.pk])}?state={state}"
    )
    return Entry(
        what=what,
        title=ngettext("%(name)s: %(n)s hồ sơ", "%(name)s: %(n)s hồ sơ", number)
        % {"name": campaign.name, "n": number},
        url=url,
        due_on=deadlines.get((campaign.pk, stage)),
        program=campaign.program.name,
    )


def _reviews_entry(
    campaign: Campaign, state: str, number: int, deadlines: dict[tuple[int, str], datetime.date]
) -> Entry:
    pending = state == DomainReviewState.PENDING
    return Entry(
        what=_("Phân công thẩm định") if pending else DomainReviewState(state).label,
        title=ngettext("%(name)s: %(n)s lĩnh vực", "%(name)s: %(n)s lĩnh vực", number)
        % {"name": campaign.name, "n": number},
        url=f"{reverse('review_queue', args=[campaign.pk])}?state=pending"
        if pending
        else reverse("review_list"),
        due_on=deadlines.get((campaign.pk, Stage.REVIEW)),
        program=campaign.program.name,
        waiting_on=_("đơn vị được đánh giá") if state == DomainReviewState.AWAITING_UNIT else "",
    )


def _submission_task(
    submission: Submission, roles: Roles, own_units: set[int]
) -> tuple[str | Promise, str, str | Promise]:
    """What the report asks of this person, its stage, and who it waits on if not them."""
    key = (submission.campaign.program_id, submission.unit_id)
    focal = key in roles.get(Role.FOCAL_POINT, set())
    leader = key in roles.get(Role.LEADER, set())
    if submission.state == SubmissionState.DRAFT and (focal or leader):
        return (
            _("Tự chấm điểm và trình lãnh đạo"),
            Stage.SELF_ASSESSMENT,
            "" if focal else _("cán bộ đầu mối của đơn vị"),
        )
    if submission.state == SubmissionState.PENDING_APPROVAL and (focal or leader):
        return (
            _("Phê duyệt báo cáo tự đánh giá"),
            Stage.SELF_ASSESSMENT,
            "" if leader else _("lãnh đạo đơn vị"),
        )
    if submission.state == SubmissionState.SUBMITTED:
        return _("Kiểm tra hồ sơ đã gửi, bắt đầu thẩm định"), Stage.REVIEW, ""
    if submission.state == SubmissionState.REVIEWED:
        return _("Trình Hội đồng"), Stage.COUNCIL, ""
    if submission.state == SubmissionState.IN_COUNCIL and submission.unit_id not in own_units:
        return _("Xem xét và chốt điểm tại Hội đồng"), Stage.COUNCIL, ""
    return "", "", ""


def _review_filter(user: Person, roles: Roles) -> Q:
    mine = Q(
        reviewer_id=user.pk,
        state__in=[
            DomainReviewState.ASSIGNED,
            DomainReviewState.IN_PROGRESS,
            DomainReviewState.AWAITING_UNIT,
        ],
    )
    coordinated = Q(state=DomainReviewState.PENDING) & _q(
        roles.get(Role.COORDINATOR, set()), "campaign__program_id", "organisation_id"
    )
    return mine | coordinated


def _review_entry(review: DomainReview, deadlines: dict[tuple[int, str], datetime.date]) -> Entry:
    what = (
        _("Phân công thẩm định")
        if review.state == DomainReviewState.PENDING
        else review.get_state_display()
    )
    return Entry(
        what=what,
        title=f"{review.submission.unit.name} — {review.domain.code}. {review.domain.name}",
        url=reverse("review_detail", args=[review.pk])
        if review.state != DomainReviewState.PENDING
        else reverse("review_queue", args=[review.submission.campaign_id]),
        due_on=review.due_on(deadlines.get((review.submission.campaign_id, Stage.REVIEW)), today()),
        program=review.submission.campaign.program.name,
        waiting_on=_("đơn vị được đánh giá")
        if review.state == DomainReviewState.AWAITING_UNIT
        else "",
    )


def _query_entries(user: Person, roles: Roles) -> list[Entry]:
    """Queries the user's units must answer, and answers the user (their reviewer) must read.
    Two queries, each starting from what is the user's own (the units' reports, the
    reviewer's reviews): one OR over both would read every waiting query of the country."""
    unit_pairs = roles.get(Role.FOCAL_POINT, set()) | roles.get(Role.LEADER, set())
    related = (
        "review__submission__unit",
        "review__submission__campaign__program",
        "review__domain",
    )
    raised = Query.objects.filter(
        state__in=[QueryState.ANSWERED, QueryState.OPEN], review__reviewer_id=user.pk
    )
    # a reviewer's queries, the soonest due first; beyond QUERIES_SHOWN one line says how
    # many more wait in their reviews
    rows = list(raised.select_related(*related).order_by("due_on", "pk")[:QUERIES_SHOWN])
    more = raised.count() - len(rows)
    if unit_pairs:
        # the ids first: as a subquery, PostgreSQL joins every review of the country
        theirs = Submission.objects.filter(
            _q(unit_pairs, "campaign__program_id", "unit_id"),
            campaign__state__in=[
                CampaignState.SELF_ASSESSMENT,
                CampaignState.REVIEW,
                CampaignState.COUNCIL,
            ],
        ).values_list("pk", flat=True)
        rows += (
            Query.objects.filter(
                state__in=[QueryState.OPEN, QueryState.ANSWERED],
                review__submission__in=list(theirs),
            )
            .select_related(*related)
            .order_by("due_on", "pk")
        )
    entries, seen = [], set()
    if more > 0:
        entries.append(
            Entry(
                what=_("Yêu cầu giải trình khác"),
                title=ngettext(
                    "Còn %(n)s yêu cầu giải trình trong các lĩnh vực bạn thẩm định",
                    "Còn %(n)s yêu cầu giải trình trong các lĩnh vực bạn thẩm định",
                    more,
                )
                % {"n": more},
                url=reverse("review_list"),
                due_on=None,
                program="",
            )
        )
    for query in rows:
        if query.pk in seen:  # a reviewer who is also of the unit: once
            continue
        seen.add(query.pk)
        answering = query.state == QueryState.OPEN
        reviewer = query.review.reviewer_id == user.pk
        entries.append(
            Entry(
                what=_("Trả lời yêu cầu giải trình")
                if answering
                else _("Xem trả lời, đóng yêu cầu"),
                # a query waits on the unit while open, on its reviewer once answered
                waiting_on=(
                    _("đơn vị được đánh giá")
                    if answering and reviewer
                    else _("chuyên viên thẩm định")
                    if not answering and not reviewer
                    else ""
                ),
                title=f"{query.review.submission.unit.name} — {query.review.domain.code}: {query.question[:80]}",
                url=reverse("query_detail", args=[query.pk]),
                due_on=query.due_on,
                program=query.review.submission.campaign.program.name,
            )
        )
    return entries


def _na_entries(secretariat_programs: set[int]) -> list[Entry]:
    if not secretariat_programs:
        return []
    rows = NotApplicableRequest.objects.filter(
        state=NotApplicableRequest.State.PENDING,
        item__submission__campaign__program_id__in=secretariat_programs,
    ).select_related("item__node", "item__submission__unit", "item__submission__campaign__program")
    return [
        Entry(
            what=_("Quyết định tiêu chí không áp dụng"),
            title=f"{na.item.submission.unit.name} — {na.item.node.code}",
            url=reverse("submission_detail", args=[na.item.submission_id]),
            due_on=None,
            program=na.item.submission.campaign.program.name,
        )
        for na in rows
    ]


def _extension_entries(secretariat_programs: set[int]) -> list[Entry]:
    if not secretariat_programs:
        return []
    rows = ExtensionRequest.objects.filter(
        state=ExtensionRequest.State.PENDING,
        submission__campaign__program_id__in=secretariat_programs,
    ).select_related("submission__unit", "submission__campaign__program")
    return [
        Entry(
            what=_("Quyết định đề nghị gia hạn"),
            title=f"{request.submission.unit.name} — {request.get_target_display()}",
            url=reverse("extension_list", args=[request.submission.campaign_id]),
            due_on=request.current_due,
            program=request.submission.campaign.program.name,
        )
        for request in rows
    ]
