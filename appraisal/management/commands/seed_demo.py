"""Build the demo through the same services the UI uses. Idempotent."""

import datetime
import time

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from appraisal.demo.scale import build
from appraisal.demo.seed import play_extensions, play_stories
from appraisal.demo.year import carry_to_published
from appraisal.imports.frameworks import read_yaml
from appraisal.models import (
    Campaign,
    CouncilMember,
    Framework,
    Invitation,
    Organisation,
    UnitResult,
)
from appraisal.models.states import CampaignState
from appraisal.workdays import add_working_days, today, working_days_before
from documents.certificates import write_demo_signers
from documents.models import IssuerProfile
from workflow.services.accounts import user_ensure
from workflow.services.campaign_stages import campaign_open_self_assessment
from workflow.services.campaigns import (
    campaign_add_units,
    campaign_create,
    campaign_set_deadline,
)
from workflow.services.council import council_member_add
from workflow.services.frameworks import framework_ensure_locked
from workflow.services.issuers import issuer_profiles_load
from workflow.services.people import focal_point_propose, person_invite
from workflow.services.programs import program_ensure
from workflow.services.results import results_import
from workflow.services.roles import role_grant
from workflow.services.units import unit_names_load, units_load


class Command(BaseCommand):
    help = "Load the demo: units, sample frameworks, the 2026 campaign and one user per role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off")
        parser.add_argument(
            "--through",
            choices=["stories", "published"],
            default="stories",
            help="stories: the 2026 campaign part-way (default); published: carried to publication",
        )
        parser.add_argument(
            "--scale",
            choices=["national", "province"],
            help=(
                "also generate years of data for the benchmarks: national (the national "
                "program and 34 provincial ones) or province (one provincial program)"
            ),
        )
        parser.add_argument("--years", type=int, default=10, help="with --scale: years per program")
        parser.add_argument(
            "--units", type=int, default=60, help="with --scale: units per provincial program"
        )
        parser.add_argument(
            "--provinces", type=int, help="with --scale: how many provincial programs"
        )

    def _certificates(self, demo: dict) -> None:
        """Throw-away certificates so that the demo's documents are signed (never on a real
        server: DOCUMENTS_DEMO_CERTIFICATES is on with DEBUG only)."""
        path = settings.DOCUMENT_SIGNERS_FILE
        if settings.DOCUMENTS_DEMO_CERTIFICATES and not path.exists():
            profiles = IssuerProfile.objects.filter(organisation__code__in=list(demo["issuers"]))
            names = {user["username"]: user["name"] for user in demo["users"]}
            write_demo_signers(
                path.parent,
                {p.organisation.code: (p.signer_name, p.formal_name) for p in profiles},
                # the council's secretary and chair sign the minutes with their own
                people={
                    username: names[username]
                    for username, position, _org in demo["council"]
                    if position in ("chair", "secretary") and username in names
                },
            )

    def handle(
        self, *args, force: bool, through: str = "stories", scale: str | None = None, **options
    ) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: the demo has public passwords. Use --force to seed anyway."
            )
        started = time.monotonic()
        data_dir = settings.PARCOUNCIL_DATA_DIR
        demo = yaml.safe_load((data_dir / "demo.yaml").read_text(encoding="utf-8"))
        with transaction.atomic():
            units = units_load(data=(data_dir / "units.csv").read_bytes())
            unit_names_load(data=(data_dir / "unit_names.csv").read_bytes())
            orgs = {org.code: org for org in Organisation.objects.all()}
            spec = demo["program"]
            program = program_ensure(
                code=spec["code"],
                name_vi=spec["name_vi"],
                name_en=spec["name_en"],
                owner=orgs[spec["owner"]],
                actor=None,
            )
            issuer_profiles_load(demo["issuers"])
            self._certificates(demo)
            frameworks = [
                self._framework(data_dir / "frameworks" / name, program)
                for name in demo["frameworks"]
            ]
            campaign = self._campaign(demo["campaign"], program, frameworks)
            users = self._users(demo, program, orgs)
            self._council(demo, campaign, orgs)
            self._people(demo, program, orgs)
            history = self._history(demo, program, data_dir)
            stories = play_stories(campaign, demo.get("stories", {}), demo["users"])
            play_extensions(campaign, demo.get("extensions", []))
        if through == "published" and campaign.state != CampaignState.PUBLISHED:
            carry_to_published(campaign, make_password(demo["password"]))
            campaign.refresh_from_db()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready in {time.monotonic() - started:.1f} s: {len(orgs)} organisations "
                f"({units.created} new), {len(frameworks)} frameworks, campaign {campaign.year} "
                f"with {campaign.submissions.count()} submissions ({stories} stories played, "
                f"{campaign.get_state_display()}), {history} past results, {users} users "
                f"(password: {demo['password']})."
            )
        )

        if scale:
            self._scale(scale, demo["password"], options)

    def _scale(self, scale: str, password: str, options: dict) -> None:
        built = build(
            scale=scale,
            years=options["years"],
            provinces=options["provinces"],
            units=options["units"],
            password=password,
            say=self.stdout.write,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Scale data ({scale}) built in {built.seconds:.1f} s: {built.programs} programs, "
                f"{built.campaigns} campaigns, {built.submissions} reports, {built.items} score "
                f"items, {built.documents} evidence files, {built.reviews} domain reviews, "
                f"{built.queries} queries, {built.users} users, {built.audit_rows} audit rows. "
                f"Sample logins: {', '.join(built.samples[:6])}."
            )
        )

    def _framework(self, path, program) -> Framework:
        spec, problems = read_yaml(path.read_bytes())
        if problems or spec is None:
            raise CommandError("\n".join(f"{path.name}: {problem}" for problem in problems))
        return framework_ensure_locked(spec=spec, program=program)

    def _campaign(self, spec: dict, program, frameworks: list[Framework]) -> Campaign:
        campaign = Campaign.objects.filter(program=program, year=spec["year"]).first()
        if campaign is None:
            campaign = campaign_create(
                program=program,
                year=spec["year"],
                name_vi=spec["name_vi"],
                name_en=spec["name_en"],
                frameworks=frameworks,
                actor=None,
            )
        for stage, (starts_on, due_on) in spec["deadlines"].items():
            campaign_set_deadline(
                campaign=campaign,
                stage=stage,
                starts_on=_day(starts_on),
                due_on=_day(due_on),
                actor=None,
            )
        year_end = datetime.date(spec["year"], 12, 31)
        in_scope = [
            org
            for org in Organisation.objects.filter(kind__in=spec["levels"], assessed=True)
            if org.is_valid_on(year_end)
        ]
        campaign_add_units(campaign=campaign, units=in_scope, actor=None)
        if campaign.state == CampaignState.DRAFT:
            campaign = campaign_open_self_assessment(campaign=campaign, actor=None)
        return campaign

    def _users(self, demo: dict, program, orgs: dict) -> int:
        password_hash = make_password(demo["password"])
        for person in demo["users"]:
            user = user_ensure(
                username=person["username"],
                full_name=person["name"],
                email=f"{person['username']}@demo.parcouncil.invalid",
                password_hash=password_hash,
                is_superuser=person.get("superuser", False),
            )
            for role, org_code in person.get("roles", []):
                role_grant(
                    user=user,
                    program=program,
                    role=role,
                    organisation=orgs[str(org_code)],
                    actor=None,
                )
        return len(demo["users"])

    def _people(self, demo: dict, program, orgs: dict) -> None:
        """An invited person who has not set a password, and a leader's pending proposal."""
        people = demo.get("people", {})
        for person in people.get("invited", []):
            if not Invitation.objects.filter(program=program, email=person["email"]).exists():
                person_invite(
                    program=program,
                    full_name=person["name"],
                    email=person["email"],
                    role=person["role"],
                    organisation=orgs[person["organisation"]],
                    actor=None,
                )
        for person in people.get("proposed", []):
            if not Invitation.objects.filter(program=program, email=person["email"]).exists():
                focal_point_propose(
                    program=program,
                    organisation=orgs[person["organisation"]],
                    full_name=person["name"],
                    email=person["email"],
                    actor=get_user_model().objects.get(username=person["by"]),
                )

    def _council(self, demo: dict, campaign, orgs: dict) -> None:
        for username, position, org_code in demo.get("council", []):
            user = get_user_model().objects.get(username=username)
            if not CouncilMember.objects.filter(campaign=campaign, user=user).exists():
                council_member_add(
                    campaign=campaign,
                    user=user,
                    position=position,
                    organisation=orgs[str(org_code)],
                    actor=None,
                )

    def _history(self, demo: dict, program, data_dir) -> int:
        stored = 0
        for year, level, name in demo.get("history", []):
            if UnitResult.objects.filter(
                campaign__program=program, campaign__year=year, level=level
            ).exists():
                continue
            path = data_dir / "history" / name
            stored += results_import(
                program=program,
                year=year,
                level=level,
                data=path.read_bytes(),
                filename=name,
                actor=None,
            ).stored
        return stored


def _day(value) -> datetime.date:
    """A date, or a number of working days from today (negative: before)."""
    if isinstance(value, int):
        return (
            add_working_days(today(), value) if value >= 0 else working_days_before(today(), -value)
        )
    return value
